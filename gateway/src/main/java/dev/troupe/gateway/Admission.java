package dev.troupe.gateway;

import dev.troupe.shared.bus.InFlight;
import io.vertx.ext.web.RoutingContext;

/**
 * Admission control for {@code /api/*}: at most {@code TROUPE_GATEWAY_MAX_IN_FLIGHT} API requests
 * per node are in the pipeline at once; the next one gets 503 with {@code Retry-After} at once. Under
 * overload the gateway so answers fast and holds a bounded amount of work (and memory) instead of
 * queueing until every request times out.
 */
final class Admission {
  private final InFlight inFlight;

  Admission(InFlight inFlight) {
    this.inFlight = inFlight;
  }

  void handle(RoutingContext ctx) {
    if (!inFlight.tryAcquire()) {
      Problems.send(ctx, 503, "the gateway is at its limit of " + inFlight.limit()
          + " requests in flight; retry after the time in Retry-After");
      return;
    }
    ctx.addEndHandler(done -> inFlight.release());
    ctx.next();
  }
}
