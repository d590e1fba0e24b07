package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link GroupCommitter} with writers that stand in for the database: its retry bound (a writer
 * that reports a unique violation, another transaction having created one of the group's rows
 * first, a given number of times), groups in flight up to its concurrency, splitting a failed
 * group, and deadlocks.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("GroupCommitter: retries, concurrency, splits")
class GroupCommitterTest {

  /**
   * Fails its first {@code violations} commits with SQLSTATE 23505, then judges against empty
   * tables.
   */
  private static final class CreatedMeanwhile implements GroupWriter {
    private int violations;
    int commits;

    CreatedMeanwhile(int violations) {
      this.violations = violations;
    }

    @Override
    public Future<WritePlan> commit(List<Write<?>> group) {
      commits++;
      if (violations-- > 0) {
        return Future.failedFuture(
            new SQLIntegrityConstraintViolationException("duplicate key", "23505"));
      }
      return Future.succeededFuture(WritePlan.judge(group, Map.of(), Map.of(), Instant.now()));
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  /** Puts {@code keys} new documents, queued together (call on the committer's context). */
  private static List<Future<PutResult>> putKeys(GroupCommitter<Write<?>> committer, int keys) {
    List<Future<PutResult>> writes = new ArrayList<>();
    IntStream.range(0, keys).forEach(i -> writes.add(put(committer, "k-" + i)));
    return writes;
  }

  @Test
  @DisplayName(
      "a group of 5 new keys meeting a different creator on each of 5 attempts commits on the 6th")
  void retriesOncePerKey(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    CreatedMeanwhile writer = new CreatedMeanwhile(5);
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 1, "documents", new SimpleMeterRegistry());
    owner.runOnContext(
        v -> {
          List<Future<PutResult>> writes = putKeys(committer, 5);
          Future.all(writes)
              .onComplete(
                  ctx.succeeding(
                      done ->
                          ctx.verify(
                              () -> {
                                assertThat(writer.commits).isEqualTo(6);
                                assertThat(writes)
                                    .allSatisfy(w -> assertThat(w.result().created()).isTrue());
                                ctx.completeNow();
                              })));
        });
  }

  @Test
  @DisplayName(
      "a group still meeting violations after one attempt more than it has keys is split, and each write alone"
          + " fails with CONFLICT after its own attempts")
  void givesUpAfterOneAttemptPerKey(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    CreatedMeanwhile writer = new CreatedMeanwhile(Integer.MAX_VALUE);
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 1, "documents", new SimpleMeterRegistry());
    owner.runOnContext(
        v -> {
          List<Future<PutResult>> writes = putKeys(committer, 2);
          Future.join(writes)
              .onComplete(
                  done ->
                      ctx.verify(
                          () -> {
                            // 3 attempts of the pair, then 2 of each write alone
                            assertThat(writer.commits).isEqualTo(3 + 2 + 2);
                            assertThat(writes)
                                .allSatisfy(w -> assertCode(w.cause(), ErrorCode.CONFLICT));
                            ctx.completeNow();
                          }));
        });
  }

  /**
   * Holds every commit until the test releases it; fails groups holding a poison key, once per
   * attempt.
   */
  private static final class Held implements GroupWriter {
    final List<Promise<WritePlan>> pending = new ArrayList<>();
    final List<Integer> sizes = new ArrayList<>();
    final List<List<String>> ids = new ArrayList<>();
    final String poison;
    String failState = "22001";
    int deadlocks;

    Held(String poison) {
      this.poison = poison;
    }

    @Override
    public Future<WritePlan> commit(List<Write<?>> group) {
      sizes.add(group.size());
      ids.add(WritePlan.keys(group).stream().map(DocKey::id).toList());
      if (deadlocks > 0) {
        deadlocks--;
        return Future.failedFuture(new SQLException("deadlock detected", "40P01"));
      }
      if (WritePlan.keys(group).stream().anyMatch(k -> k.id().equals(poison))) {
        return Future.failedFuture(new SQLException("value too long", failState));
      }
      Promise<WritePlan> promise = Promise.promise();
      pending.add(promise);
      return promise.future().map(v -> WritePlan.judge(group, Map.of(), Map.of(), Instant.now()));
    }

