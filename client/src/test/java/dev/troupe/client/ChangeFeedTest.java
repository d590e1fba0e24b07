package dev.troupe.client;

import static dev.troupe.client.Outcomes.succeeds;
import static dev.troupe.client.Outcomes.troupeFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.BusNames;
import dev.troupe.shared.bus.HandedOverJson;
import dev.troupe.shared.contract.ChangeLogGone;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.ChangesQuery;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code onChange(since, ...)} on a Vert.x event bus, against a scripted change log (db-service's
 * {@code changes}, two rows a page) and scripted events: the log after the position, then the live
 * events, each change once and in order.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
@DisplayName("The client's change feed from a position")
class ChangeFeedTest {

  /** db-service's change log, scripted: {@code onRead} runs before each page is answered. */
  private static final class Log {
    final TreeMap<Long, JsonObject> rows = new TreeMap<>();
    long earliest = 1;
    int reads;
    int failing;
    Consumer<Integer> onRead = n -> {};

    Log upTo(long head) {
      for (long seq = rows.isEmpty() ? 1 : rows.lastKey() + 1; seq <= head; seq++) {
        rows.put(
            seq,
            new JsonObject()
                .put("seq", seq)
                .put("collection", "books")
                .put("id", "b" + seq)
                .put("version", 1L)
                .put("op", "put")
                .put("at", "2026-01-01T00:00:00Z"));
      }
      return this;
    }

    void answer(Message<JsonObject> m) {
      if (!"changes".equals(m.headers().get(BusNames.ACTION))) {
        m.reply(new BusFault(ErrorCode.BAD_REQUEST, null, "unexpected"));
        return;
      }
      if (failing > 0) {
        failing--;
        m.reply(new BusFault(ErrorCode.UNAVAILABLE, null, "the database is down"));
        return;
      }
      ChangesQuery query = ChangeWire.CHANGES_QUERY.decode(m.body());
      onRead.accept(++reads);
      JsonArray items = new JsonArray();
      long next = query.since();
      for (JsonObject row : rows.tailMap(query.since(), false).values()) {
        if (items.size() == 2) {
          break;
        }
        if (row.getLong("seq") >= earliest) {
          items.add(row);
          next = row.getLong("seq");
        }
      }
      long head = rows.isEmpty() ? 0 : rows.lastKey();
      m.reply(
          new JsonObject()
              .put("items", items)
              .put("next", next)
              .put("earliest", Math.max(earliest, rows.isEmpty() ? 1 : rows.firstKey()))
              .put("head", head));
    }
  }

  private static Future<TroupeClient> client(Vertx vertx, Log log) {
    HandedOverJson.register(vertx);
    BusFault.register(vertx);
    return vertx
        .eventBus()
        .<JsonObject>consumer(RequestContract.ADDRESS, log::answer)
        .completion()
        .compose(
            v ->
                TroupeClient.connect(
                    vertx, ClientOptions.builder().timeout(Duration.ofSeconds(5)).build()));
  }

  private static void publish(Vertx vertx, long seq) {
    vertx
        .eventBus()
        .publish(
            DocEvents.ADDRESS,
            ChangeWire.toJson(new DocChange(DocChange.PUT, DocKey.of("books", "b" + seq), 1, seq)));
  }

  /** The changes a feed delivered; {@link #reached} completes once one has {@code last}'s seq. */
  private static final class Collected implements Handler<DocChange> {
    final List<DocChange> changes = new ArrayList<>();
    final Promise<Void> reached = Promise.promise();
    private final long last;

    Collected(long last) {
      this.last = last;
    }

    @Override
    public void handle(DocChange change) {
      changes.add(change);
      if (change.seq() == last) {
        reached.tryComplete();
      }
    }

    List<Long> seqs() {
      return changes.stream().map(DocChange::seq).toList();
    }
  }

