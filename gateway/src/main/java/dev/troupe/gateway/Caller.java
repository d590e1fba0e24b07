package dev.troupe.gateway;

import java.util.Set;

/** An authenticated client of the edge: its subject (key name, JWT {@code sub}) and its scopes. */
record Caller(String subject, Set<String> scopes) {
  Caller {
    scopes = Set.copyOf(scopes);
  }

  /** Everyone, with every scope: {@code TROUPE_AUTH=none}. */
  static final Caller ANONYMOUS = new Caller("anonymous", Set.of(Scopes.READ, Scopes.WRITE));
}
