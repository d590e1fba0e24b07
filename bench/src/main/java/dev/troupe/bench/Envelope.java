package dev.troupe.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The answers the baseline servers give from memory, shaped like Troupe's own. */
final class Envelope {
  static final String ETAG = "\"1\"";

  /** One document envelope, ~150 bytes encoded, like {@code GET /api/v1/docs/{c}/{id}} answers. */
  static final JsonObject DOC = doc("k-1");

  static final Buffer DOC_BUFFER = DOC.toBuffer();

  /** A full page of 50 documents, like {@code GET /api/v1/docs/{c}?limit=50} answers. */
  static final JsonObject PAGE = page(50);

  static final Buffer PAGE_BUFFER = PAGE.toBuffer();

  private Envelope() {}

  static JsonObject doc(String id) {
    return new JsonObject()
        .put("collection", "bench")
        .put("id", id)
        .put("version", 1)
        .put("updatedAt", "2025-01-01T00:00:00Z")
        .put(
            "data",
            new JsonObject()
                .put("title", "Troupe benchmark document")
                .put("year", 2025)
                .put("tags", new JsonArray().add("bench").add("load")));
  }

  static JsonObject page(int size) {
    JsonArray items = new JsonArray();
    for (int i = 0; i < size; i++) {
      items.add(doc("k-" + i));
    }
    return new JsonObject().put("items", items).putNull("next");
  }
}
