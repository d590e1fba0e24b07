package dev.troupe.shared.bus;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The one policy of calls to one downstream service, used by every caller (request-service, the
 * gateway, the job workers): each call carries the caller's request id and a deadline, is retried
 * within that deadline when its {@link Action} declares it idempotent and the fault is one a new
 * attempt may not meet, and goes through a circuit breaker that opens on faults, never on load.
 *
 * <ul>
 *   <li><b>Faults count:</b> UNAVAILABLE (not running, not reachable, failing) and INTERNAL.
 *   <li><b>Load never counts:</b> OVERLOADED, the downstream's refusal because it (or a bulkhead of
 *       it, or db-service's group commit queue) was at its limit. It answered at once, so it is
 *       healthy and busy; the caller passes the refusal on (503 with Retry-After).
 *   <li><b>A timeout counts only when the downstream is unhealthy</b>, which is defined as: no call
 *       to it completed while the timed-out call waited. A call completes when the downstream did
 *       the work and answered: a success or an answer about the request (404, 412, 400, ...); its
 *       refusals and faults are no proof of health. So a busy downstream, whose other calls keep
 *       completing while this one waited in its queue, does not open the circuit, while one that
 *       has gone silent (a stalled database, a hung node) does.
 *   <li>Answers about the request (404, 412, 400) are never faults.
 * </ul>
 *
 * <p>After {@code TROUPE_BREAKER_FAILURES} faults the circuit opens: calls fail at once with
 * UNAVAILABLE instead of each waiting out its deadline, until a trial call after {@code
 * TROUPE_BREAKER_RESET_MS} succeeds. State: {@code troupe_breaker_state{downstream}} (0 closed, 1
 * half-open, 2 open), refusals {@code troupe_breaker_rejected_total{downstream}}, failures not
 * counted {@code troupe_breaker_ignored_total{downstream,reason}} ({@code overloaded}, or {@code
 * timeout-while-answering}).
 *
 * <p>Idempotent calls (reads, cache operations, writes with an idempotency key) that meet a
 * transient fault are retried within their deadline ({@link Retry}, {@code TROUPE_RETRY_*}).
 */
public final class CallPolicy {
  private final String name;
  private final Bus bus;
  private final CircuitBreaker breaker;
  private final Counter rejected;
  private final Counter ignoredOverload;
  private final Counter ignoredTimeouts;
  private final Retry retry;
  private final Predicate<Throwable> retryWhen;
  private final long attemptMs;

  /**
   * Calls to the downstream that completed (a success, or an answer about the request), ever. A
   * timed-out call counts as a fault only when this did not move while it waited.
   */
  private final AtomicLong completed = new AtomicLong();

  /**
   * A policy for calls to {@code name} (a downstream's name in metrics) over {@code bus}, whose
   * deadline is each call's unless it names its own.
   *
   * @param retryWhen which transient faults of idempotent calls are tried again, on top of the
   *     retry budget: every one ({@code f -> true}), or only those that never reached a handler
   *     ({@link Retry#undelivered}) for a caller whose downstream retries by itself
   */
  public CallPolicy(
      Vertx vertx,
      String name,
      Bus bus,
      BreakerConfig breakerConfig,
      RetryConfig retries,
      Predicate<Throwable> retryWhen,
      MeterRegistry registry) {
    this(vertx, name, bus, breakerConfig, retries, retryWhen, Long.MAX_VALUE, registry);
  }

