package dev.troupe.shared.bus;

import dev.troupe.shared.bus.RetryPolicy.Delivery;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Retries a call to another service by the one {@link RetryPolicy}: within one deadline for all its
 * attempts, with jittered exponential backoff between them. Only idempotent calls are retried
 * (reads, cache operations, and writes that carry an idempotency key, which db-service applies
 * once), and only after a fault that a new attempt may not meet: the service was unavailable (no
 * handler, at its limit, database down) or did not answer in time. A call that is not idempotent is
 * sent again only when the downstream certainly did nothing with it ({@link #notDone}: no handler,
 * or MOVED from a node that is leaving). An answer about the request itself (400, 404, 409, 412) is
 * final, and so is an internal error (a bug does not go away by asking again). Each retry counts in
 * {@code troupe_retries{downstream,action}}.
 *
 * <p>The deadline covers every attempt: each attempt gets what is left of it, so a call that timed
 * out has spent its budget and is not retried, and retries never keep a caller past the call's
 * deadline (a fault may come later than without retries, never later than the deadline). A retry
 * after a fault starts only when what is left would also cover what the failed attempt took.
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
   * Whether the request never reached a handler ({@link RetryPolicy#undelivered}). The narrowest
   * retry policy: a caller whose downstream retries by itself uses it, so retries do not multiply
   * and an overloaded service's refusals are not sent again.
   */
  public static boolean undelivered(Throwable failure) {
    return RetryPolicy.undelivered(failure);
  }

  /**
   * Whether the downstream certainly did nothing with the request ({@link RetryPolicy#notDone}: no
   * consumer, or {@link ErrorCode#MOVED} from a node leaving the cluster, {@code
   * dev.troupe.shared.cluster.NodeLeave}). Sending such a call again is safe even when it is not
   * idempotent.
   */
  public static boolean notDone(Throwable failure) {
    return RetryPolicy.notDone(failure);
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
   * What a failure tells the policy, for a caller that retries the transient faults {@code
   * retryable} accepts: the caller's own timeout is a lost attempt; a failure that is not the
   * downstream's answer (an open circuit, a bug) is local; a transient answer {@code retryable}
   * accepts is sent again ({@link Delivery#NOT_DONE} when the downstream certainly did nothing).
   */
  static Delivery delivery(Throwable failure, Predicate<Throwable> retryable) {
    if (RetryPolicy.timedOut(failure)) {
      return Delivery.LOST;
    }
    if (!answeredByDownstream(failure)) {
      return Delivery.LOCAL;
    }
    if (!isTransient(failure) || !retryable.test(failure)) {
      return Delivery.ANSWERED;
    }
    return notDone(failure) ? Delivery.NOT_DONE : Delivery.TRANSIENT;
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
    RetryPolicy policy =
        new RetryPolicy(
            vertx,
            config.maxRetries(),
            config.backoff(),
            failure -> delivery(failure, retryable),
            true,
            System::nanoTime);
    return policy.call(
        idempotent, deadlineMs, attemptMs, () -> counter(action).increment(), attempt);
  }

  /**
   * Whether a failure is the downstream's answer (a reply failure it sent, or no handler), not a
   * local give-up.
   */
  private static boolean answeredByDownstream(Throwable failure) {
    if (failure instanceof ReplyException) {
      return !RetryPolicy.timedOut(failure);
    }
    return failure instanceof TroupeException te && te.code() != ErrorCode.TIMEOUT;
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
