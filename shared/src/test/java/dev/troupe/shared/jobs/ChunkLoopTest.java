package dev.troupe.shared.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ClaimChunk;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.ReleaseChunk;
import dev.troupe.shared.contract.RenewLease;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The claim loop of every job worker, against a stand-in job store on a plain Vert.x: what it
 * claims, completes, gives back and renews, and the jobs metrics it records.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("ChunkLoop")
class ChunkLoopTest {
  private static final String JOB = "0123456789abcdef0123456789abcdef";
  private static final String TYPE = "thumbs";
  private static final String OWNER = "thumbs@test/1";
  private static final int MAX_ATTEMPTS = 4;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static JobChunk chunk(int seq, int lines) {
    return new JobChunk(JOB, TYPE, "photos", seq, 1, lines, "{}\n".repeat(lines), 1);
  }

  private static ChunkOutcome outcome(JobChunk chunk) {
    return new ChunkOutcome(
        chunk.jobId(), chunk.seq(), OWNER, chunk.lines(), List.of(), null, null);
  }

  private ChunkLoop loop(
      Vertx vertx, long leaseMs, ChunkLoop.Work work, ChunkLoop.ReleasePolicy policy) {
    return new ChunkLoop(
        vertx,
        new Bus(vertx, 5_000),
        registry,
        new ChunkLoop.Claims(OWNER, List.of(TYPE, "other"), leaseMs, MAX_ATTEMPTS),
        work,
        policy);
  }