  @Test
  @DisplayName(
      "replays what was committed after the position, holds live events meanwhile, then goes live;"
          + " nothing twice")
  void replayThenLive(Vertx vertx, VertxTestContext ctx) {
    Log log = new Log().upTo(3);
    Collected got = new Collected(6);
    log.onRead =
        n -> {
          if (n == 1) {
            // Committed and published while the replay runs: 4 and 5 come live too, 3 again.
            log.upTo(5);
            publish(vertx, 5);
            publish(vertx, 3);
            publish(vertx, 4);
          }
        };
    client(vertx, log)
        .compose(troupe -> troupe.onChange(1, got))
        .compose(
            subscription -> {
              ctx.verify(
                  () -> {
                    assertThat(subscription.address()).isEqualTo(DocEvents.ADDRESS);
                    assertThat(got.seqs()).startsWith(2L, 3L);
                    assertThat(got.changes.get(0).key()).isEqualTo(DocKey.of("books", "b2"));
                  });
              log.upTo(6);
              publish(vertx, 4);
              publish(vertx, 6);
              return got.reached.future().map(subscription);
            })
        .compose(
            subscription -> {
              ctx.verify(() -> assertThat(got.seqs()).containsExactly(2L, 3L, 4L, 5L, 6L));
              return subscription.cancel();
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "a live event that leaves a gap is preceded by the missing changes, read from the log")
  void gapFilled(Vertx vertx, VertxTestContext ctx) {
    Log log = new Log().upTo(2);
    Collected got = new Collected(5);
    client(vertx, log)
        .compose(troupe -> troupe.onChange(2, got))
        .compose(
            subscription -> {
              log.upTo(5);
              publish(vertx, 5);
              return got.reached.future();
            })
        .onComplete(succeeds(ctx, v -> assertThat(got.seqs()).containsExactly(3L, 4L, 5L)));
  }

  @Test
  @DisplayName("when the log cannot be read to fill a gap, the feed reads again later and goes on")
  void restartsAfterAFailedRead(Vertx vertx, VertxTestContext ctx) {
    Log log = new Log().upTo(1);
    Collected got = new Collected(3);
    client(vertx, log)
        .compose(troupe -> troupe.withTimeout(Duration.ofMillis(300)).onChange(1, got))
        .compose(
            subscription -> {
              log.upTo(3);
              // Every read fails for longer than a call's deadline: the follower breaks, and the
              // feed starts a new one from the last change until a read succeeds.
              log.failing = 1_000;
              vertx.setTimer(1500, id -> log.failing = 0);
              publish(vertx, 3);
              return got.reached.future();
            })
        .onComplete(succeeds(ctx, v -> assertThat(got.seqs()).containsExactly(2L, 3L)));
  }

  @Test
  @DisplayName(
      "a position retention removed fails GONE (ChangeLogGone) naming the earliest seq;"
          + " one past the head or below 0 with BAD_REQUEST")
  void refusedPositions(Vertx vertx, VertxTestContext ctx) {
    Log log = new Log().upTo(9);
    log.earliest = 5;
    client(vertx, log)
        .compose(
            troupe ->
                troupe
                    .onChange(2, change -> ctx.failNow("nothing may be delivered: " + change))
                    .transform(
                        gone -> {
                          ctx.verify(
                              () -> {
                                assertThat(gone.cause()).isInstanceOf(ChangeLogGone.class);
                                assertThat(((ChangeLogGone) gone.cause()).earliest()).isEqualTo(5);
                                assertThat(((ChangeLogGone) gone.cause()).code())
                                    .isEqualTo(ErrorCode.GONE);
                              });
                          return troupe.onChange(10, change -> {});
                        })
                    .transform(
                        past -> {
                          ctx.verify(() -> troupeFailure(past, ErrorCode.BAD_REQUEST));
                          return troupe.onChange(-1, change -> {});
                        })
                    .transform(
                        negative -> {
                          ctx.verify(() -> troupeFailure(negative, ErrorCode.BAD_REQUEST));
                          return troupe.close();
                        })
                    .compose(closed -> troupe.onChange(0, change -> {}))
                    .transform(
                        closed -> {
                          ctx.verify(() -> troupeFailure(closed, ErrorCode.UNAVAILABLE));
                          return Future.succeededFuture();
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