    void releaseAll() {
      List<Promise<WritePlan>> now = new ArrayList<>(pending);
      pending.clear();
      now.forEach(p -> p.complete(null));
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private static Future<PutResult> put(GroupCommitter<Write<?>> committer, String id) {
    Write.Put write =
        new Write.Put(new PutDoc(DocKey.of("notes", id), new JsonObject(), Precondition.NONE));
    committer.submit(write);
    return write.future();
  }

  @Test
  @DisplayName(
      "up to its concurrency, writes of separate turns start groups of their own; beyond it they queue and"
          + " the next free slot takes them as one group")
  void groupsInFlightUpToConcurrency(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    Held writer = new Held(null);
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 3, "documents", new SimpleMeterRegistry());
    List<Future<PutResult>> writes = new ArrayList<>();
    owner.runOnContext(
        start -> {
          // each write in its own event-loop turn, one turn after another
          Future<Void> turns = Future.succeededFuture();
          for (int i = 0; i < 8; i++) {
            String id = "k-" + i;
            turns =
                turns.compose(
                    v -> {
                      writes.add(put(committer, id));
                      Promise<Void> next = Promise.promise();
                      owner.runOnContext(x -> owner.runOnContext(y -> next.complete()));
                      return next.future();
                    });
          }
          turns.onComplete(
              ctx.succeeding(
                  done ->
                      ctx.verify(
                          () -> {
                            assertThat(writer.sizes)
                                .as("three groups in flight, one write each")
                                .containsExactly(1, 1, 1);
                            assertThat(writes).noneMatch(Future::isComplete);
                            writer.releaseAll();
                            owner.runOnContext(
                                x ->
                                    owner.runOnContext(
                                        y ->
                                            ctx.verify(
                                                () -> {
                                                  assertThat(writer.sizes)
                                                      .as("the five queued writes go as one group")
                                                      .containsExactly(1, 1, 1, 5);
                                                  writer.releaseAll();
                                                  Future.all(writes)
                                                      .onComplete(
                                                          ctx.succeeding(all -> ctx.completeNow()));
                                                })));
                          })));
        });
  }

  @Test
  @DisplayName(
      "a group failing for a reason one write may have caused is split: that write fails alone, its"
          + " neighbours commit")
  void splitsAFailedGroup(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    Held writer = new Held("bad");
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 1, "documents", new SimpleMeterRegistry());
    owner.runOnContext(
        v -> {
          Future<PutResult> a = put(committer, "a");
          Future<PutResult> bad = put(committer, "bad");
          Future<PutResult> c = put(committer, "c");
          vertx.setPeriodic(1, t -> writer.releaseAll());
          Future.join(a, bad, c)
              .onComplete(
                  done ->
                      ctx.verify(
                          () -> {
                            assertThat(writer.sizes).containsExactly(3, 1, 1, 1);
                            assertThat(a.succeeded()).isTrue();
                            assertThat(c.succeeded()).isTrue();
                            assertCode(bad.cause(), ErrorCode.INTERNAL);
                            ctx.completeNow();
                          }));
        });
  }

