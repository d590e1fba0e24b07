package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The follower's merge of the change log and the bus, with a scripted log and scripted events:
 * every change after the position exactly once, in seq order, whatever the bus repeats, reorders or
 * loses.
 */
@DisplayName("ChangeFollower")
class ChangeFollowerTest {
  private static final int PAGE = 2;

  /** A change log in memory, read two rows a page; a read can be held back to script timing. */
  private static final class Log {
    final TreeMap<Long, JsonObject> rows = new TreeMap<>();
    long earliest = 1;
    final List<Long> asked = new ArrayList<>();
    Promise<Void> gate;
    RuntimeException failure;

    Log upTo(long head) {
      for (long seq = rows.isEmpty() ? 1 : rows.lastKey() + 1; seq <= head; seq++) {
        rows.put(seq, row(seq));
      }
      return this;
    }

    Future<JsonObject> page(long since) {
      asked.add(since);
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      if (gate != null) {
        Promise<Void> held = gate;
        gate = null;
        return held.future().map(v -> read(since));
      }
      return Future.succeededFuture(read(since));
    }

    JsonObject read(long since) {
      JsonArray items = new JsonArray();
      long next = since;
      for (JsonObject row : rows.tailMap(since, false).values()) {
        if (items.size() == PAGE || row.getLong("seq") < earliest) {
          if (items.size() == PAGE) {
            break;
          }
          continue;
        }
        items.add(row);
        next = row.getLong("seq");
      }
      long head = rows.isEmpty() ? 0 : rows.lastKey();
      return new JsonObject()
          .put("items", items)
          .put("next", next)
          .put("earliest", rows.isEmpty() ? head + 1 : Math.max(earliest, rows.firstKey()))
          .put("head", head);
    }
  }

  private static JsonObject row(long seq) {
    return new JsonObject()
        .put("seq", seq)
        .put("collection", "books")
        .put("id", "b" + seq)
        .put("version", 1L)
        .put("op", "put")
        .put("at", "2026-01-01T00:00:00Z");
  }

  private static JsonObject event(long seq) {
    return ChangeFollower.event(row(seq));
  }

  private static List<Long> seqs(List<JsonObject> delivered) {
    return delivered.stream().map(e -> e.getLong("seq")).toList();
  }

