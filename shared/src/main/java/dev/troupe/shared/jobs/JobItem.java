package dev.troupe.shared.jobs;

import io.vertx.core.json.JsonObject;

/**
 * One item of a chunk.
 *
 * @param number the item's number within its job, from 1: an NDJSON line's line number in the
 *     uploaded body, or a document's position in the collection's id order as the job paged through
 *     it; {@link ChunkResult.ItemError}s name it
 * @param id the document's id, or null for an NDJSON line
 * @param data the parsed NDJSON line, or the document's data
 */
public record JobItem(long number, String id, JsonObject data) {
  public JobItem {
    if (data == null) {
      throw new IllegalArgumentException("an item needs its data");
    }
  }
}
