package dev.troupe.shared.jobs;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The work of a user job type's worker on one chunk, run by its {@link ChunkLoop}: reads the
 * chunk's items, hands them to the handler within {@code chunkTimeoutMs}, and turns its result into
 * the chunk's outcome. The store gives the loop chunks of its type only. A failed attempt gives the
 * chunk back; the store fails the job after {@code maxAttempts}, or at once when the handler
 * refused the input ({@link #REFUSED_INPUT}).
 */
final class ChunkRunner implements ChunkLoop.Work {
  /**
   * A handler's {@link TroupeException} with a client error code refused the input: no attempt can
   * do better. The job records a handler's own message (or, for any other exception, its class
   * too), for the type's author to read.
   */
  static final ChunkLoop.ReleasePolicy REFUSED_INPUT =
      new ChunkLoop.ReleasePolicy() {
        @Override
        public boolean fatal(Throwable failure) {
          return failure instanceof TroupeException && Failures.code(failure).code() < 5000;
        }

        @Override
        public String error(Throwable failure) {
          return failure instanceof TroupeException
              ? failure.getMessage()
              : String.valueOf(failure);
        }
      };

  private final Vertx vertx;
  private final JobTypeOptions options;
  private final JobHandler handler;
  private final Bus bus;
  private final String owner;

  ChunkRunner(Vertx vertx, JobTypeOptions options, JobHandler handler, Bus bus, String owner) {
    this.vertx = vertx;
    this.options = options;
    this.handler = handler;
    this.bus = bus;
    this.owner = owner;
  }

  @Override
  public Future<ChunkOutcome> run(JobChunk chunk, String requestId, BooleanSupplier lost) {
    boolean paged = chunk.lines() == 0;
    return ChunkItems.of(chunk, paged, options.pageSize(), bus, requestId)
        .compose(items -> handle(chunk, items, lost).map(result -> outcome(chunk, items, result)));
  }

  /** The handler's work on the chunk, within the chunk deadline; a handler that throws fails it. */
  private Future<ChunkResult> handle(JobChunk chunk, ChunkItems items, BooleanSupplier lost) {
    JobWork work =
        new JobWork(
            chunk.jobId(),
            chunk.type(),
            chunk.collection(),
            chunk.seq(),
            chunk.attempts(),
            items.items(),
            lost);
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
}
