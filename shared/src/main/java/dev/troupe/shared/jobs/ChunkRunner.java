package dev.troupe.shared.jobs;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.ClaimChunk;
import dev.troupe.shared.contract.ClaimedChunk;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.ReleaseChunk;
import dev.troupe.shared.contract.RenewLease;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker of a user job type: claims a chunk of its type from the job store, hands its items to
 * the handler with the lease renewed meanwhile, records the outcome, and claims the next until none
 * is left. The store gives it chunks of its type only. A failed attempt gives the chunk back; the
 * store fails the job after {@code maxAttempts}, or at once when the handler refused the input.
 */
final class ChunkRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkRunner.class);

  private final Vertx vertx;
  private final String type;
  private final JobTypeOptions options;
  private final JobHandler handler;
  private final Bus bus;
  private final String owner;
  private boolean busy;
  private boolean stopped;
  private boolean claimsFailing;

  ChunkRunner(
      Vertx vertx, String type, JobTypeOptions options, JobHandler handler, Bus bus, String owner) {
    this.vertx = vertx;
    this.type = type;
    this.options = options;
    this.handler = handler;
    this.bus = bus;
    this.owner = owner;
  }

  void stop() {
    // A chunk in work is left to its lease: another node with the handler takes it over.
    stopped = true;
  }

  /** Claims and runs chunks one after another until none is left; a no-op while busy. */
  void work() {
    if (busy || stopped) {
      return;
    }
    busy = true;
    bus.call(JobStoreContract.CLAIM, new ClaimChunk(owner, options.leaseMs(), List.of(type)), null)
        .map(ClaimedChunk::chunk)
        .compose(chunk -> chunk == null ? Future.succeededFuture(false) : run(chunk).map(true))
        .onComplete(
            ar -> {
              busy = false;
              if (ar.failed()) {
                if (!claimsFailing) {
                  LOG.warn(
                      "job type {} worker {} cannot claim work: {}",
                      type,
                      owner,
                      ar.cause().getMessage());
                }
                claimsFailing = true;
                return;
              }
              if (claimsFailing) {
                LOG.info("job type {} worker {} claims work again", type, owner);
              }
              claimsFailing = false;
              if (ar.result()) {
                work();
              }
            });
  }

  private Future<Void> run(JobChunk chunk) {
    AtomicBoolean lost = new AtomicBoolean();
    long renewal = vertx.setPeriodic(Math.max(1, options.leaseMs() / 3), id -> renew(chunk, lost));
    String requestId = "job-" + chunk.jobId() + "-" + chunk.seq();
    boolean paged = chunk.lines() == 0;
    return ChunkItems.of(chunk, paged, options.pageSize(), bus, requestId)
        .compose(items -> handle(chunk, items, lost).map(result -> outcome(chunk, items, result)))
        .compose(
            outcome -> bus.call(JobStoreContract.COMPLETE, outcome, requestId).<Void>mapEmpty())
        .recover(failure -> release(chunk, failure, requestId))
        .onComplete(ar -> vertx.cancelTimer(renewal));
  }

  /** The handler's work on the chunk, within the chunk deadline; a handler that throws fails it. */
  private Future<ChunkResult> handle(JobChunk chunk, ChunkItems items, AtomicBoolean lost) {
    JobWork work =
        new JobWork(
            chunk.jobId(),
            chunk.type(),
            chunk.collection(),
            chunk.seq(),
            chunk.attempts(),
            items.items(),
            lost::get);
    Promise<ChunkResult> result = Promise.promise();
    long deadline =
        vertx.setTimer(
            options.chunkTimeoutMs(),
            t ->
                result.tryFail(
                    new TroupeException(
                        ErrorCode.TIMEOUT,
                        "the handler took more than " + options.chunkTimeoutMs() + " ms")));
    Future<ChunkResult> handled;
    try {
      handled = handler.handle(work);
    } catch (RuntimeException e) {
      handled = Future.failedFuture(e);
    }
    if (handled == null) {
      handled = Future.failedFuture(new IllegalStateException("the handler returned no future"));
    }
    handled.onComplete(
        ar -> {
          vertx.cancelTimer(deadline);
          if (ar.failed()) {
            result.tryFail(ar.cause());
          } else if (ar.result() == null) {
            result.tryFail(new IllegalStateException("the handler completed with no result"));
          } else {
            result.tryComplete(ar.result());
          }
        });
    return result.future();
  }

  private ChunkOutcome outcome(JobChunk chunk, ChunkItems items, ChunkResult result) {
    List<LineError> errors = new ArrayList<>(items.errors());
    result.errors().forEach(e -> errors.add(new LineError(e.item(), e.error())));
    String output = null;
    if (!result.output().isEmpty()) {
      StringBuilder ndjson = new StringBuilder(result.output().size() * 64);
      result.output().forEach(line -> ndjson.append(line.encode()).append('\n'));
      output = ndjson.toString();
    }
    return new ChunkOutcome(
        chunk.jobId(), chunk.seq(), owner, items.processed(), errors, output, items.next());
  }

  private void renew(JobChunk chunk, AtomicBoolean lost) {
    bus.call(
            JobStoreContract.RENEW,
            new RenewLease(chunk.jobId(), chunk.seq(), owner, options.leaseMs()),
            null)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "could not renew the lease of job {} chunk {}: {}",
                    chunk.jobId(),
                    chunk.seq(),
                    ar.cause().getMessage());
              } else if (!ar.result()) {
                lost.set(true);
              }
            });
  }

  /**
   * Gives a failed chunk back: to be tried again, or, when the handler refused its input (a client
   * error code), failing the job at once.
   */
  private Future<Void> release(JobChunk chunk, Throwable failure, String requestId) {
    ErrorCode code = Failures.code(failure);
    boolean fatal = failure instanceof TroupeException && code.code() < 5000;
    String message =
        failure instanceof TroupeException ? failure.getMessage() : String.valueOf(failure);
    LOG.warn(
        "job {} chunk {} of type {} failed ({}): {}",
        chunk.jobId(),
        chunk.seq(),
        type,
        code,
        message);
    return bus.call(
            JobStoreContract.RELEASE,
            new ReleaseChunk(
                chunk.jobId(), chunk.seq(), owner, message, fatal, options.maxAttempts()),
            requestId)
        .mapEmpty();
  }
}
