package dev.troupe.shared.jobs;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.ListDocs;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A claimed chunk's items, as its handler gets them: an NDJSON chunk's lines parsed (a line that is
 * not a JSON object is an item error before the handler sees the chunk), or a page chunk's
 * documents read from the database.
 *
 * @param items the items for the handler
 * @param errors lines that are not JSON objects
 * @param processed what the chunk adds to its job's {@code done}: its lines, or its page's
 *     documents
 * @param next for a page chunk, the id the next page starts after, or null after the last page
 */
record ChunkItems(List<JobItem> items, List<LineError> errors, long processed, String next) {

  /** Reads a page chunk's documents from db-service; an NDJSON chunk's lines are parsed here. */
  static Future<ChunkItems> of(JobChunk chunk, boolean paged, int pageSize, Bus db, String rid) {
    if (!paged) {
      return Future.succeededFuture(lines(chunk));
    }
    ListDocs list =
        new ListDocs(
            chunk.collection(), pageSize, chunk.payload().isEmpty() ? null : chunk.payload());
    return db.call(DbContract.LIST, list, rid)
        .map(
            page -> {
              List<JobItem> items = new ArrayList<>(page.items().size());
              // A page's place in the job is its chunk number: page n is chunk n.
              long first = (long) chunk.seq() * pageSize + 1;
              for (int i = 0; i < page.items().size(); i++) {
                Document doc = page.items().get(i);
                items.add(new JobItem(first + i, doc.key().id(), doc.data()));
              }
              return new ChunkItems(items, List.of(), items.size(), page.next());
            });
  }

  /** The lines of an NDJSON chunk; blank lines are counted but are no item. */
  static ChunkItems lines(JobChunk chunk) {
    List<JobItem> items = new ArrayList<>(chunk.lines());
    List<LineError> errors = new ArrayList<>();
    String payload = chunk.payload();
    long line = chunk.firstLine();
    int start = 0;
    while (start < payload.length()) {
      int end = payload.indexOf('\n', start);
      if (end < 0) {
        end = payload.length();
      }
      String text = payload.substring(start, end).strip();
      if (!text.isEmpty()) {
        try {
          items.add(new JobItem(line, null, new JsonObject(text)));
        } catch (DecodeException | ClassCastException e) {
          errors.add(new LineError(line, "not a JSON object"));
        }
      }
      line++;
      start = end + 1;
    }
    return new ChunkItems(items, errors, chunk.lines(), null);
  }
}
