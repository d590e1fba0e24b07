package dev.troupe.gateway;

import dev.troupe.shared.bus.InFlight;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Admission control for {@code /api/*}: at most {@code TROUPE_GATEWAY_MAX_IN_FLIGHT} API requests
 * per node are in the pipeline at once, and of those at most {@code
 * TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT} writes (anything but GET, HEAD and OPTIONS); the next one
 * gets 503 with {@code Retry-After} at once. Under overload the gateway so answers fast and holds a
 * bounded amount of work (and memory) instead of queueing until every request times out, and writes
 * waiting for a slow database leave slots to reads (request-service's bulkheads then keep cache
 * hits apart from database reads).
 */
final class Admission {
  private final InFlight inFlight;
  private final InFlight writes;

  Admission(InFlight inFlight, InFlight writes) {
    this.inFlight = inFlight;
    this.writes = writes;
  }

  void handle(RoutingContext ctx) {
    if (!inFlight.tryAcquire()) {
      refuse(ctx, inFlight.limit() + " requests");
      return;
    }
    HttpMethod method = ctx.request().method();
    boolean write =
        !(HttpMethod.GET.equals(method)
            || HttpMethod.HEAD.equals(method)
            || HttpMethod.OPTIONS.equals(method));
    if (write && !writes.tryAcquire()) {
      inFlight.release();
      refuse(ctx, writes.limit() + " write requests");
      return;
    }
    ctx.addEndHandler(
        done -> {
          inFlight.release();
          if (write) {
            writes.release();
          }
        });
    ctx.next();
  }

  private static void refuse(RoutingContext ctx, String limit) {
    Problems.send(
        ctx,
        503,
        "the gateway is at its limit of "
            + limit
            + " in flight; retry after the time in Retry-After");
  }
}
