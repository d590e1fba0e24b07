package dev.troupe.cache;

import java.io.Serializable;

/**
 * A cache entry: what the database held for a key at {@code version}. {@code envelope} is the
 * document's JSON envelope, or null for an absence (never written, or deleted at {@code version}).
 */
record CachedLookup(long version, String envelope) implements Serializable {
  boolean isNewerThan(CachedLookup other) {
    return other == null || version > other.version;
  }
}
