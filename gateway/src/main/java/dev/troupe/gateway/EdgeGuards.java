package dev.troupe.gateway;

import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.RateLimitContract;
import dev.troupe.shared.metrics.Stages;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * What every {@code /api/*} request passes before the document and chat APIs: authentication
 * ({@code TROUPE_AUTH}: {@link ApiKeys} or {@link BearerTokens}), then the rate limit ({@link
 * RateLimitHandler}), whose takes go through the gateway's one call policy ({@link Calls}) within
 * the rate limit's own deadline. Health and metrics have their own guard ({@link HealthGuard}).
 */
final class EdgeGuards {
  private EdgeGuards() {}

  /**
   * Mounts the guards the settings ask for; completes when they are ready to serve (a JWT public
   * key file is read without blocking), fails naming a bad setting.
   */
  static Future<Void> mount(
      Router router, Vertx vertx, GatewayConfig gateway, Settings settings, Calls calls) {
    try {
      NodeRuntime runtime = NodeRuntime.of(vertx);
      Rejections rejections = new Rejections(runtime.registry());
      // Every API route (documents, jobs, chat) passes the same guards: one rate-limit budget.
      Consumer<Handler<RoutingContext>> api =
          handler -> router.route(DocsApi.API + "/*").handler(handler);
      Future<Void> ready = Future.succeededFuture();
      if (!gateway.auth().equals("none")) {
        api.accept(StageClock.open(new Stages(runtime.registry()), Stages.AUTHORIZE));
      }
      if (gateway.auth().equals("apikey")) {
        ApiKeys keys = ApiKeys.parse(gateway.apiKeys(), rejections);
        api.accept(keys::handle);
      } else if (gateway.auth().equals("jwt")) {
        Future<BearerTokens> tokens =
            BearerTokens.create(vertx, JwtConfig.from(settings).requireComplete(), rejections);
        // The server listens only once this future succeeded, so result() is there for every
        // request.
        api.accept(ctx -> tokens.result().handle(ctx));
        ready = tokens.mapEmpty();
      }
      if (!gateway.auth().equals("none")) {
        api.accept(StageClock::closeAndNext);
      }
      RateLimitConfig limits = RateLimitConfig.from(settings);
      if (limits.enabled()) {
        RateLimiter limiter =
            new RateLimiter(
                limits,
                take -> calls.call(RateLimitContract.TAKE, take, null, limits.timeoutMs()),
                System::currentTimeMillis,
                runtime.registry());
        // A verticle's timers end with it.
        vertx.setPeriodic(RateLimiter.IDLE_MS, id -> limiter.sweep());
        api.accept(new RateLimitHandler(limiter, gateway.auth(), rejections));
      }
      return ready;
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Runs {@code then} when {@code future} completes. If that is later, the request is paused
   * meanwhile: a body arriving before the body handler reads it would be lost.
   */
  static <T> void whenDone(RoutingContext ctx, Future<T> future, Handler<AsyncResult<T>> then) {
    if (future.isComplete()) {
      then.handle(future);
      return;
    }
    HttpServerRequest request = ctx.request();
    boolean paused = !request.isEnded();
    if (paused) {
      request.pause();
    }
    future.onComplete(
        ar -> {
          if (paused) {
            // Resuming delivers buffered data on a later turn of the event loop, after the next
            // handler
            // (the body handler) has taken the request.
            request.resume();
          }
          then.handle(ar);
        });
  }
}
