package dev.troupe.gateway;

import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The change events of the whole cluster, in log order with nothing skipped or repeated, for one
 * gateway instance's event streams. The bus delivers events at most once and in no promised order
 * across db-service instances; the change log numbers them in commit order without gaps (seq n+1 is
 * committed only after n). So an event whose seq is the next one goes out at once, and one that
 * leaves a gap sends the tail to the log, which already holds everything below it.
 *
 * <p>Starts from the log's head once its bus subscription is registered: every change after that is
 * delivered. A failure to read the log breaks the tail ({@code broken}); its streams end and their
 * clients resume from their last id.
 */
final class ChangeTail {
  private final Vertx vertx;
  private final LongFunction<Future<JsonObject>> page;
  private final Consumer<JsonObject> deliver;
  private final Consumer<Throwable> broken;
  private final TreeMap<Long, JsonObject> early = new TreeMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long cursor = -1;
  private boolean reading;
  private boolean stopped;

  /**
   * {@code page} reads the log after a seq (db-service's {@code changes}); {@code deliver} gets
   * each event once, in seq order.
   */
  ChangeTail(
      Vertx vertx,
      LongFunction<Future<JsonObject>> page,
      Consumer<JsonObject> deliver,
      Consumer<Throwable> broken) {
    this.vertx = vertx;
    this.page = page;
    this.deliver = deliver;
    this.broken = broken;
  }

  /** Subscribes, then reads the log's head: completes once the tail delivers every later change. */
  Future<Void> start() {
    consumer = vertx.eventBus().consumer(DocEvents.ADDRESS, message -> arrived(message.body()));
    return consumer
        .completion()
        .compose(v -> page.apply(Long.MAX_VALUE / 2))
        .map(
            head -> {
              cursor = head.getLong("head");
              early.headMap(cursor, true).clear();
              drain();
              return null;
            });
  }

  /** The seq of the last change delivered. */
  long cursor() {
    return cursor;
  }

  void stop() {
    stopped = true;
    if (consumer != null) {
      consumer.unregister();
    }
  }

  private void arrived(JsonObject event) {
    if (event == null || stopped) {
      return;
    }
    Long seq = event.getLong("seq");
    if (seq == null || seq < 1) {
      // From a node that predates the numbered log: the log has it.
      read();
      return;
    }
    if (cursor >= 0 && seq <= cursor) {
      return;
    }
    early.put(seq, event);
    drain();
  }

  private void drain() {
    if (cursor < 0 || reading || stopped) {
      return;
    }
    while (!early.isEmpty() && early.firstKey() == cursor + 1) {
      cursor++;
      deliver.accept(early.pollFirstEntry().getValue());
    }
    if (!early.isEmpty()) {
      read();
    }
  }

  /** Reads the log from the cursor to its end, then carries on with what the bus brought. */
  private void read() {
    if (reading || cursor < 0 || stopped) {
      return;
    }
    reading = true;
    long from = cursor;
    readFrom(from)
        .onComplete(
            ar -> {
              reading = false;
              if (ar.failed()) {
                stopped = true;
                broken.accept(ar.cause());
                return;
              }
              if (cursor == from && !early.isEmpty() && early.firstKey() > cursor + 1) {
                // The log has nothing below an event the bus brought: rows retention removed, or
                // numbers an older build skipped. Go on from the event.
                cursor = early.firstKey() - 1;
              }
              drain();
            });
  }

  private Future<Void> readFrom(long since) {
    return page.apply(since)
        .compose(
            reply -> {
              JsonArray items = reply.getJsonArray("items");
              for (int i = 0; i < items.size() && !stopped; i++) {
                JsonObject event = event(items.getJsonObject(i));
                long seq = event.getLong("seq");
                if (seq > cursor) {
                  cursor = seq;
                  deliver.accept(event);
                }
              }
              early.headMap(cursor, true).clear();
              return items.isEmpty() || stopped
                  ? Future.succeededFuture()
                  : readFrom(reply.getLong("next"));
            });
  }

  /** A row of the log as the event the bus would have carried. */
  static JsonObject event(JsonObject item) {
    return ChangeWire.changeEvent(
        item.getString("op"),
        DocKey.of(item.getString("collection"), item.getString("id")),
        item.getLong("version"),
        item.getLong("seq"));
  }
}