  @Test
  @DisplayName(
      "a group the database could not serve (busy) is not split: every write gets the retryable 503")
  void doesNotSplitWhenBusy(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    Held writer = new Held("bad");
    writer.failState = "53300";
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 1, "documents", new SimpleMeterRegistry());
    owner.runOnContext(
        v -> {
          Future<PutResult> a = put(committer, "a");
          Future<PutResult> bad = put(committer, "bad");
          Future.join(a, bad)
              .onComplete(
                  done ->
                      ctx.verify(
                          () -> {
                            assertThat(writer.sizes).containsExactly(2);
                            assertCode(a.cause(), ErrorCode.UNAVAILABLE);
                            assertCode(bad.cause(), ErrorCode.UNAVAILABLE);
                            ctx.completeNow();
                          }));
        });
  }

  @Test
  @DisplayName("a group the database rolled back to break a deadlock is tried again and commits")
  void retriesADeadlock(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    Held writer = new Held(null);
    writer.deadlocks = 2;
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 1, "documents", new SimpleMeterRegistry());
    owner.runOnContext(
        v -> {
          Future<PutResult> a = put(committer, "a");
          Future<PutResult> b = put(committer, "b");
          vertx.setPeriodic(1, t -> writer.releaseAll());
          Future.all(a, b)
              .onComplete(
                  ctx.succeeding(
                      done ->
                          ctx.verify(
                              () -> {
                                assertThat(writer.sizes).containsExactly(2, 2, 2);
                                ctx.completeNow();
                              })));
        });
  }

  @Test
  @DisplayName(
      "a write of a row a group in flight holds waits, with the later writes of that row, while writes of"
          + " other rows start; then the waiting ones go together, in arrival order")
  void groupsInFlightNeverShareARow(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    Held writer = new Held(null);
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 3, "documents", new SimpleMeterRegistry());
    List<Future<PutResult>> writes = new ArrayList<>();
    owner.runOnContext(
        first -> {
          writes.add(put(committer, "a"));
          owner.runOnContext(
              second -> {
                // "a" is in flight: the next group may take b and c, not the two writes of a
                writes.add(put(committer, "a"));
                writes.add(put(committer, "b"));
                writes.add(put(committer, "a"));
                writes.add(put(committer, "c"));
                owner.runOnContext(
                    started ->
                        ctx.verify(
                            () -> {
                              assertThat(writer.ids)
                                  .containsExactly(List.of("a"), List.of("b", "c"));
                              writer.releaseAll();
                              Future.all(writes)
                                  .onComplete(
                                      ctx.succeeding(
                                          all ->
                                              ctx.verify(
                                                  () -> {
                                                    assertThat(writer.ids)
                                                        .containsExactly(
                                                            List.of("a"),
                                                            List.of("b", "c"),
                                                            List.of("a"));
                                                    assertThat(writer.sizes)
                                                        .as("both waiting writes of a, one group")
                                                        .containsExactly(1, 2, 2);
                                                    ctx.completeNow();
                                                  })));
                              vertx.setPeriodic(1, t -> writer.releaseAll());
                            }));
              });
        });
  }

  @Test
  @DisplayName(
      "lanes: every write of one row queues in the same committer, whichever context submits it, and is"
          + " answered on the submitter's context")
  void lanesRouteARowToOneCommitter(Vertx vertx, VertxTestContext ctx) {
    Lanes<Write<?>> lanes = new Lanes<>();
    List<Context> owners = new ArrayList<>();
    List<Held> writers = new ArrayList<>();
    List<GroupCommitter<Write<?>>> committers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Context owner = vertx.getOrCreateContext();
      Held writer = new Held(null);
      GroupCommitter<Write<?>> committer =
          new GroupCommitter<>(
              vertx, owner, writer, 64, 0, 512, 2, "documents", new SimpleMeterRegistry());
      owners.add(owner);
      writers.add(writer);
      committers.add(committer);
      lanes.add(committer);
    }
    // each writer's commits complete on its own lane's context, as the databases' clients do
    vertx.setPeriodic(
        1,
        t -> {
          for (int i = 0; i < writers.size(); i++) {
            Held writer = writers.get(i);
            owners.get(i).runOnContext(v -> writer.releaseAll());
          }
        });
    List<Future<PutResult>> writes = new ArrayList<>();
    Promise<Void> submitted = Promise.promise();
    Future<Void> all = Future.succeededFuture();
    for (int i = 0; i < 4; i++) {
      Context submitter = owners.get(i);
      GroupCommitter<Write<?>> own = committers.get(i);
      Promise<Void> done = Promise.promise();
      submitter.runOnContext(
          v -> {
            Thread submitting = Thread.currentThread();
            for (String id : List.of("x", "y", "z")) {
              Write.Put write =
                  new Write.Put(
                      new PutDoc(DocKey.of("notes", id), new JsonObject(), Precondition.NONE));
              Future<PutResult> answer = lanes.submit(own, write, write.future());
              writes.add(
                  answer.map(
                      r -> {
                        assertThat(Thread.currentThread()).isSameAs(submitting);
                        return r;
                      }));
            }
            done.complete();
          });
      all = all.compose(v -> done.future());
    }
    all.onComplete(submitted);
    submitted
        .future()
        .compose(v -> Future.all(new ArrayList<>(writes)))
        .onComplete(
            ctx.succeeding(
                done ->
                    ctx.verify(
                        () -> {
                          for (String id : List.of("x", "y", "z")) {
                            assertThat(
                                    writers.stream()
                                        .filter(w -> w.ids.stream().anyMatch(g -> g.contains(id))))
                                .as("committers that wrote " + id)
                                .hasSize(1);
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a group whose lock wait gave up (a row held by another transaction) is split by row: the held"
          + " row's writes get the retryable 503, its neighbours commit; a group of one row is not split")
  void splitsAGroupThatWaitedForALock(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    Held writer = new Held("held");
    writer.failState = "55P03";
    GroupCommitter<Write<?>> committer =
        new GroupCommitter<>(
            vertx, owner, writer, 64, 0, 512, 1, "documents", new SimpleMeterRegistry());
    owner.runOnContext(
        v -> {
          Future<PutResult> held = put(committer, "held");
          Future<PutResult> free = put(committer, "free");
          Future<PutResult> heldAgain = put(committer, "held");
          vertx.setPeriodic(1, t -> writer.releaseAll());
          Future.join(held, free, heldAgain)
              .transform(
                  done -> {
                    ctx.verify(
                        () -> {
                          // the group, then the held row's two writes together, then the free one
                          assertThat(writer.sizes).containsExactly(3, 2, 1);
                          assertCode(held.cause(), ErrorCode.UNAVAILABLE);
                          assertCode(heldAgain.cause(), ErrorCode.UNAVAILABLE);
                          assertThat(free.succeeded()).isTrue();
                        });
                    // writes of one row only: no split, no second wait
                    Future<PutResult> a = put(committer, "held");
                    Future<PutResult> b = put(committer, "held");
                    return Future.join(a, b).transform(x -> Future.succeededFuture(List.of(a, b)));
                  })
              .onComplete(
                  done ->
                      ctx.verify(
                          () -> {
                            assertThat(writer.sizes).containsExactly(3, 2, 1, 2);
                            assertThat(done.result())
                                .allSatisfy(w -> assertCode(w.cause(), ErrorCode.UNAVAILABLE));
                            ctx.completeNow();
                          }));
        });
  }
}
