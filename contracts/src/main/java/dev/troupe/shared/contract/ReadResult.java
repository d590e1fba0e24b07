package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A document read through the pipeline, as its envelope text ({@link StoredDoc}), whether the cache
 * answered it, and the form its answer travels in: {@code encoded}, the envelope as JSON text (what
 * a {@link ReadDoc} with {@code encoded} asks for, passed through unparsed), or else as a JSON
 * object. One reply type for both forms, so request-service's {@code get} has one reply codec.
 */
public record ReadResult(StoredDoc stored, CacheStatus cache, boolean encoded) {
  public ReadResult {
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(cache, "cache");
  }

  /** A result answered as a JSON object. */
  public ReadResult(StoredDoc stored, CacheStatus cache) {
    this(stored, cache, false);
  }

  /** The result of reading {@code document} (encoding it once), answered as a JSON object. */
  public ReadResult(Document document, CacheStatus cache) {
    this(StoredDoc.of(document), cache);
  }

  /** This result in the form {@code read} asks for. */
  public ReadResult answering(ReadDoc read) {
    return read.encoded() == encoded ? this : new ReadResult(stored, cache, read.encoded());
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
