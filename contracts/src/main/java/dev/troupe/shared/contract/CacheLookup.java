package dev.troupe.shared.contract;

/**
 * The answer of cache-service's {@code get}: a miss, or a hit at {@code version} carrying the
 * document as its stored envelope text ({@link StoredDoc}, passed on unparsed), or no document for
 * an absence recorded at {@code version}.
 */
public record CacheLookup(boolean hit, long version, StoredDoc document) {
  public static final CacheLookup MISS = new CacheLookup(false, 0, null);

  public CacheLookup {
    if (!hit && document != null) {
      throw new IllegalArgumentException("a miss carries no document");
    }
    if (document != null && document.version() != version) {
      throw new IllegalArgumentException("version " + version + " disagrees with the document's");
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0");
    }
  }

  public static CacheLookup found(StoredDoc document) {
    return new CacheLookup(true, document.version(), document);
  }

  public static CacheLookup absent(long version) {
    return new CacheLookup(true, version, null);
  }

  /** The hit of what {@code lookup} says (encoding its document once). */
  public static CacheLookup of(Lookup lookup) {
    return lookup.exists() ? found(StoredDoc.of(lookup.document())) : absent(lookup.version());
  }

  /** Whether the hit is a document (not an absence). */
  public boolean exists() {
    return document != null;
  }
}
