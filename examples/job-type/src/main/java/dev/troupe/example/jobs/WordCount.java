package dev.troupe.example.jobs;

import dev.troupe.shared.jobs.ChunkResult;
import dev.troupe.shared.jobs.JobHandler;
import dev.troupe.shared.jobs.JobItem;
import dev.troupe.shared.jobs.JobWork;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The job type {@value #TYPE}: counts the words of each item's {@code text} (an NDJSON line's, or a
 * document's) and answers one output line per item, {@code {"item","id","words","node"}}. An item
 * without a string {@code text} is an item error. It has no effect outside its output, so running a
 * chunk twice (after a node died mid-chunk) is harmless: the job's result keeps one outcome per
 * chunk.
 */
public final class WordCount implements JobHandler {
  /** The job type's name. */
  public static final String TYPE = "wordcount";

  private final Vertx vertx;
  private final String node;
  private final long delayMs;
  private final Consumer<String> events;

  /**
   * @param node the name this process puts in its output lines
   * @param delayMs how long each chunk takes on top of the counting, to stand for real work
   * @param events told {@code start <job> <seq>} and {@code done <job> <seq>} around each chunk
   */
  public WordCount(Vertx vertx, String node, long delayMs, Consumer<String> events) {
    this.vertx = vertx;
    this.node = node;
    this.delayMs = delayMs;
    this.events = events;
  }

  @Override
  public Future<ChunkResult> handle(JobWork work) {
    String chunk = work.jobId() + " " + work.seq();
    events.accept("start " + chunk);
    List<JsonObject> output = new ArrayList<>(work.items().size());
    List<ChunkResult.ItemError> errors = new ArrayList<>();
    for (JobItem item : work.items()) {
      if (!(item.data().getValue("text") instanceof String text)) {
        errors.add(new ChunkResult.ItemError(item.number(), "text must be a string"));
        continue;
      }
      output.add(
          new JsonObject()
              .put("item", item.number())
              .put("id", item.id())
              .put("words", words(text))
              .put("node", node));
    }
    ChunkResult result = new ChunkResult(errors, output);
    Future<Void> worked = delayMs > 0 ? vertx.timer(delayMs).mapEmpty() : Future.succeededFuture();
    return worked.map(
        v -> {
          events.accept("done " + chunk);
          return result;
        });
  }

  static int words(String text) {
    String trimmed = text.strip();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }
}
