package dev.troupe.shared.jobs;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link JobHandler} made of one chunk. Every item of the chunk counts as done (the job's
 * {@code done}); those listed in {@code errors} count as failed too, and the job's {@code errors}
 * list them. {@code output} lines are appended to the job's result ({@code GET
 * /api/v1/jobs/{id}/result}, NDJSON) in one transaction with the chunk's completion.
 *
 * @param errors the items that could not be processed, by item number
 * @param output lines for the job's result, in order; may be empty
 */
public record ChunkResult(List<ItemError> errors, List<JsonObject> output) {
  public ChunkResult {
    errors = errors == null ? List.of() : List.copyOf(errors);
    output = output == null ? List.of() : List.copyOf(output);
  }

  /** Every item processed, nothing for the result. */
  public static ChunkResult done() {
    return new ChunkResult(List.of(), List.of());
  }

  /** Every item processed, with {@code output} for the result. */
  public static ChunkResult output(List<JsonObject> output) {
    return new ChunkResult(List.of(), output);
  }

  /** This result with one more item error. */
  public ChunkResult withError(long item, String error) {
    List<ItemError> more = new ArrayList<>(errors);
    more.add(new ItemError(item, error));
    return new ChunkResult(more, output);
  }

  /**
   * An item that could not be processed.
   *
   * @param item its {@link JobItem#number}
   * @param error why, as the job's errors show it (at most 1000 characters are kept)
   */
  public record ItemError(long item, String error) {
    public ItemError {
      if (error == null || error.isEmpty()) {
        throw new IllegalArgumentException("an item error needs a message");
      }
    }
  }
}
