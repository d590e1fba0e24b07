package dev.troupe.shared.contract;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A document as the JSON text of its envelope ({@link Document}), and its version: the one
 * representation of a read, single or batch, from the cache (which stores exactly this text) or the
 * database to the HTTP response. A cache hit passes the text through every hop unparsed; the
 * gateway writes it out as the response body and takes the ETag from {@code version}.
 *
 * <p>The text is encoded by Troupe's own services from a {@link Document} ({@link #of}), never
 * taken from a caller, so receivers may write it out as JSON unchecked.
 */
public record StoredDoc(long version, String envelope) {
  public StoredDoc {
    Objects.requireNonNull(envelope, "envelope");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
  }

  /** {@code document}'s envelope, encoded once. */
  public static StoredDoc of(Document document) {
    return new StoredDoc(document.version(), DocWire.toJson(document).encode());
  }

  /** The document, parsed from the text: for callers that need its fields, off the hot path. */
  public Document document() {
    return DocWire.document(new JsonObject(envelope));
  }

  /** The strong entity tag of this version, quoted as HTTP wants it. */
  public String etag() {
    return Document.etag(version);
  }
}
