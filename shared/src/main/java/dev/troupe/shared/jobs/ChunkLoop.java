package dev.troupe.shared.jobs;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ClaimChunk;
import dev.troupe.shared.contract.ClaimedChunk;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.ReleaseChunk;
import dev.troupe.shared.contract.RenewLease;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of one job worker, built-in (request-service's) or a user type's ({@link JobTypes}):
 * claims a chunk of its types from the job store ({@link JobStoreContract#CLAIM}), works on it with
 * the lease renewed every third of {@code leaseMs}, records the outcome ({@link
 * JobStoreContract#COMPLETE}) or gives the chunk back ({@link JobStoreContract#RELEASE}, fatal or
 * not by its {@link ReleasePolicy}), and claims the next until none is left. A renewal answered
 * false means the chunk is no longer this worker's (its job was cancelled, or its lease expired and
 * another worker took it over): the work sees {@code lost} and its outcome will be ignored.
 *
 * <p>{@link #work()} is what the worker's owner calls when told of queued work and at every poll;
 * it runs on the caller's context, one chunk at a time. A worker that stops (or dies) leaves a
 * chunk in work to its lease: once it expires, another worker takes the chunk over.
 *
 * <p>Metrics, per chunk type: {@code troupe_jobs_chunks_total{type,outcome}} (done or failed),
 * {@code troupe_jobs_chunk_seconds{type}} and {@code troupe_jobs_items_total{type}} (lines or
 * documents processed, counted with the chunk's completion).
 */
public final class ChunkLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkLoop.class);

  /** The work on one claimed chunk. */
  @FunctionalInterface
  public interface Work {
    /**
     * Works on {@code chunk} and completes with its outcome, naming the loop's {@link #owner()}; a
     * failed future gives the chunk back. Runs on the loop's context.
     *
     * @param requestId the id to send with the work's own calls
     * @param lost true once the chunk is no longer this worker's; its outcome will be ignored
     */
    Future<ChunkOutcome> run(JobChunk chunk, String requestId, BooleanSupplier lost);
  }

  /** How a failed chunk is given back. */
  @FunctionalInterface
  public interface ReleasePolicy {
    /** Whether another attempt cannot do better: the job then fails at once. */
    boolean fatal(Throwable failure);

    /** The error the job records for {@code failure}: by default its client-safe text. */
    default String error(Throwable failure) {
      return Failures.message(failure);
    }
  }

  /**
   * What a worker claims and how.
   *
   * @param owner the worker's name, unique per worker, so a worker that restarts never mistakes an
   *     old claim for its own
   * @param types the job types it claims
   * @param leaseMs how long a claimed chunk stays its own without renewal
   * @param maxAttempts claims of one chunk that failed before its job fails
   */
  public record Claims(String owner, List<String> types, long leaseMs, int maxAttempts) {
    public Claims {
      if (owner == null || owner.isEmpty()) {
        throw new IllegalArgumentException("a worker needs a name");
      }
      types = List.copyOf(types);
      if (types.isEmpty() || leaseMs < 1 || maxAttempts < 1) {
        throw new IllegalArgumentException("a worker claims some types, with a lease and attempts");
      }
    }
  }

  private final Vertx vertx;
  private final Bus store;
  private final MeterRegistry registry;
  private final Claims claims;
  private final Work work;
  private final ReleasePolicy policy;
  private boolean busy;
  private boolean stopped;
  private boolean claimsFailing;

  /**
   * @param store the job store's client; its deadline is each call's
   * @param registry where the jobs metrics go
   */
  public ChunkLoop(
      Vertx vertx,
      Bus store,
      MeterRegistry registry,
      Claims claims,
      Work work,
      ReleasePolicy policy) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.store = Objects.requireNonNull(store, "store");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.work = Objects.requireNonNull(work, "work");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The worker's name, which its outcomes carry. */
  public String owner() {
    return claims.owner();
  }

  /** Claims no more chunks; a chunk in work is left to its lease. */
  public void stop() {
    stopped = true;
  }

  /**
   * Claims and works on chunks one after another until the queue has none of its types; a no-op
   * while busy or stopped.
   */
  public void work() {
    if (busy || stopped) {
      return;
    }
    busy = true;
    store
        .call(
            JobStoreContract.CLAIM,
            new ClaimChunk(claims.owner(), claims.leaseMs(), claims.types()),
            null)
        .map(ClaimedChunk::chunk)
        .compose(chunk -> chunk == null ? Future.succeededFuture(false) : run(chunk).map(true))
        .onComplete(
            ar -> {
              busy = false;
              if (ar.failed()) {
                // Said once per outage (db-service not there yet, or away), not at every poll.
                if (!claimsFailing) {
                  LOG.warn(
                      "job worker {} cannot claim work: {}",
                      claims.owner(),
                      ar.cause().getMessage());
                }
                claimsFailing = true;
                return;
              }
              if (claimsFailing) {
                LOG.info("job worker {} claims work again", claims.owner());
              }
              claimsFailing = false;
              if (ar.result()) {
                work();
              }
            });
  }

  /** Works on one chunk with its lease renewed meanwhile; records the outcome, or gives it back. */
  private Future<Void> run(JobChunk chunk) {
    AtomicBoolean lost = new AtomicBoolean();
    long renewal = vertx.setPeriodic(Math.max(1, claims.leaseMs() / 3), id -> renew(chunk, lost));
    Timer.Sample sample = Timer.start(registry);
    String requestId = "job-" + chunk.jobId() + "-" + chunk.seq();
    return start(chunk, requestId, lost)
        .compose(
            outcome ->
                store
                    .call(JobStoreContract.COMPLETE, outcome, requestId)
                    .map(
                        done -> {
                          Counter.builder("troupe_jobs_items")
                              .description("lines or documents processed by job workers")
                              .tag("type", chunk.type())
                              .register(registry)
                              .increment((double) outcome.processed());
                          return "done";
                        }))
        .recover(failure -> release(chunk, failure, requestId).map("failed"))
        .onComplete(
            ar -> {
              vertx.cancelTimer(renewal);
              sample.stop(
                  Timer.builder("troupe_jobs_chunk_seconds")
                      .description("time to work on one job chunk")
                      .tag("type", chunk.type())
                      .register(registry));
              Counter.builder("troupe_jobs_chunks")
                  .description("job chunks worked on, by outcome")
                  .tag("type", chunk.type())
                  .tag("outcome", ar.succeeded() ? ar.result() : "failed")
                  .register(registry)
                  .increment();
            })
        .mapEmpty();
  }

  /** The work's future; work that throws, or answers no future, failed. */
  private Future<ChunkOutcome> start(JobChunk chunk, String requestId, AtomicBoolean lost) {
    Future<ChunkOutcome> outcome;
    try {
      outcome = work.run(chunk, requestId, lost::get);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return outcome != null
        ? outcome
        : Future.failedFuture(new IllegalStateException("the chunk's work returned no future"));
  }

  private void renew(JobChunk chunk, AtomicBoolean lost) {
    store
        .call(
            JobStoreContract.RENEW,
            new RenewLease(chunk.jobId(), chunk.seq(), claims.owner(), claims.leaseMs()),
            null)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "could not renew the lease of job {} chunk {}: {}",
                    chunk.jobId(),
                    chunk.seq(),
                    ar.cause().getMessage());
              } else if (!ar.result() && !lost.getAndSet(true)) {
                LOG.info(
                    "job {} chunk {} is no longer {}'s (cancelled, or taken over); its outcome will be ignored",
                    chunk.jobId(),
                    chunk.seq(),
                    claims.owner());
              }
            });
  }

  /**
   * Gives a failed chunk back: to the queue, or, when the policy finds the failure fatal, failing
   * the job. The store fails it anyway once it was claimed {@code maxAttempts} times.
   */
  private Future<Void> release(JobChunk chunk, Throwable failure, String requestId) {
    ErrorCode code = Failures.code(failure);
    String error = policy.error(failure);
    LOG.warn(
        "job {} chunk {} of type {} failed ({}): {}",
        chunk.jobId(),
        chunk.seq(),
        chunk.type(),
        code,
        error);
    return store
        .call(
            JobStoreContract.RELEASE,
            new ReleaseChunk(
                chunk.jobId(),
                chunk.seq(),
                claims.owner(),
                error,
                policy.fatal(failure),
                claims.maxAttempts()),
            requestId)
        .mapEmpty();
  }
}
