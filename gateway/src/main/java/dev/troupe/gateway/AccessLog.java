package dev.troupe.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON line per request on the {@code troupe.access} logger: request id, method, route template
 * (not the raw path, so ids and query strings stay out), status, bytes sent, duration and cache
 * outcome. Never a header value, a body or a secret.
 *
 * <p>One instance per gateway verticle, used on its event loop only. Lines are gathered and handed
 * to {@link AccessLogWriter} in batches, at most {@code TROUPE_ACCESS_LOG_FLUSH_MS} after the first
 * line of a batch or at {@value #MAX_BATCH} lines, as nginx's buffered access log does: handing
 * over each line woke the writer's thread once per request, a quarter of a cache hit's CPU in a
 * profile. A line the writer refuses (stdout not keeping up) is counted in {@code
 * troupe_gateway_access_log_dropped_total}.
 */
final class AccessLog {
  static final int MAX_BATCH = 512;
  private static final String ROUTE = "troupe.route";

  private final Vertx vertx;
  private final long flushMs;
  private final Counter dropped;
  private List<String> pending = new ArrayList<>();
  private long timer = -1;

  /** {@code flushMs}: how long a line may wait for its batch; 0 hands over every line at once. */
  AccessLog(Vertx vertx, long flushMs, MeterRegistry registry) {
    this.vertx = vertx;
    this.flushMs = flushMs;
    this.dropped =
        Counter.builder("troupe_gateway_access_log_dropped")
            .description("access-log lines dropped because stdout did not keep up")
            .register(registry);
  }

  /** Records the request when its response ends; mount first. */
  void handle(RoutingContext ctx) {
    if (AccessLogWriter.enabled()) {
      long start = System.nanoTime();
      ctx.addEndHandler(done -> record(line(ctx, start, done.succeeded())));
    }
    ctx.next();
  }

  /** Hands over the lines gathered so far; for the verticle's stop, after requests drained. */
  void flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (pending.isEmpty()) {
      return;
    }
    List<String> batch = pending;
    pending = new ArrayList<>();
    if (!AccessLogWriter.write(batch)) {
      dropped.increment(batch.size());
    }
  }

  /** Gathers {@code line} into the batch; on this verticle's event loop. */
  void record(String line) {
    pending.add(line);
    if (flushMs <= 0 || pending.size() >= MAX_BATCH) {
      flush();
    } else if (timer < 0) {
      timer =
          vertx.setTimer(
              flushMs,
              t -> {
                timer = -1;
                flush();
              });
    }
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
