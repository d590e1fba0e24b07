package dev.troupe.shared.contract;

import java.util.Objects;

/** A document read through the pipeline, and whether the cache answered it. */
public record ReadResult(Document document, CacheStatus cache) {
  public ReadResult {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(cache, "cache");
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
