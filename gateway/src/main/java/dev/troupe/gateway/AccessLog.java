package dev.troupe.gateway;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the {@code troupe.access} logger: request id, method, route template
 * (not the raw path, so ids and query strings stay out), status, bytes sent, duration and cache
 * outcome. Never a header value, a body or a secret.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("troupe.access");
  private static final String ROUTE = "troupe.route";

  private AccessLog() {}

  /** Records the request when its response ends; mount first. */
  static void handle(RoutingContext ctx) {
    if (LOG.isInfoEnabled()) {
      long start = System.nanoTime();
      ctx.addEndHandler(done -> LOG.info(line(ctx, start, done.succeeded())));
    }
    ctx.next();
  }

  /** Remembers the matched route template; mounted on the routes themselves. */
  static void route(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    if (route != null && route.getPath() != null) {
      ctx.put(ROUTE, route.getPath());
    }
    ctx.next();
  }

  private static String line(RoutingContext ctx, long start, boolean completed) {
    var response = ctx.response();
    String route = ctx.get(ROUTE);
    JsonObject json = new JsonObject()
        .put("requestId", RequestIds.of(ctx))
        .put("method", ctx.request().method().name())
        .put("route", route == null ? "(none)" : route)
        .put("status", response.getStatusCode())
        .put("bytes", response.bytesWritten())
        .put("durationMs", Math.round((System.nanoTime() - start) / 10_000.0) / 100.0);
    String cache = response.headers().get("X-Cache");
    if (cache != null) {
      json.put("cache", cache);
    }
    String subject = ctx.get(ApiKeys.SUBJECT);
    if (subject != null) {
      json.put("subject", subject);
    }
    if (!completed) {
      json.put("aborted", true);
    }
    return json.encode();
  }
}
