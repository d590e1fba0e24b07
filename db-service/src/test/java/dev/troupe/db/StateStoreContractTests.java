package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static dev.troupe.db.TestDatabase.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.StateStoreContract.MessageRange;
import dev.troupe.shared.contract.StateStoreContract.SaveState;
import dev.troupe.shared.contract.StateStoreContract.StateKey;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link StateStore}: actor state and chat messages, the same on every backend. */
abstract class StateStoreContractTests extends DatabaseContract {
  private static final StateKey ROOM = new StateKey("chat-room", "lounge");

  private Pool pool;
  private StateStore state;

  @BeforeEach
  final void openStore(Vertx vertx, VertxTestContext ctx) {
    pool = backend.pool(vertx);
    state =
        StateStore.open(
            vertx,
            vertx.getOrCreateContext(),
            backend,
            pool,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    db.reset(pool).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  final void closeStore(VertxTestContext ctx) {
    state.close().eventually(() -> pool.close()).onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject n(int n) {
    return new JsonObject().put("n", n);
  }

  @Test
  @DisplayName(
      "a state never written loads as version 0; each write names the version it replaces and gets the next")
  void versions(VertxTestContext ctx) {
    state
        .load(ROOM)
        .compose(
            absent -> {
              ctx.verify(() -> assertThat(absent.version()).isZero());
              return state.save(new SaveState(ROOM, 0, n(1)));
            })
        .compose(
            v1 -> {
              ctx.verify(() -> assertThat(v1).isEqualTo(1L));
              return state.save(new SaveState(ROOM, 1, n(2)));
            })
        .compose(v2 -> state.load(ROOM))
        .onComplete(
            ctx.succeeding(
                loaded ->
                    ctx.verify(
                        () -> {
                          assertThat(loaded.version()).isEqualTo(2L);
                          assertThat(loaded.data()).isEqualTo(n(2));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "each write sees the one before it, whichever pooled connection ran it: 50 actors, 10 writes each, at once,"
          + " on connections that served transactions before")
  void writesSeeTheirPredecessor(VertxTestContext ctx) {
    // Transactions first, on every connection of the pool (document writes now go through the group
    // writer, but jobs and the idempotency sweep still use pooled transactions): a connection a
    // transaction used must not leave a later state write uncommitted.
    List<Future<?>> before = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      before.add(pool.withTransaction(conn -> conn.query("SELECT 1").execute()));
    }
    List<Future<Long>> chains = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      StateKey key = new StateKey("counter", "k" + k);
      Future<Long> chain = Future.all(before).map(0L);
      for (int i = 1; i <= 10; i++) {
        int n = i;
        chain = chain.compose(version -> state.save(new SaveState(key, version, n(n))));
      }
      chains.add(chain);
    }
    Future.all(chains)
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(chains)
                              .allSatisfy(chain -> assertThat(chain.result()).isEqualTo(10L));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a write over a version no longer stored (a stale activation) fails with PRECONDITION_FAILED and changes nothing")
  void staleWrites(VertxTestContext ctx) {
    state
        .save(new SaveState(ROOM, 0, n(1)))
        .compose(v1 -> failureOf(state.save(new SaveState(ROOM, 0, n(9)))))
        .compose(
            firstAgain -> {
              ctx.verify(() -> assertCode(firstAgain, ErrorCode.PRECONDITION_FAILED));
              return state.save(new SaveState(ROOM, 1, n(2)));
            })
        .compose(v2 -> failureOf(state.save(new SaveState(ROOM, 1, n(9)))))
        .compose(
            stale -> {
              ctx.verify(() -> assertCode(stale, ErrorCode.PRECONDITION_FAILED));
              return failureOf(
                  state.save(new SaveState(new StateKey("chat-room", "nowhere"), 3, n(9))));
            })
        .compose(
            absent -> {
              ctx.verify(() -> assertCode(absent, ErrorCode.PRECONDITION_FAILED));
              return state.load(ROOM);
            })
        .onComplete(
            ctx.succeeding(
                loaded ->
                    ctx.verify(
                        () -> {
                          assertThat(loaded.version()).isEqualTo(2L);
                          assertThat(loaded.data()).isEqualTo(n(2));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "messages are stored per room and number, a number stored again is replaced, and a range reads them in order")
  void messages(VertxTestContext ctx) {
    Future<Void> chain = Future.succeededFuture();
    for (int seq = 1; seq <= 5; seq++) {
      StoredMessage m =
          new StoredMessage("den~1", seq, new JsonObject().put("seq", seq).put("text", "m" + seq));
      chain = chain.compose(v -> state.putMessage(m));
    }
    chain
        .compose(
            v ->
                state.putMessage(
                    new StoredMessage(
                        "den~1", 3, new JsonObject().put("seq", 3).put("text", "again"))))
        .compose(
            v ->
                state.putMessage(
                    new StoredMessage(
                        "den", 1, new JsonObject().put("seq", 1).put("text", "other room"))))
        .compose(v -> state.messages(new MessageRange("den~1", 1, 4)))
        .onComplete(
            ctx.succeeding(
                items ->
                    ctx.verify(
                        () -> {
                          assertThat(items)
                              .extracting(m -> m.getString("text"))
                              .containsExactly("m2", "again", "m4");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("internal writes leave no document and no change row behind")
  void noDocuments(VertxTestContext ctx) {
    state
        .save(new SaveState(ROOM, 0, n(1)))
        .compose(v -> state.putMessage(new StoredMessage("lounge", 1, n(1))))
        .compose(
            v ->
                pool.query(
                        "SELECT (SELECT COUNT(*) FROM troupe_documents) + (SELECT COUNT(*) FROM troupe_changes)")
                    .execute())
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.iterator().next().getLong(0)).isZero();
                          ctx.completeNow();
                        })));
  }

  private static StoredMessage message(String room, long seq, String text) {
    return new StoredMessage(room, seq, new JsonObject().put("seq", seq).put("text", text));
  }

  @Test
  @DisplayName(
      "a save stores its messages in its own transaction: a current save stores state and messages,"
          + " a stale one neither")
  void saveWithMessages(VertxTestContext ctx) {
    state
        .save(new SaveState(ROOM, 0, n(1), List.of(message("lounge", 1, "first"))))
        .compose(
            v1 -> state.save(new SaveState(ROOM, 1, n(2), List.of(message("lounge", 2, "second")))))
        // a stale activation still at version 1 posts its own number 2, and a stale first write its
        // number 1
        .compose(
            v2 ->
                failureOf(
                    state.save(
                        new SaveState(ROOM, 1, n(9), List.of(message("lounge", 2, "stale"))))))
        .compose(
            stale -> {
              ctx.verify(() -> assertCode(stale, ErrorCode.PRECONDITION_FAILED));
              return failureOf(
                  state.save(
                      new SaveState(ROOM, 0, n(9), List.of(message("lounge", 1, "stale first")))));
            })
        .compose(
            staleFirst -> {
              ctx.verify(() -> assertCode(staleFirst, ErrorCode.PRECONDITION_FAILED));
              return state.load(ROOM);
            })
        .compose(
            loaded -> {
              ctx.verify(
                  () -> {
                    assertThat(loaded.version()).isEqualTo(2L);
                    assertThat(loaded.data()).isEqualTo(n(2));
                  });
              return state.messages(new MessageRange("lounge", 0, 10));
            })
        .onComplete(
            ctx.succeeding(
                items ->
                    ctx.verify(
                        () -> {
                          assertThat(items)
                              .extracting(m -> m.getString("text"))
                              .containsExactly("first", "second");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a save whose message number holds an uncounted message (stored apart by a previous build) replaces it")
  void saveReplacesAnUncountedMessage(VertxTestContext ctx) {
    state
        .putMessage(message("lounge", 1, "never counted"))
        .compose(
            v -> state.save(new SaveState(ROOM, 0, n(1), List.of(message("lounge", 1, "counted")))))
        .compose(v1 -> state.messages(new MessageRange("lounge", 0, 10)))
        .onComplete(
            ctx.succeeding(
                items ->
                    ctx.verify(
                        () -> {
                          assertThat(items)
                              .extracting(m -> m.getString("text"))
                              .containsExactly("counted");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "saves sent together share group commits, each judged alone: of two saves over one version exactly"
          + " one wins, and only the winner's message is stored")
  void concurrentSavesAreJudgedOneByOne(VertxTestContext ctx) {
    int actors = 20;
    List<Future<Long>> firsts = new ArrayList<>();
    for (int k = 0; k < actors; k++) {
      firsts.add(state.save(new SaveState(new StateKey("chat-room", "r" + k), 0, n(0))));
    }
    List<Future<Long>> a = new ArrayList<>();
    List<Future<Long>> b = new ArrayList<>();
    Future.all(firsts)
        .compose(
            v -> {
              List<Future<Long>> both = new ArrayList<>();
              for (int k = 0; k < actors; k++) {
                StateKey key = new StateKey("chat-room", "r" + k);
                a.add(state.save(new SaveState(key, 1, n(1), List.of(message("r" + k, 1, "a")))));
                b.add(state.save(new SaveState(key, 1, n(2), List.of(message("r" + k, 1, "b")))));
                both.add(a.get(k));
                both.add(b.get(k));
              }
              return Future.join(both);
            })
        .transform(
            joined -> {
              List<Future<List<JsonObject>>> stored = new ArrayList<>();
              for (int k = 0; k < actors; k++) {
                stored.add(state.messages(new MessageRange("r" + k, 0, 5)));
              }
              return Future.all(stored).map(all -> stored);
            })
        .onComplete(
            ctx.succeeding(
                stored ->
                    ctx.verify(
                        () -> {
                          for (int k = 0; k < actors; k++) {
                            assertThat(a.get(k).succeeded() ^ b.get(k).succeeded())
                                .as("exactly one winner for r" + k)
                                .isTrue();
                            Future<Long> loser = a.get(k).succeeded() ? b.get(k) : a.get(k);
                            assertCode(loser.cause(), ErrorCode.PRECONDITION_FAILED);
                            String winner = a.get(k).succeeded() ? "a" : "b";
                            assertThat(stored.get(k).result())
                                .extracting(m -> m.getString("text"))
                                .containsExactly(winner);
                          }
                          ctx.completeNow();
                        })));
  }
}
