package dev.troupe.shared.contract;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored document, as every service and client sees it (the "envelope"): {@code
 * {"collection","id","version","updatedAt","data"}}. {@code version} starts at 1 for a new document
 * and grows by one on every write; it is the document's ETag.
 */
public record Document(DocKey key, long version, Instant updatedAt, JsonObject data) {
  public Document {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(data, "data");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
  }

  /** The strong entity tag of this version, quoted as HTTP wants it. */
  public String etag() {
    return etag(version);
  }

  public static String etag(long version) {
    return "\"" + version + "\"";
  }
}
