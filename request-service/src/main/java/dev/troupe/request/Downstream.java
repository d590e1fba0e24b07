package dev.troupe.request;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.bus.Retry;
import dev.troupe.shared.bus.RetryConfig;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Calls to one downstream service through a circuit breaker. Faults (unavailable, timed out,
 * internal) count against it; answers about the request (404, 412, 400) do not. After
 * {@code TROUPE_BREAKER_FAILURES} faults in a row the circuit opens: calls fail at once with
 * UNAVAILABLE instead of each waiting out its deadline, until a trial call after
 * {@code TROUPE_BREAKER_RESET_MS} succeeds. State: {@code troupe_breaker_state{downstream}} (0 closed,
 * 1 half-open, 2 open), refusals {@code troupe_breaker_rejected_total{downstream}}.
 *
 * <p>Idempotent calls (reads, cache operations, writes with an idempotency key) that meet a
 * transient fault are retried within their deadline ({@link Retry}, {@code TROUPE_RETRY_*}).
 */
final class Downstream {
  private final String name;
  private final Bus bus;
  private final CircuitBreaker breaker;
  private final Counter rejected;
  private final Retry retry;

  Downstream(Vertx vertx, String name, Bus bus, RequestConfig config, MeterRegistry registry) {
    this(vertx, name, bus, config, config.retry(), registry);
  }

  private Downstream(Vertx vertx, String name, Bus bus, RequestConfig config, RetryConfig retries,
      MeterRegistry registry) {
    this.name = name;
    this.bus = bus;
    this.retry = new Retry(vertx, retries, registry, name);
    this.breaker = CircuitBreaker.create("troupe-" + name, vertx, new CircuitBreakerOptions()
        .setMaxFailures(config.breakerFailures())
        .setResetTimeout(config.breakerResetMs())
        // The bus request has its own deadline; the breaker adds none, and tells nobody on the bus.
        .setTimeout(-1)
        .setNotificationAddress(null));
    breaker.<JsonObject>failurePolicy(result -> result.failed() && isFault(result.cause()));
    Gauge.builder("troupe_breaker_state", breaker, b -> switch (b.state()) {
          case CLOSED -> 0;
          case HALF_OPEN -> 1;
          case OPEN -> 2;
        })
        .description("circuit to a downstream service: 0 closed, 1 half-open, 2 open")
        .tag("downstream", name)
        .register(registry);
    this.rejected = Counter.builder("troupe_breaker_rejected")
        .description("calls refused at once because the circuit to the downstream service was open")
        .tag("downstream", name)
        .register(registry);
  }

  /**
   * A downstream with the default breaker settings and no retries: each request is one attempt,
   * for tests of what one call does.
   */
  static Downstream of(Vertx vertx, String name, long timeoutMs, MeterRegistry registry) {
    return withRetries(vertx, name, timeoutMs, RetryConfig.none(), registry);
  }

  /** A downstream with the default breaker settings and {@code retries}. */
  static Downstream withRetries(Vertx vertx, String name, long timeoutMs, RetryConfig retries, MeterRegistry registry) {
    return new Downstream(vertx, name, new Bus(vertx, timeoutMs), RequestConfig.from(Settings.empty()), retries,
        registry);
  }

  private static boolean isFault(Throwable failure) {
    ErrorCode code = Failures.code(failure);
    return code == ErrorCode.UNAVAILABLE || code == ErrorCode.TIMEOUT || code == ErrorCode.INTERNAL;
  }

  long timeoutMs() {
    return bus.timeoutMs();
  }

  CircuitBreakerState state() {
    return breaker.state();
  }

  Future<JsonObject> request(String address, String action, JsonObject body, String requestId) {
    return request(address, action, body, requestId, bus.timeoutMs());
  }

  Future<JsonObject> request(String address, String action, JsonObject body, String requestId, long deadlineMs) {
    // Every attempt goes through the breaker, so each fault counts and an opening circuit stops the
    // retries (an OpenCircuitException is not a transient fault).
    return retry.<JsonObject>call(action, Retry.isIdempotent(action, body), deadlineMs, failure -> true,
            left -> breaker.<JsonObject>execute(() -> bus.request(address, action, body, requestId, left)))
        .recover(failure -> {
          if (failure instanceof OpenCircuitException) {
            rejected.increment();
            return Future.failedFuture(new TroupeException(ErrorCode.UNAVAILABLE,
                "the circuit to " + name + " is open after repeated failures; retry shortly"));
          }
          return Future.failedFuture(failure);
        });
  }
}
