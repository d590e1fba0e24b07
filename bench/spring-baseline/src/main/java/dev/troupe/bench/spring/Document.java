package dev.troupe.bench.spring;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.io.Serializable;
import java.time.Instant;

/**
 * A stored document, serialised as Troupe's envelope {@code
 * {"collection","id","version","updatedAt","data"}}. {@code data} is the JSON text as stored,
 * written into the envelope as it is. The same record is the cache entry (Java serialisation, as
 * Troupe's cache entry).
 */
public record Document(
    String collection, String id, long version, Instant updatedAt, @JsonRawValue String data)
    implements Serializable {

  /** The strong entity tag of this version, without quotes. */
  String etag() {
    return Long.toString(version);
  }

  /** The later of two versions of one document: what the cache keeps when writers race. */
  static Document newer(Document a, Document b) {
    return b.version() > a.version() ? b : a;
  }
}
