package dev.troupe.shared.contract;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Follows the cluster's document changes in change log order, with nothing skipped or repeated,
 * from a position or from now: the gateway's event streams and {@code troupe-client}'s {@code
 * onChange(since, ...)} both use it. The bus delivers change events ({@link DocEvents#ADDRESS}) at
 * most once and in no promised order across db-service instances; the change log ({@link
 * DbContract#CHANGES}) numbers them in commit order without gaps (seq n+1 is committed only after
 * n). So an event whose seq is the next one is delivered at once, and one that leaves a gap sends
 * the follower to the log, which already holds everything below it.
 *
 * <p>Use: subscribe to {@link DocEvents#ADDRESS} and pass every event to {@link #arrived}; once the
 * subscription is registered, {@link #start}. Events that arrive while the log is replayed wait,
 * and those the replay already delivered are dropped. Not thread-safe: call it, and complete the
 * {@code page} futures, on one Vert.x context.
 *
 * <p>An event the bus never brought is found by the next one (its seq leaves a gap), or, when no
 * next one comes, by {@link #tick}: call it every {@link #TICK_MS} ms and a follower that heard
 * nothing reads the log once the bus has been quiet for a tick, then after 2, 4 ... up to 32 quiet
 * ticks while the log has nothing new. A publish can miss a subscriber: the bus is at most once,
 * and a subscription just registered reaches the other nodes' views of it a moment later.
 *
 * <p>A failure to read the log once started stops the follower and is passed to {@code broken}; the
 * caller may start a new one from {@link #cursor()}.
 */
public final class ChangeFollower {
  /** How often to call {@link #tick}. */
  public static final long TICK_MS = 1_000;

  private static final int MAX_QUIET_SHIFT = 5;

  private final LongFunction<Future<JsonObject>> page;
  private final Consumer<JsonObject> deliver;
  private final Consumer<Throwable> broken;
  private final TreeMap<Long, JsonObject> early = new TreeMap<>();
  private long cursor = -1;
  private boolean reading;
  private boolean stopped;
  private boolean arrivedSinceTick;
  private long cursorAtTick = -1;
  private int quietTicks;
  private int emptyReads;

  /**
   * {@code page} reads the log after a seq (db-service's {@code changes}: a reply with {@code
   * items}, {@code next}, {@code earliest} and {@code head}); {@code deliver} gets each event once,
   * in seq order, as the bus carries it ({@link ChangeWire#changeEvent}).
   */
  public ChangeFollower(
      LongFunction<Future<JsonObject>> page,
      Consumer<JsonObject> deliver,
      Consumer<Throwable> broken) {
    this.page = page;
    this.deliver = deliver;
    this.broken = broken;
  }

  /**
   * Starts after {@code since} (a seq), or from the log's head when {@code since} is negative.
   * Completes once every change after it up to the log's head was delivered, and every later one
   * will be: the subscription must be registered before. Fails with {@link ChangeLogGone} when
   * retention removed changes after {@code since}, with a {@code BAD_REQUEST} {@link
   * TroupeException} when {@code since} is past the log's head, or with the failure of reading the
   * log.
   */
  public Future<Void> start(long since) {
    if (since < 0) {
      return page.apply(Long.MAX_VALUE / 2)
          .map(
              head -> {
                cursor = head.getLong("head");
                early.headMap(cursor, true).clear();
                drain();
                return null;
              });
    }
    reading = true;
    return page.apply(since)
        .compose(
            first -> {
              refuse(since, first);
              cursor = since;
              return replay(first);
            })
        .andThen(
            ar -> {
              reading = false;
              if (ar.succeeded()) {
                drain();
              } else {
                stopped = true;
              }
            });
  }

  /**
   * A position retention removed, or one past the log's head, given the log's first page after it.
   */
  public static void refuse(long since, JsonObject first) {
    long earliest = first.getLong("earliest");
    long head = first.getLong("head");
    if (since + 1 < earliest) {
      throw new ChangeLogGone(since, earliest);
    }
    if (since > head) {
      throw TroupeException.badRequest(
          "position " + since + " is past the change log's head (" + head + ")");
    }
  }

  /** The seq of the last change delivered (or the start position); -1 before the start. */
  public long cursor() {
    return cursor;
  }

  /** Delivers nothing more. */
  public void stop() {
    stopped = true;
    early.clear();
  }

  /** An event of the bus subscription. */
  public void arrived(JsonObject event) {
    if (event == null || stopped) {
      return;
    }
    arrivedSinceTick = true;
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

  /**
   * Reads the log from the cursor when the bus brought nothing since the last ticks (see the class
   * comment); call it every {@link #TICK_MS} ms once started.
   */
  public void tick() {
    if (stopped || cursor < 0) {
      return;
    }
    if (arrivedSinceTick || cursor != cursorAtTick) {
      arrivedSinceTick = false;
      cursorAtTick = cursor;
      quietTicks = 0;
      emptyReads = 0;
      return;
    }
    if (++quietTicks < 1 << Math.min(emptyReads, MAX_QUIET_SHIFT)) {
      return;
    }
    quietTicks = 0;
    emptyReads++;
    read(true);
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

  private void read() {
    read(false);
  }

  /**
   * Reads the log from the cursor to its end, then carries on with what the bus brought. A failed
   * {@code catchUp} read (nothing known to be missing) is tried again at a later tick; any other
   * breaks the follower.
   */
  private void read(boolean catchUp) {
    if (reading || cursor < 0 || stopped) {
      return;
    }
    reading = true;
    long from = cursor;
    page.apply(from)
        .compose(this::replay)
        .onComplete(
            ar -> {
              reading = false;
              if (ar.failed() && catchUp) {
                drain();
                return;
              }
              if (ar.failed()) {
                if (!stopped) {
                  stop();
                  broken.accept(ar.cause());
                }
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

  /** Delivers the page's changes after the cursor, then reads on until the log's end. */
  private Future<Void> replay(JsonObject reply) {
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
        : page.apply(reply.getLong("next")).compose(this::replay);
  }

  /** A row of the log as the event the bus would have carried. */
  public static JsonObject event(JsonObject item) {
    return ChangeWire.changeEvent(
        item.getString("op"),
        DocKey.of(item.getString("collection"), item.getString("id")),
        item.getLong("version"),
        item.getLong("seq"));
  }
}
