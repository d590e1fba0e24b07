package dev.troupe.shared.bus;

import dev.troupe.shared.contract.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Retries a call to another service, within one deadline for all its attempts, with jittered
 * exponential backoff between them. Only idempotent calls are retried (reads, cache operations, and
 * writes that carry an idempotency key, which db-service applies once), and only after a fault that
 * a new attempt may not meet: the service was unavailable (no handler, at its limit, database down)
 * or did not answer in time. A call that is not idempotent is sent again only when the downstream
 * certainly did nothing with it ({@link #notDone}: no handler, or MOVED from a node that is
 * leaving). An answer about the request itself (400, 404, 409, 412) is final, and so is an internal
 * error (a bug does not go away by asking again). Each retry counts in {@code
 * troupe_retries{downstream,action}}.
 *
 * <p>The deadline covers every attempt: each attempt gets what is left of it, so a call that timed
 * out has spent its budget and is not retried, and retries never keep a caller past the call's
 * deadline (a fault may come later than without retries, never later than the deadline).
 *
 * <p>A caller may give each attempt of an idempotent call a shorter deadline of its own (the
 * attempt deadline) while retries are left: an attempt that got no answer within it is
 * <em>lost</em> and is sent again, whatever the retry predicate says. A message can be lost without
 * any failure reaching the caller: Vert.x's clustered event bus drops a message to a node that has
 * just died (its connection fails, or the node dies with the message unanswered) and fails no reply
 * handler, so without an attempt deadline the call waits out its whole deadline although another
 * node could have answered at once.
 */
public final class Retry {
  private final Vertx vertx;
  private final RetryConfig config;
  private final MeterRegistry registry;
  private final String downstream;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public Retry(Vertx vertx, RetryConfig config, MeterRegistry registry, String downstream) {
    this.vertx = vertx;
    this.config = config;
    this.registry = registry;
    this.downstream = downstream;
  }

  /**
   * Whether the request never reached a handler: no consumer was registered (a service restarting
   * under its supervisor, or moving to another node), or the event bus failed the send. The
   * narrowest retry policy: a caller whose downstream retries by itself uses it, so retries do not
   * multiply and an overloaded service's refusals are not sent again. A message to a node that has
   * just died is not among these: Vert.x drops it without failing the call (see the attempt
   * deadline above).
   */
  public static boolean undelivered(Throwable failure) {
    return notDone(failure)
        || failure instanceof ReplyException re && re.failureType() == ReplyFailure.ERROR;
  }

  /**
   * Whether the downstream certainly did nothing with the request: no consumer was registered, or
   * the node asked answered {@link ErrorCode#MOVED} (it is leaving the cluster, {@code
   * dev.troupe.shared.cluster.NodeLeave}). Sending such a call again is safe even when it is not
   * idempotent.
   */
  public static boolean notDone(Throwable failure) {
    if (failure instanceof BusFault fault) {
      return fault.code() == ErrorCode.MOVED;
    }
    return failure instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS
            || re.failureCode() == ErrorCode.MOVED.code()
                && re.failureType() == ReplyFailure.RECIPIENT_FAILURE);
  }

  /** Whether a failure may go away on a new attempt: unavailable, shed for load, or timed out. */
  public static boolean isTransient(Throwable failure) {
    ErrorCode code = Failures.code(failure);
    return code == ErrorCode.UNAVAILABLE
        || code == ErrorCode.OVERLOADED
        || code == ErrorCode.TIMEOUT
        || code == ErrorCode.MOVED;
  }

  /**
   * Runs {@code attempt} (given the milliseconds left of {@code deadlineMs}) and, when {@code
   * idempotent} and it fails transiently (or, idempotent or not, when the downstream certainly did
   * nothing: {@link #notDone}), again after a backoff while retries and time are left; {@code
   * retryable} can refuse a failure on top (e.g. an open circuit).
   */
  public <T> Future<T> call(
      String action,
      boolean idempotent,
      long deadlineMs,
      Predicate<Throwable> retryable,
      LongFunction<Future<T>> attempt) {
    return call(action, idempotent, deadlineMs, deadlineMs, retryable, attempt);
  }

  /**
   * As {@link #call(String, boolean, long, Predicate, LongFunction)}, each attempt of an idempotent
   * call that may still be retried given at most {@code attemptMs}: one that got no answer within
   * it was lost and is sent again while time is left. {@code attemptMs >= deadlineMs}: attempts get
   * what is left of the deadline.
   */
  public <T> Future<T> call(
      String action,
      boolean idempotent,
      long deadlineMs,
      long attemptMs,
      Predicate<Throwable> retryable,
      LongFunction<Future<T>> attempt) {
    if (attemptMs <= 0) {
      throw new IllegalArgumentException("attemptMs must be > 0");
    }
    if (config.maxRetries() == 0) {
      return attempt.apply(deadlineMs);
    }
    // A call that is not idempotent is sent again only when the downstream certainly did nothing.
    Predicate<Throwable> when = idempotent ? retryable : retryable.and(Retry::notDone);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
    Promise<T> promise = Promise.promise();
    // A lost attempt may have been done: only an idempotent call gets attempt deadlines.
    run(action, 1, deadline, idempotent ? attemptMs : deadlineMs, null, when, attempt, promise);
    return promise.future();
  }

  /**
   * Attempt {@code number}; {@code previous} is the fault of the attempt before, if any. A retry
   * that ends without an answer of the downstream's own (its slice of the deadline ran out, or the
   * caller's breaker refused it) answers {@code previous} instead: the caller then sees the fault
   * that made it retry (a 503 with Retry-After), not one its retrying caused.
   */
  private <T> void run(
      String action,
      int number,
      long deadline,
      long attemptMs,
      Throwable previous,
      Predicate<Throwable> retryable,
      LongFunction<Future<T>> attempt,
      Promise<T> promise) {
    long started = System.nanoTime();
    long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - started));
    // The last attempt, and one whose attempt deadline would not end before the call's, get all
    // that is left.
    boolean capped = number <= config.maxRetries() && attemptMs < left;
    Future<T> result;
    try {
      result = attempt.apply(capped ? attemptMs : left);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(
        ar -> {
          if (ar.succeeded()) {
            promise.complete(ar.result());
            return;
          }
          Throwable fault = ar.cause();
          if (capped && timedOut(fault)) {
            // Lost: no answer within the attempt deadline. Another attempt may reach a live node.
            long wait = Math.max(1, config.backoff().delayMs(number));
            if (TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) <= wait) {
              promise.fail(previous != null ? previous : fault);
              return;
            }
            counter(action).increment();
            vertx.setTimer(
                wait,
                t ->
                    run(
                        action,
                        number + 1,
                        deadline,
                        attemptMs,
                        previous != null ? previous : fault,
                        retryable,
                        attempt,
                        promise));
            return;
          }
          if (previous != null && !answeredByDownstream(fault)) {
            promise.fail(previous);
            return;
          }
          if (number > config.maxRetries() || !isTransient(fault) || !retryable.test(fault)) {
            promise.fail(fault);
            return;
          }
          long wait = Math.max(1, config.backoff().delayMs(number));
          long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          // A retry that is not likely to finish in what is left of the deadline (it would take
          // what the
          // last attempt took) would only turn a fault into a timeout.
          if (TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) <= wait + took) {
            promise.fail(fault);
            return;
          }
          counter(action).increment();
          vertx.setTimer(
              wait,
              t ->
                  run(action, number + 1, deadline, attemptMs, fault, retryable, attempt, promise));
        });
  }

  /**
   * Whether a failure is the caller's own give-up, no answer within the time it was given (not a
   * downstream's answer that its own call timed out).
   */
  private static boolean timedOut(Throwable failure) {
    return failure instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT;
  }

  /**
   * Whether a failure is the downstream's answer (a reply failure it sent, or no handler), not a
   * local give-up.
   */
  private static boolean answeredByDownstream(Throwable failure) {
    if (failure instanceof ReplyException re) {
      return re.failureType() != ReplyFailure.TIMEOUT;
    }
    return failure instanceof dev.troupe.shared.contract.TroupeException te
        && te.code() != ErrorCode.TIMEOUT;
  }

  private Counter counter(String action) {
    return counters.computeIfAbsent(
        action,
        a ->
            Counter.builder("troupe_retries")
                .description("calls to another service attempted again after a transient fault")
                .tag("downstream", downstream)
                .tag("action", a)
                .register(registry));
  }
}
