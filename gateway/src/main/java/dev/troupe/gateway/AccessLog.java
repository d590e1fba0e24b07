package dev.troupe.gateway;

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
    return line(
        RequestIds.of(ctx),
        ctx.request().method().name(),
        route == null ? "(none)" : route,
        response.getStatusCode(),
        response.bytesWritten(),
        Math.round((System.nanoTime() - start) / 10_000.0) / 100.0,
        response.headers().get("X-Cache"),
        ctx.get(ApiKeys.SUBJECT),
        completed);
  }

  /**
   * The JSON line, written straight into a {@code StringBuilder}: building a {@code JsonObject} and
   * encoding it with Jackson was about 5% of a cache hit's CPU.
   */
  static String line(
      String requestId,
      String method,
      String route,
      int status,
      long bytes,
      double durationMs,
      String cache,
      String subject,
      boolean completed) {
    StringBuilder out = new StringBuilder(192);
    string(out.append("{\"requestId\":"), requestId);
    string(out.append(",\"method\":"), method);
    string(out.append(",\"route\":"), route);
    out.append(",\"status\":").append(status);
    out.append(",\"bytes\":").append(bytes);
    out.append(",\"durationMs\":").append(durationMs);
    if (cache != null) {
      string(out.append(",\"cache\":"), cache);
    }
    if (subject != null) {
      string(out.append(",\"subject\":"), subject);
    }
    if (!completed) {
      out.append(",\"aborted\":true");
    }
    return out.append('}').toString();
  }

  /** A JSON string: quotes, backslashes and control characters escaped (RFC 8259). */
  private static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
