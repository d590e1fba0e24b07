package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A document read through the pipeline, as its envelope text ({@link StoredDoc}), and whether the
 * cache answered it.
 */
public record ReadResult(StoredDoc stored, CacheStatus cache) {
  public ReadResult {
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(cache, "cache");
  }

  /** The result of reading {@code document} (encoding it once). */
  public ReadResult(Document document, CacheStatus cache) {
    this(StoredDoc.of(document), cache);
  }

  /** The document, parsed from the envelope text: for callers that need its fields. */
  public Document document() {
    return stored.document();
  }

  /**
   * How a read was served: from the cache, from the database, or from the database because the
   * cache failed.
   */
  public enum CacheStatus {
    HIT,
    MISS,
    BYPASS
  }
}