  @Test
  @DisplayName("replays the log after the position page by page, then delivers live events once")
  void replayThenLive() {
    Log log = new Log().upTo(5);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});

    Future<Void> started = follower.start(1);

    assertThat(started.succeeded()).isTrue();
    assertThat(seqs(got)).containsExactly(2L, 3L, 4L, 5L);
    assertThat(got.get(0)).isEqualTo(event(2));
    assertThat(log.asked).containsExactly(1L, 3L, 5L);
    follower.arrived(event(5));
    follower.arrived(event(4));
    log.upTo(6);
    follower.arrived(event(6));
    assertThat(seqs(got)).containsExactly(2L, 3L, 4L, 5L, 6L);
    assertThat(follower.cursor()).isEqualTo(6);
  }

  @Test
  @DisplayName("events that arrive during the replay wait, and those it delivered are not repeated")
  void heldDuringReplay() {
    Log log = new Log().upTo(3);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});
    Promise<Void> gate = Promise.promise();
    log.gate = gate;

    Future<Void> started = follower.start(0);
    log.upTo(5);
    follower.arrived(event(5));
    follower.arrived(event(3));
    follower.arrived(event(4));
    assertThat(got).isEmpty();
    gate.complete();

    assertThat(started.succeeded()).isTrue();
    assertThat(seqs(got)).containsExactly(1L, 2L, 3L, 4L, 5L);
    follower.arrived(event(5));
    assertThat(seqs(got)).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  @DisplayName("a live event that leaves a gap sends the follower to the log for what is missing")
  void gapFilledFromLog() {
    Log log = new Log().upTo(2);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});
    follower.start(-1);
    assertThat(follower.cursor()).isEqualTo(2);

    log.upTo(6);
    follower.arrived(event(5));
    assertThat(seqs(got)).containsExactly(3L, 4L, 5L, 6L);
    follower.arrived(event(6));
    follower.arrived(event(3));
    assertThat(seqs(got)).containsExactly(3L, 4L, 5L, 6L);
  }

  @Test
  @DisplayName("an event without a seq (an older node) sends the follower to the log")
  void unnumberedEventReadsTheLog() {
    Log log = new Log().upTo(1);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});
    follower.start(-1);
    log.upTo(2);
    follower.arrived(event(2).put("seq", 0L));
    assertThat(seqs(got)).containsExactly(2L);
  }

  @Test
  @DisplayName("a position retention removed fails with the earliest seq the log holds")
  void pastRetention() {
    Log log = new Log().upTo(9);
    log.earliest = 5;
    ChangeFollower follower = new ChangeFollower(log::page, e -> {}, e -> {});

    Future<Void> started = follower.start(2);

    assertThat(started.cause()).isInstanceOf(ChangeLogGone.class);
    ChangeLogGone gone = (ChangeLogGone) started.cause();
    assertThat(gone.earliest()).isEqualTo(5);
    assertThat(gone.since()).isEqualTo(2);
    assertThat(gone.getMessage()).contains("earliest it holds is 5");
    assertThat(new ChangeFollower(log::page, e -> {}, e -> {}).start(4).succeeded()).isTrue();
  }

  @Test
  @DisplayName("a position past the log's head is a bad request")
  void pastHead() {
    Log log = new Log().upTo(3);
    Future<Void> started = new ChangeFollower(log::page, e -> {}, e -> {}).start(4);
    assertThat(started.cause()).isInstanceOf(TroupeException.class);
    assertThat(((TroupeException) started.cause()).code()).isEqualTo(ErrorCode.BAD_REQUEST);
  }

  @Test
  @DisplayName("a failed read once started stops the follower and reports it; nothing more comes")
  void brokenStops() {
    Log log = new Log().upTo(1);
    List<JsonObject> got = new ArrayList<>();
    List<Throwable> broken = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, broken::add);
    follower.start(-1);
    log.failure = new IllegalStateException("db down");

    follower.arrived(event(3));
    follower.arrived(event(2));

    assertThat(broken).hasSize(1);
    assertThat(broken.get(0)).hasMessage("db down");
    assertThat(got).isEmpty();
    assertThat(follower.cursor()).isEqualTo(1);
  }

  @Test
  @DisplayName("a gap the log cannot fill (rows removed) is skipped: the follower goes on from it")
  void unfillableGapSkipped() {
    Log log = new Log().upTo(1);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});
    follower.start(-1);

    follower.arrived(event(4));

    assertThat(seqs(got)).containsExactly(4L);
  }

  @Test
  @DisplayName("a stopped follower delivers nothing")
  void stopped() {
    Log log = new Log().upTo(1);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});
    follower.start(-1);
    follower.stop();
    follower.arrived(event(2));
    assertThat(got).isEmpty();
  }

  @Test
  @DisplayName(
      "a change whose event the bus never brought, with none after it, is read from the log at the next quiet tick")
  void lostLastEventFoundByTick() {
    Log log = new Log().upTo(2);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});
    follower.start(-1);
    log.asked.clear();

    log.upTo(3); // committed, its event lost
    follower.tick(); // the first tick notes where the follower stands
    assertThat(got).isEmpty();
    follower.tick(); // a whole tick heard nothing: read the log

    assertThat(seqs(got)).containsExactly(3L);
    assertThat(log.asked)
        .as("a page from the cursor, then one to see it was the last")
        .containsExactly(2L, 3L);
  }

  @Test
  @DisplayName(
      "ticks read nothing while events flow, and read less and less often while the log stays quiet")
  void ticksBackOffWhileQuiet() {
    Log log = new Log().upTo(1);
    List<JsonObject> got = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, e -> {});
    follower.start(-1);
    log.asked.clear();

    for (long seq = 2; seq <= 5; seq++) {
      log.upTo(seq);
      follower.arrived(event(seq));
      follower.tick();
    }
    assertThat(log.asked).as("reads while events flow").isEmpty();

    List<Integer> readAt = new ArrayList<>();
    for (int tick = 1; tick <= 40; tick++) {
      int before = log.asked.size();
      follower.tick();
      if (log.asked.size() > before) {
        readAt.add(tick);
      }
    }
    // Quiet from tick 1: a read after 1 quiet tick, then after 2, 4, 8, 16 more (32 at most).
    assertThat(readAt).containsExactly(1, 3, 7, 15, 31);
    assertThat(seqs(got)).containsExactly(2L, 3L, 4L, 5L);

    log.upTo(6);
    follower.arrived(event(6));
    follower.tick();
    int before = log.asked.size();
    follower.tick();
    assertThat(log.asked.size()).as("an event resets the back-off").isEqualTo(before + 1);
  }

  @Test
  @DisplayName("a failed read at a tick breaks nothing: the next one tries again")
  void failedTickReadIsRetried() {
    Log log = new Log().upTo(1);
    List<JsonObject> got = new ArrayList<>();
    List<Throwable> broken = new ArrayList<>();
    ChangeFollower follower = new ChangeFollower(log::page, got::add, broken::add);
    follower.start(-1);
    log.upTo(2);
    log.failure = new IllegalStateException("db down");
    follower.tick();
    follower.tick();
    assertThat(broken).isEmpty();
    assertThat(got).isEmpty();

    log.failure = null;
    follower.tick();
    follower.tick();
    follower.tick();
    assertThat(seqs(got)).containsExactly(2L);
    assertThat(broken).isEmpty();
  }
}
