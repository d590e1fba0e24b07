package dev.troupe.shared.bus;

import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.Wire;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Retries a call to another service, within one deadline for all its attempts, with jittered
 * exponential backoff between them. Only idempotent calls are retried (reads, cache operations, and
 * writes that carry an idempotency key, which db-service applies once), and only after a fault that
 * a new attempt may not meet: the service was unavailable (no handler, at its limit, database
 * down) or did not answer in time. An answer about the request itself (400, 404, 409, 412) is
 * final, and so is an internal error (a bug does not go away by asking again). Each retry counts
 * in {@code troupe_retries{downstream,action}}.
 *
 * <p>The deadline covers every attempt: each attempt gets what is left of it, so a call that timed
 * out has spent its budget and is not retried, and retries never make a caller wait longer than it
 * would have without them.
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

  /** The write actions of db-service and request-service; every other action of theirs, and of cache-service, is a read. */
  private static final Set<String> WRITES = java.util.stream.Stream.of(
          DbContract.PUT, DbContract.DELETE, DbContract.PUT_MANY,
          RequestContract.PUT, RequestContract.DELETE, RequestContract.PUT_MANY)
      .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /**
   * Whether sending {@code body} as {@code action} twice does what sending it once does: every read
   * and cache operation, and a write that carries an idempotency key.
   */
  public static boolean isIdempotent(String action, JsonObject body) {
    return !WRITES.contains(action) || Wire.hasIdempotencyKey(body);
  }

  /**
   * Whether the request never reached a handler: no consumer was registered (a service restarting
   * under its supervisor, or moving to another node), or the message could not be sent to the
   * node of the one chosen (it just died). The narrowest retry policy: a caller whose downstream
   * retries by itself uses it, so retries do not multiply and an overloaded service's refusals are
   * not sent again.
   */
  public static boolean undelivered(Throwable failure) {
    return failure instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.ERROR);
  }

  /** Whether a failure may go away on a new attempt: unavailable or timed out. */
  public static boolean isTransient(Throwable failure) {
    ErrorCode code = Failures.code(failure);
    return code == ErrorCode.UNAVAILABLE || code == ErrorCode.TIMEOUT;
  }

  /**
   * Runs {@code attempt} (given the milliseconds left of {@code deadlineMs}) and, when
   * {@code idempotent} and it fails transiently, again after a backoff while retries and time are
   * left; {@code retryable} can refuse a failure on top (e.g. an open circuit).
   */
  public <T> Future<T> call(String action, boolean idempotent, long deadlineMs, Predicate<Throwable> retryable,
      LongFunction<Future<T>> attempt) {
    if (!idempotent || config.maxRetries() == 0) {
      return attempt.apply(deadlineMs);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
    Promise<T> promise = Promise.promise();
    run(action, 1, deadline, retryable, attempt, promise);
    return promise.future();
  }

  private <T> void run(String action, int number, long deadline, Predicate<Throwable> retryable,
      LongFunction<Future<T>> attempt, Promise<T> promise) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    Future<T> result;
    try {
      result = attempt.apply(Math.max(1, left));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded() || number > config.maxRetries() || !isTransient(ar.cause()) || !retryable.test(ar.cause())) {
        promise.handle(ar);
        return;
      }
      long wait = Math.max(1, config.backoff().delayMs(number));
      // A retry that could not get a useful slice of the deadline would only turn a fault into a timeout.
      if (TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) <= wait) {
        promise.handle(ar);
        return;
      }
      counter(action).increment();
      vertx.setTimer(wait, t -> run(action, number + 1, deadline, retryable, attempt, promise));
    });
  }

  private Counter counter(String action) {
    return counters.computeIfAbsent(action, a -> Counter.builder("troupe_retries")
        .description("calls to another service attempted again after a transient fault")
        .tag("downstream", downstream)
        .tag("action", a)
        .register(registry));
  }
}