  /**
   * As {@link #CallPolicy(Vertx, String, Bus, BreakerConfig, RetryConfig, Predicate,
   * MeterRegistry)}, each attempt of an idempotent call that may still be retried given at most
   * {@code attemptMs}: an attempt without an answer by then was lost (a message to a node that has
   * just died is dropped without failing the call) and is sent again ({@link Retry}).
   */
  public CallPolicy(
      Vertx vertx,
      String name,
      Bus bus,
      BreakerConfig breakerConfig,
      RetryConfig retries,
      Predicate<Throwable> retryWhen,
      long attemptMs,
      MeterRegistry registry) {
    if (attemptMs <= 0) {
      throw new IllegalArgumentException("attemptMs must be > 0");
    }
    this.name = name;
    this.bus = bus;
    this.retry = new Retry(vertx, retries, registry, name);
    this.retryWhen = retryWhen;
    this.attemptMs = attemptMs;
    this.breaker =
        !breakerConfig.enabled()
            ? null
            : CircuitBreaker.create(
                "troupe-" + name,
                vertx,
                new CircuitBreakerOptions()
                    .setMaxFailures(breakerConfig.failures())
                    .setResetTimeout(breakerConfig.resetMs())
                    // The bus request has its own deadline; the breaker adds none, and tells nobody
                    // on
                    // the bus.
                    .setTimeout(-1)
                    .setNotificationAddress(null));
    this.rejected =
        Counter.builder("troupe_breaker_rejected")
            .description(
                "calls refused at once because the circuit to the downstream service was open")
            .tag("downstream", name)
            .register(registry);
    this.ignoredOverload = ignored(registry, name, "overloaded");
    this.ignoredTimeouts = ignored(registry, name, "timeout-while-answering");
    if (breaker == null) {
      return;
    }
    breaker.<JsonObject>failurePolicy(
        result ->
            result.failed() && !(result.cause() instanceof NotCounted) && isFault(result.cause()));
    Gauge.builder(
            "troupe_breaker_state",
            breaker,
            b ->
                switch (b.state()) {
                  case CLOSED -> 0;
                  case HALF_OPEN -> 1;
                  case OPEN -> 2;
                })
        .description("circuit to a downstream service: 0 closed, 1 half-open, 2 open")
        .tag("downstream", name)
        .register(registry);
  }

  private static Counter ignored(MeterRegistry registry, String downstream, String reason) {
    return Counter.builder("troupe_breaker_ignored")
        .description(
            "failed calls the circuit breaker did not count as faults: load refusals (overloaded), and "
                + "timeouts while other calls to the downstream completed (timeout-while-answering)")
        .tag("downstream", downstream)
        .tag("reason", reason)
        .register(registry);
  }

  /**
   * A downstream with the default breaker settings and no retries: each request is one attempt, for
   * tests of what one call does.
   */
  public static CallPolicy of(Vertx vertx, String name, long timeoutMs, MeterRegistry registry) {
    return withRetries(vertx, name, timeoutMs, RetryConfig.none(), registry);
  }

  /** A downstream with the default breaker settings and {@code retries}. */
  public static CallPolicy withRetries(
      Vertx vertx, String name, long timeoutMs, RetryConfig retries, MeterRegistry registry) {
    return new CallPolicy(
        vertx,
        name,
        new Bus(vertx, timeoutMs),
        BreakerConfig.defaults(),
        retries,
        f -> true,
        registry);
  }

  private static boolean isFault(Throwable failure) {
    ErrorCode code = Failures.code(failure);
    return code == ErrorCode.UNAVAILABLE || code == ErrorCode.TIMEOUT || code == ErrorCode.INTERNAL;
  }

  /**
   * Whether the downstream did the work of a call that ended so: it succeeded, or answered about
   * the request.
   */
  private static boolean completedWork(AsyncResult<?> result) {
    if (result.succeeded()) {
      return true;
    }
    ErrorCode code = Failures.code(result.cause());
    return code != ErrorCode.UNAVAILABLE
        && code != ErrorCode.OVERLOADED
        && code != ErrorCode.TIMEOUT
        && code != ErrorCode.INTERNAL;
  }

