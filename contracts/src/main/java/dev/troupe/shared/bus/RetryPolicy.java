package dev.troupe.shared.bus;

import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The one retry policy of a call to a Troupe service, for the services' calls to each other ({@code
 * Retry} in {@code troupe-shared}) and the JVM client's ({@code troupe-client}) alike.
 *
 * <ul>
 *   <li><b>One deadline for all attempts.</b> Each attempt gets what is left of it; an attempt of
 *       an idempotent call, while retries are left, at most the <em>attempt deadline</em>: one that
 *       got no answer by then was lost (a message to a node that has just died is dropped without
 *       failing the call) and is sent again instead of waiting out the call's deadline. A call that
 *       is not idempotent gets no attempt deadline: a lost attempt may have been done.
 *   <li><b>What is sent again</b> depends on what the failed attempt tells ({@link Delivery}, read
 *       by the caller's classifier): a call no service got, always; one that may have been done
 *       ({@link Delivery#LOST}) or that met a transient fault of the service ({@link
 *       Delivery#TRANSIENT}), only when the request is idempotent (its {@link Action} says so); an
 *       answer about the request or a local failure, never.
 *   <li><b>Backoff:</b> before retry {@code n}, a jittered wait ({@link Backoff#delayMs}), at most
 *       {@code maxRetries} retries, and none whose wait would not end before the deadline.
 *   <li><b>The fault shown:</b> a retry that ends without an answer of the service's own (lost, or
 *       a local refusal such as an open circuit) answers the fault that made it retry, not one its
 *       retrying caused.
 * </ul>
 */
public final class RetryPolicy {
  /** What a failed attempt tells about the request. */
  public enum Delivery {
    /** No service got it (no handler, a node that is leaving, not sent): safe to send again. */
    NOT_DONE,
    /** No answer in time, or the connection broke while waiting: a service may have done it. */
    LOST,
    /** The service answered with a fault a new attempt may not meet (unavailable, overloaded). */
    TRANSIENT,
    /** An answer about the request, or a fault asking again does not cure: final. */
    ANSWERED,
    /** The caller's own failure (its breaker refused the attempt, a bug): final. */
    LOCAL
  }

  private final Vertx vertx;
  private final int maxRetries;
  private final Backoff backoff;
  private final Function<Throwable, Delivery> classifier;
  private final boolean sparesRepeat;
  private final LongSupplier nanoClock;

  /**
   * A policy of at most {@code maxRetries} retries after {@code backoff}'s waits.
   *
   * @param classifier what a failure tells ({@link #undelivered} and {@link #notDone} read the
   *     event bus's failures)
   * @param sparesRepeat whether a retry after a fault that is not a lost attempt also needs, left
   *     of the deadline, the time the failed attempt took (the services: a retry that would likely
   *     run out of time only turns a fault into a timeout); false: whenever its wait fits (the JVM
   *     client)
   * @param nanoClock the clock of the deadline ({@code System::nanoTime})
   */
  public RetryPolicy(
      Vertx vertx,
      int maxRetries,
      Backoff backoff,
      Function<Throwable, Delivery> classifier,
      boolean sparesRepeat,
      LongSupplier nanoClock) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, got " + maxRetries);
    }
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.maxRetries = maxRetries;
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.sparesRepeat = sparesRepeat;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  public int maxRetries() {
    return maxRetries;
  }

  /**
   * Whether the downstream certainly did nothing with the request: no consumer was registered, or
   * the node asked answered {@link ErrorCode#MOVED} (it is leaving the cluster). Sending such a
   * call again is safe even when it is not idempotent.
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

  /**
   * Whether the request never reached a handler: {@link #notDone}, or the event bus failed the
   * send. A message to a node that has just died is not among these: Vert.x drops it without
   * failing the call (the attempt deadline finds it).
   */
  public static boolean undelivered(Throwable failure) {
    return notDone(failure)
        || failure instanceof ReplyException re && re.failureType() == ReplyFailure.ERROR;
  }

  /** Whether a failure is the caller's own give-up: no answer within the time it was given. */
  public static boolean timedOut(Throwable failure) {
    return failure instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT;
  }

  /**
   * Runs {@code attempt} (given the milliseconds it may take) until it succeeds or the policy says
   * its failure is final, within {@code deadlineMs} for all attempts.
   *
   * @param idempotent whether sending the request twice does what sending it once does
   * @param attemptMs the attempt deadline of an idempotent call while retries are left ({@code >=
   *     deadlineMs}: none)
   * @param onRetry called before each retry's wait (a metric), or null
   */
  public <T> Future<T> call(
      boolean idempotent,
      long deadlineMs,
      long attemptMs,
      Runnable onRetry,
      LongFunction<Future<T>> attempt) {
    if (attemptMs <= 0) {
      throw new IllegalArgumentException("attemptMs must be > 0");
    }
    if (maxRetries == 0) {
      return once(attempt, deadlineMs);
    }
    Run<T> run =
        new Run<>(
            idempotent,
            nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(deadlineMs),
            idempotent ? attemptMs : deadlineMs,
            onRetry,
            attempt);
    run.attempt(1, null);
    return run.promise.future();
  }

  private static <T> Future<T> once(LongFunction<Future<T>> attempt, long ms) {
    try {
      return attempt.apply(ms);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** One call's state across its attempts. */
  private final class Run<T> {
    private final boolean idempotent;
    private final long deadline;
    private final long attemptMs;
    private final Runnable onRetry;
    private final LongFunction<Future<T>> attempt;
    private final Promise<T> promise = Promise.promise();

    Run(
        boolean idempotent,
        long deadline,
        long attemptMs,
        Runnable onRetry,
        LongFunction<Future<T>> attempt) {
      this.idempotent = idempotent;
      this.deadline = deadline;
      this.attemptMs = attemptMs;
      this.onRetry = onRetry;
      this.attempt = attempt;
    }

    private long msLeft() {
      return TimeUnit.NANOSECONDS.toMillis(deadline - nanoClock.getAsLong());
    }

    /**
     * Attempt {@code number}; {@code previous} is the fault that made it necessary, if any. The
     * last attempt, and one whose attempt deadline would not end before the call's, get all that is
     * left.
     */
    void attempt(int number, Throwable previous) {
      long started = nanoClock.getAsLong();
      long left = Math.max(1, msLeft());
      boolean capped = number <= maxRetries && attemptMs < left;
      once(attempt, capped ? attemptMs : left)
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  promise.complete(ar.result());
                } else {
                  failed(number, previous, ar.cause(), started);
                }
              });
    }

    private void failed(int number, Throwable previous, Throwable fault, long started) {
      Delivery delivery = classifier.apply(fault);
      boolean ownAnswer = delivery != Delivery.LOST && delivery != Delivery.LOCAL;
      Throwable shown = ownAnswer || previous == null ? fault : previous;
      boolean again =
          number <= maxRetries
              && switch (delivery) {
                case NOT_DONE -> true;
                case LOST, TRANSIENT -> idempotent;
                case ANSWERED, LOCAL -> false;
              };
      long wait = Math.max(1, backoff.delayMs(number));
      long needed =
          delivery != Delivery.LOST && sparesRepeat
              ? wait + TimeUnit.NANOSECONDS.toMillis(nanoClock.getAsLong() - started)
              : wait;
      if (!again || msLeft() <= needed) {
        promise.fail(shown);
        return;
      }
      if (onRetry != null) {
        onRetry.run();
      }
      vertx.setTimer(wait, t -> attempt(number + 1, shown));
    }
  }
}
