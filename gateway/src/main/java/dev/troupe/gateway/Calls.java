package dev.troupe.gateway;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.BreakerConfig;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Retry;
import dev.troupe.shared.bus.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The gateway's one policy for calls into the cluster, for documents, batches, jobs and chat alike:
 * each call carries the HTTP request's id and the gateway's deadline ({@code
 * TROUPE_GATEWAY_TIMEOUT_MS}), an idempotent action ({@link Action#idempotent}) that reached no
 * handler is sent again within the deadline ({@link Retry#undelivered}: the services retry their
 * own calls, so their answers are final here and refusals under load do not come back twice), and a
 * breaker per downstream address ({@code TROUPE_GATEWAY_BREAKER_FAILURES}, off by default: the
 * services behind the gateway break their own circuits and answer at once while theirs is open, and
 * a gateway circuit over a whole service would refuse the cache hits that still work when only
 * writes fail). Each attempt of an idempotent action that may still be retried gets at most {@code
 * TROUPE_GATEWAY_ATTEMPT_TIMEOUT_MS}: the event bus drops a message to a node that has just died
 * without failing the call, so such an attempt is lost, and is sent again (likely to a live node)
 * instead of waiting out the whole deadline. Built once per gateway verticle.
 */
final class Calls {
  private final Vertx vertx;
  private final long timeoutMs;
  private final long attemptMs;
  private final RetryConfig retries;
  private final BreakerConfig breaker;
  private final MeterRegistry registry;
  private final Map<String, CallPolicy> byAddress = new ConcurrentHashMap<>();

  Calls(
      Vertx vertx,
      long timeoutMs,
      RetryConfig retries,
      BreakerConfig breaker,
      MeterRegistry registry) {
    this(vertx, timeoutMs, timeoutMs, retries, breaker, registry);
  }

  /** {@code attemptMs}: the deadline of an idempotent attempt that may still be retried. */
  Calls(
      Vertx vertx,
      long timeoutMs,
      long attemptMs,
      RetryConfig retries,
      BreakerConfig breaker,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.attemptMs = attemptMs;
    this.retries = retries;
    this.breaker = breaker;
    this.registry = registry;
  }

  long timeoutMs() {
    return timeoutMs;
  }

  /** Calls {@code action} for the HTTP request of {@code ctx}. */
  <Q, R> Future<R> call(RoutingContext ctx, Action<Q, R> action, Q request) {
    return call(action, request, RequestIds.of(ctx));
  }

  /** Calls {@code action} on behalf of the request with id {@code requestId} (null: none). */
  <Q, R> Future<R> call(Action<Q, R> action, Q request, String requestId) {
    return policy(action.address()).call(action, request, requestId);
  }

  /**
   * As {@link #call(Action, Object, String)} within {@code deadlineMs} instead of the gateway's
   * deadline: for a call that must answer sooner than a request may take (a rate-limit take).
   */
  <Q, R> Future<R> call(Action<Q, R> action, Q request, String requestId, long deadlineMs) {
    return policy(action.address()).call(action, request, requestId, deadlineMs);
  }

  /**
   * Calls {@code action} and hands the reply to {@code respond}; a failure, or one while answering,
   * fails {@code ctx} (a problem response).
   */
  <Q, R> void respond(RoutingContext ctx, Action<Q, R> action, Q request, Consumer<R> respond) {
    StageClock.close(ctx);
    respond(ctx, call(ctx, action, request), respond);
  }

  /**
   * Hands the outcome of {@code reply} (calls made for the request of {@code ctx}) to {@code
   * respond}; a failure, or one while answering, fails {@code ctx}. Closes the request's open stage
   * first.
   */
  static <R> void respond(RoutingContext ctx, Future<R> reply, Consumer<R> respond) {
    StageClock.close(ctx);
    reply.onComplete(
        ar -> {
          try {
            if (ar.failed()) {
              ctx.fail(ar.cause());
            } else {
              respond.accept(ar.result());
            }
          } catch (RuntimeException e) {
            ctx.fail(e);
          }
        });
  }

  /** The policy of calls to {@code address}. */
  CallPolicy policy(String address) {
    return byAddress.computeIfAbsent(
        address,
        a ->
            new CallPolicy(
                vertx,
                downstream(a),
                new Bus(vertx, timeoutMs),
                breaker,
                retries,
                Retry::undelivered,
                attemptMs,
                registry));
  }

  /** The downstream's name in metrics: {@code troupe.request.v1} is {@code request-service}. */
  static String downstream(String address) {
    String[] parts = address.split("\\.");
    return parts.length >= 2 ? parts[1] + "-service" : address;
  }
}