  /**
   * One attempt: sends the call and judges a timeout against what else completed meanwhile. A
   * timeout while other calls completed is the downstream's queue, not its failure, and goes to the
   * breaker as {@link NotCounted}.
   */
  private Future<JsonObject> attempt(
      String address, String action, JsonObject body, String requestId, long left) {
    long before = completed.get();
    return bus.request(address, action, body, requestId, left)
        .transform(
            result -> {
              if (completedWork(result)) {
                completed.incrementAndGet();
                return result.succeeded()
                    ? Future.succeededFuture(result.result())
                    : Future.failedFuture(result.cause());
              }
              ErrorCode code = Failures.code(result.cause());
              if (code == ErrorCode.OVERLOADED) {
                ignoredOverload.increment();
              } else if (code == ErrorCode.TIMEOUT && completed.get() != before) {
                ignoredTimeouts.increment();
                return Future.failedFuture(new NotCounted(result.cause()));
              }
              return Future.failedFuture(result.cause());
            });
  }

  /** A failure the breaker must not count; unwrapped before anyone else sees it. */
  private static final class NotCounted extends RuntimeException {
    NotCounted(Throwable failure) {
      super(failure.getMessage(), failure, false, false);
    }
  }

  private static Future<JsonObject> unwrap(Throwable failure) {
    return Future.failedFuture(failure instanceof NotCounted ? failure.getCause() : failure);
  }

  public long timeoutMs() {
    return bus.timeoutMs();
  }

  /** The circuit's state; always closed without a breaker. */
  public CircuitBreakerState state() {
    return breaker == null ? CircuitBreakerState.CLOSED : breaker.state();
  }

  /** Calls {@code action} within this policy's deadline and completes with the decoded reply. */
  public <Q, R> Future<R> call(Action<Q, R> action, Q request, String requestId) {
    return call(action, request, requestId, bus.timeoutMs());
  }

  /** Calls {@code action} within {@code deadlineMs}, for all attempts together. */
  public <Q, R> Future<R> call(Action<Q, R> action, Q request, String requestId, long deadlineMs) {
    JsonObject body;
    try {
      body = action.request().encode(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return send(
            action.address(),
            action.name(),
            action.idempotent(request),
            action.alwaysIdempotent() ? attemptMs : deadlineMs,
            body,
            requestId,
            deadlineMs)
        .map(action.reply()::decode);
  }

  /**
   * Calls {@code action} with a body as it is and completes with the reply as it is: for a caller
   * that relays bodies it does not read (a bridge, a test's stand-in). Idempotent when the body,
   * decoded, is a request the declaration calls idempotent.
   */
  public Future<JsonObject> request(Action<?, ?> action, JsonObject body, String requestId) {
    return send(
        action.address(),
        action.name(),
        idempotent(action, body),
        action.alwaysIdempotent() ? attemptMs : bus.timeoutMs(),
        body,
        requestId,
        bus.timeoutMs());
  }

  private static <Q> boolean idempotent(Action<Q, ?> action, JsonObject body) {
    try {
      return action.idempotent(action.request().decode(body));
    } catch (RuntimeException malformed) {
      return false;
    }
  }

  /**
   * {@code attemptMs}: the attempt deadline, only for actions always idempotent: a write whose
   * idempotency key makes it safe to repeat may still be waiting on the database (and its
   * downstream retrying) when an attempt deadline would send it again.
   */
  private Future<JsonObject> send(
      String address,
      String action,
      boolean idempotent,
      long attemptMs,
      JsonObject body,
      String requestId,
      long deadlineMs) {
    // Every attempt goes through the breaker, so each fault counts and an opening circuit stops the
    // retries (an OpenCircuitException is not a transient fault).
    return retry
        .<JsonObject>call(
            action,
            idempotent,
            deadlineMs,
            attemptMs,
            retryWhen,
            left ->
                breaker == null
                    ? attempt(address, action, body, requestId, left).recover(CallPolicy::unwrap)
                    : breaker
                        .<JsonObject>execute(() -> attempt(address, action, body, requestId, left))
                        .recover(CallPolicy::unwrap))
        .recover(
            failure -> {
              if (failure instanceof OpenCircuitException) {
                rejected.increment();
                return Future.failedFuture(
                    new TroupeException(
                        ErrorCode.UNAVAILABLE,
                        "the circuit to "
                            + name
                            + " is open after repeated failures; retry shortly"));
              }
              return Future.failedFuture(failure);
            });
  }
}
