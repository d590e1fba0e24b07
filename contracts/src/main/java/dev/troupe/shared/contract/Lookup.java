package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * What is stored under a key: a document, or its absence at a version ({@code 0} when the key was
 * never written, the delete's version when it was deleted). Versions order lookups of one key.
 */
public record Lookup(DocKey key, long version, Document document) {
  public Lookup {
    Objects.requireNonNull(key, "key");
    if (document != null && document.version() != version) {
      throw new IllegalArgumentException("version " + version + " disagrees with the document's");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0");
    }
  }

  public static Lookup found(Document document) {
    return new Lookup(document.key(), document.version(), document);
  }

  public static Lookup absent(DocKey key, long version) {
    return new Lookup(key, version, null);
  }

  public boolean exists() {
    return document != null;
  }
}