  private double chunks(String outcome) {
    Counter counter =
        registry.find("troupe_jobs_chunks").tag("type", TYPE).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  private double items() {
    Counter counter = registry.find("troupe_jobs_items").tag("type", TYPE).counter();
    return counter == null ? 0 : counter.count();
  }

  private long timed() {
    Timer timer = registry.find("troupe_jobs_chunk_seconds").tag("type", TYPE).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  @DisplayName(
      "claims its types, works on one chunk at a time, completes each with the chunk's request id, claims until none is left, and records the jobs metrics")
  void claimsWorksAndCompletes(Vertx vertx, VertxTestContext ctx) {
    FakeJobStore store = new FakeJobStore();
    store.queue.add(chunk(0, 2));
    store.queue.add(chunk(1, 3));
    ChunkLoop[] loop = new ChunkLoop[1];
    loop[0] =
        loop(
            vertx,
            60_000,
            (chunk, requestId, lost) -> {
              if (chunk.seq() == 0) {
                // Told of more work while busy: no second claim.
                loop[0].work();
                loop[0].work();
              }
              return Future.succeededFuture(outcome(chunk));
            },
            failure -> true);
    store
        .serve(vertx)
        .onSuccess(served -> vertx.getOrCreateContext().runOnContext(v -> loop[0].work()))
        .compose(served -> store.drained.future())
        .onComplete(
            ctx.succeeding(
                drained ->
                    ctx.verify(
                        () -> {
                          assertThat(store.claims).hasSize(3);
                          assertThat(store.claims.get(0))
                              .isEqualTo(new ClaimChunk(OWNER, 60_000, List.of(TYPE, "other")));
                          assertThat(store.completed)
                              .containsExactly(outcome(chunk(0, 2)), outcome(chunk(1, 3)));
                          assertThat(store.requestIds)
                              .containsExactly("job-" + JOB + "-0", "job-" + JOB + "-1");
                          assertThat(store.released).isEmpty();
                          assertThat(chunks("done")).isEqualTo(2);
                          assertThat(chunks("failed")).isZero();
                          assertThat(items()).isEqualTo(5);
                          assertThat(timed()).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a failed chunk is given back, fatal as the policy says, with its error and maxAttempts: work that fails, throws, answers no future, or whose completion the store refuses")
  void failuresRelease(Vertx vertx, VertxTestContext ctx) {
    FakeJobStore store = new FakeJobStore();
    for (int seq = 0; seq < 5; seq++) {
      store.queue.add(chunk(seq, 1));
    }
    store.refuseCompletionOf = 4;
    ChunkLoop.Work work =
        (chunk, requestId, lost) ->
            switch (chunk.seq()) {
              case 0 -> Future.failedFuture(TroupeException.badRequest("no pixels in it"));
              case 1 -> Future.failedFuture(new TroupeException(ErrorCode.UNAVAILABLE, "away"));
              case 2 -> throw new IllegalStateException("boom");
              case 3 -> null;
              default -> Future.succeededFuture(outcome(chunk));
            };
    ChunkLoop loop = loop(vertx, 60_000, work, ChunkRunner.REFUSED_INPUT);
    store
        .serve(vertx)
        .onSuccess(served -> vertx.getOrCreateContext().runOnContext(v -> loop.work()))
        .compose(served -> store.drained.future())
        .onComplete(
            ctx.succeeding(
                drained ->
                    ctx.verify(
                        () -> {
                          assertThat(store.completed).isEmpty();
                          assertThat(store.released)
                              .extracting(ReleaseChunk::seq, ReleaseChunk::fatal)
                              .containsExactly(
                                  tuple(0, true),
                                  tuple(1, false),
                                  tuple(2, false),
                                  tuple(3, false),
                                  tuple(4, false));
                          assertThat(store.released)
                              .allMatch(r -> r.id().equals(JOB) && r.owner().equals(OWNER))
                              .allMatch(r -> r.maxAttempts() == MAX_ATTEMPTS);
                          assertThat(store.released)
                              .extracting(ReleaseChunk::error)
                              .startsWith(
                                  "no pixels in it",
                                  "away",
                                  "java.lang.IllegalStateException: boom",
                                  "java.lang.IllegalStateException: the chunk's work returned no future");
                          assertThat(store.released.get(4).error()).contains("the store is away");
                          assertThat(store.requestIds)
                              .as("the release names the chunk's request id")
                              .contains("job-" + JOB + "-0", "job-" + JOB + "-3");
                          assertThat(chunks("failed")).isEqualTo(5);
                          assertThat(chunks("done")).isZero();
                          assertThat(items()).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "the lease is renewed every third of it while the chunk is worked on; a renewal answered false is signalled to the work as lost")
  void lostLease(Vertx vertx, VertxTestContext ctx) {
    FakeJobStore store = new FakeJobStore();
    store.queue.add(chunk(0, 1));
    store.renewalsGranted = 2;
    AtomicInteger lostAtStart = new AtomicInteger(-1);
    ChunkLoop loop =
        loop(
            vertx,
            150,
            (chunk, requestId, lost) -> {
              lostAtStart.set(lost.getAsBoolean() ? 1 : 0);
              return awaitLost(vertx, lost, System.currentTimeMillis() + 10_000)
                  .map(outcome(chunk));
            },
            failure -> false);
    store
        .serve(vertx)
        .onSuccess(served -> vertx.getOrCreateContext().runOnContext(v -> loop.work()))
        .compose(served -> store.drained.future())
        .onComplete(
            ctx.succeeding(
                drained ->
                    ctx.verify(
                        () -> {
                          assertThat(lostAtStart.get()).isZero();
                          assertThat(store.renewals.size()).isGreaterThanOrEqualTo(3);
                          assertThat(store.renewals.get(0))
                              .isEqualTo(new RenewLease(JOB, 0, OWNER, 150));
                          assertThat(store.completed).containsExactly(outcome(chunk(0, 1)));
                          ctx.completeNow();
                        })));
  }

  private static Future<Object> ping(Vertx vertx) {
    return vertx
        .eventBus()
        .request(
            JobStoreContract.ADDRESS,
            new JsonObject(),
            new DeliveryOptions().addHeader(Bus.ACTION, Bus.PING))
        .map(reply -> reply.body());
  }

  private static Future<Void> awaitLost(Vertx vertx, BooleanSupplier lost, long deadline) {
    if (lost.getAsBoolean()) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture(new AssertionError("the work never saw its chunk lost"));
    }
    return vertx.timer(5).compose(t -> awaitLost(vertx, lost, deadline));
  }

  @Test
  @DisplayName(
      "a claim that fails leaves the loop ready for the next poll, which claims again; a stopped loop claims nothing")
  void claimOutageAndStop(Vertx vertx, VertxTestContext ctx) {
    FakeJobStore store = new FakeJobStore();
    store.claimOutages = 2;
    store.queue.add(chunk(0, 1));
    ChunkLoop loop =
        loop(
            vertx,
            60_000,
            (chunk, requestId, lost) -> Future.succeededFuture(outcome(chunk)),
            f -> true);
    Context context = vertx.getOrCreateContext();
    store
        .serve(vertx)
        .compose(
            served -> {
              long poll = vertx.setPeriodic(10, t -> context.runOnContext(v -> loop.work()));
              return store.drained.future().onComplete(d -> vertx.cancelTimer(poll));
            })
        .compose(
            drained -> {
              ctx.verify(
                  () -> {
                    assertThat(store.completed).containsExactly(outcome(chunk(0, 1)));
                    assertThat(store.claims.size()).isGreaterThanOrEqualTo(4);
                  });
              Promise<Integer> before = Promise.promise();
              Promise<Integer> after = Promise.promise();
              // A claim answered before a ping sent after it: each ping is a barrier.
              context.runOnContext(
                  v -> {
                    loop.stop();
                    ping(vertx)
                        .onComplete(
                            first -> {
                              before.complete(store.claims.size());
                              loop.work();
                              ping(vertx).onComplete(second -> after.complete(store.claims.size()));
                            });
                  });
              return Future.all(before.future(), after.future());
            })
        .onComplete(
            ctx.succeeding(
                counts ->
                    ctx.verify(
                        () -> {
                          assertThat(counts.<Integer>resultAt(1))
                              .as("claims after the loop stopped")
                              .isEqualTo(counts.<Integer>resultAt(0));
                          ctx.completeNow();
                        })));
  }
}
