package dev.troupe.gateway;

import dev.troupe.shared.metrics.Stages;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Times the gateway's own stages of a request, {@code authorize} and {@code validate}, into {@code
 * troupe_stage_seconds{stage}} like the stages behind it. A stage opens in a route handler and
 * closes when the request moves on ({@link #close}), or as failed when the request fails in it
 * ({@link #fail}, called by the failure handler). At most one stage is open per request.
 */
final class StageClock {
  private static final String KEY = "troupe.stage";

  private final Stages stages;
  private final String stage;
  private final long start;

  private StageClock(Stages stages, String stage) {
    this.stages = stages;
    this.stage = stage;
    this.start = System.nanoTime();
  }

  /** A route handler that opens {@code stage} and passes the request on. */
  static Handler<RoutingContext> open(Stages stages, String stage) {
    return ctx -> {
      close(ctx);
      ctx.put(KEY, new StageClock(stages, stage));
      ctx.next();
    };
  }

  /** A route handler that closes the open stage and passes the request on. */
  static void closeAndNext(RoutingContext ctx) {
    close(ctx);
    ctx.next();
  }

  /** Records the open stage, if any, as done. */
  static void close(RoutingContext ctx) {
    end(ctx, false);
  }

  /** Records the open stage, if any, as failed: the request failed while in it. */
  static void fail(RoutingContext ctx) {
    end(ctx, true);
  }

  private static void end(RoutingContext ctx, boolean failed) {
    StageClock clock = ctx.remove(KEY);
    if (clock != null) {
      clock.stages.record(clock.stage, System.nanoTime() - clock.start, failed);
    }
  }
}
