package dev.troupe.gateway;

import java.util.Set;

/**
 * An authenticated client of the edge: its subject (key name, JWT {@code sub}), its scopes, and the
 * chat user it is ({@link ChatIdentity}): the key's name, or the token's claim named by {@code
 * TROUPE_JWT_CHAT_USER_CLAIM}; null when the token has no such claim (it may then act in chat only
 * with {@code chat:admin}).
 */
record Caller(String subject, Set<String> scopes, String chatUser) {
  /** Where an authenticated request keeps its caller, for the checks after authentication. */
  static final String KEY = "troupe.caller";

  Caller {
    scopes = Set.copyOf(scopes);
  }

  /** Everyone, with every scope: {@code TROUPE_AUTH=none}. */
  static final Caller ANONYMOUS = new Caller("anonymous", Scopes.ALL, null);
}
