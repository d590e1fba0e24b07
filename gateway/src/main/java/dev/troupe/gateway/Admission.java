package dev.troupe.gateway;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limit.WindowedLimit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.ToIntFunction;

/**
 * Admission control for {@code /api/*}, per node: reads (GET, HEAD, OPTIONS) and writes (everything
 * else) each pass a lane with a concurrency limit of its own, so writes waiting for a slow database
 * never take the slots reads need. Every gateway instance of the node shares the two lanes.
 *
 * <p>With {@code TROUPE_GATEWAY_LIMIT=adaptive} (the default) a lane's limit follows the latency it
 * measures: Netflix's Vegas algorithm (concurrency-limits) raises it while the latency of admitted
 * requests stays near the lowest it has seen, and lowers it as requests start to queue inside, so
 * the pipeline holds about as much work as it can do. ({@code gradient2}, the library's other
 * algorithm, compares short- and long-term latency instead: at 2,000 connections it let the limits
 * climb to ~145 where Vegas kept them at 32-60.) The limit moves between {@code
 * TROUPE_GATEWAY_MIN_IN_FLIGHT} and {@code TROUPE_GATEWAY_MAX_IN_FLIGHT} ({@code
 * TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT} for writes); {@code fixed} keeps it at the maximum.
 *
 * <p>A request over the limit waits at the gateway, before any work is spent on it, in a stack: the
 * newest waiting request is admitted first when a slot frees, and a request that waited {@code
 * TROUPE_GATEWAY_QUEUE_TIMEOUT_MS} is shed with 503 and {@code Retry-After}. Under a short burst
 * every request still gets through; under sustained overload the requests that would only have
 * waited longer are the ones shed, and those admitted did not wait long (the point of LIFO over
 * FIFO). Requests already admitted are never shed at the gateway. When {@code TROUPE_GATEWAY_QUEUE}
 * requests wait, the next is shed at once. Both bounds keep the memory held for waiting requests
 * fixed.
 *
 * <p>Long-lived requests (server-sent event streams, WebSocket upgrades) are not admitted here:
 * their duration says nothing about the pipeline's load, and they have bounds of their own.
 */
final class Admission {
  private final Vertx vertx;
  private final Lanes lanes;
  private final long sweeper;

  /**
   * The admission of one gateway instance; the node's lanes are made by the first instance, with
   * its settings.
   */
  Admission(Vertx vertx, AdmissionConfig config, MeterRegistry registry) {
    this.vertx = vertx;
    this.lanes = Lanes.of(registry, config);
    // Each instance sweeps the node's queues: a waiting request is shed on time even while every
    // admitted request is stuck (a stalled database).
    this.sweeper =
        vertx.setPeriodic(Math.max(10, config.queueTimeoutMs() / 4), t -> lanes.shedExpired());
  }

  /** Stops this instance's sweeper. */
  void close() {
    vertx.cancelTimer(sweeper);
  }

  void handle(RoutingContext ctx) {
    if (longLived(ctx)) {
      ctx.next();
      return;
    }
    HttpMethod method = ctx.request().method();
    boolean write =
        !(HttpMethod.GET.equals(method)
            || HttpMethod.HEAD.equals(method)
            || HttpMethod.OPTIONS.equals(method));
    (write ? lanes.writes : lanes.reads).admit(ctx, Vertx.currentContext());
  }

  /** Event streams and WebSocket upgrades: they last as long as the client stays. */
  private static boolean longLived(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return ctx.request().path().endsWith("/_events")
        || (accept != null && accept.contains("text/event-stream"))
        || ctx.request().headers().contains(HttpHeaders.UPGRADE, "websocket", true);
  }

  private record Waiting(RoutingContext ctx, Context context, long since) {
    boolean gone() {
      return ctx.response().closed() || ctx.response().ended();
    }
  }

  /** The node's two lanes, made once per node (per meter registry). */
  private static final class Lanes {
    private static final Map<MeterRegistry, Lanes> BY_NODE = new WeakHashMap<>();
    final Lane reads;
    final Lane writes;

    private Lanes(MeterRegistry registry, AdmissionConfig config) {
      this.reads = new Lane("read", config.maxInFlight(), config, registry);
      this.writes = new Lane("write", config.maxWritesInFlight(), config, registry);
    }

    static Lanes of(MeterRegistry registry, AdmissionConfig config) {
      synchronized (BY_NODE) {
        return BY_NODE.computeIfAbsent(registry, r -> new Lanes(r, config));
      }
    }

    void shedExpired() {
      reads.shedExpired();
      writes.shedExpired();
    }
  }

  /**
   * One kind of request on the node: its limit, what it holds, what waits. Its state is guarded by
   * the lane itself (the node's event loops share it); requests are started and refused on their
   * own context.
   */
  private static final class Lane {
    private final String kind;
    private final AdmissionConfig config;
    private final int maxQueued;
    private final Limit limit;
    private final int floor;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final Counter queueFull;
    private final Counter queueTimeout;
    private int inFlight;

    Lane(String kind, int max, AdmissionConfig config, MeterRegistry registry) {
      this.kind = kind;
      this.config = config;
      this.maxQueued = config.maxQueued();
      this.floor = Math.min(config.minInFlight(), max);
      this.limit = newLimit(config, floor, max);
      this.queueFull = rejected(registry, kind, "queue-full");
      this.queueTimeout = rejected(registry, kind, "queue-timeout");
      gauge(
          registry,
          "troupe_inflight",
          "requests a service (one bulkhead of it) of this node is working on",
          lane -> lane.inFlight);
      gauge(
          registry,
          "troupe_inflight_limit",
          "requests a service (one bulkhead of it) of this node works on at most; more are shed",
          Lane::limit);
      gauge(
          registry,
          "troupe_gateway_queued",
          "API requests waiting at the gateway for a slot (LIFO, shed after the queue timeout)",
          lane -> lane.waiting.size());
    }

    private static Limit newLimit(AdmissionConfig config, int min, int max) {
      if (max <= min) {
        return FixedLimit.of(max);
      }
      return switch (config.algorithm()) {
        case FIXED -> FixedLimit.of(max);
        case VEGAS ->
            VegasLimit.newBuilder()
                .initialLimit(Math.max(min, Math.min(max, 4 * min)))
                .maxConcurrency(max)
                .build();
        case GRADIENT2 ->
            WindowedLimit.newBuilder()
                .build(
                    Gradient2Limit.newBuilder()
                        .initialLimit(Math.max(min, Math.min(max, 4 * min)))
                        .minLimit(min)
                        .maxConcurrency(max)
                        .rttTolerance(config.rttTolerance())
                        .build());
      };
    }

    /** The limit now, never below the configured minimum (Vegas has no floor of its own). */
    private int limit() {
      return Math.max(floor, limit.getLimit());
    }

    private void gauge(
        MeterRegistry registry, String name, String description, ToIntFunction<Lane> value) {
      Gauge.builder(
              name,
              this,
              lane -> {
                synchronized (lane) {
                  return value.applyAsInt(lane);
                }
              })
          .description(description)
          .tag("service", "gateway")
          .tag("bulkhead", kind)
          .register(registry);
    }

    private static Counter rejected(MeterRegistry registry, String kind, String reason) {
      return Counter.builder("troupe_rejected")
          .description(
              "requests refused at once because the service (one bulkhead of it) was at its in-flight limit")
          .tag("service", "gateway")
          .tag("reason", reason)
          .tag("bulkhead", kind)
          .register(registry);
    }

    void admit(RoutingContext ctx, Context context) {
      boolean started = false;
      boolean full;
      synchronized (this) {
        if (waiting.isEmpty() && inFlight < limit()) {
          inFlight++;
          started = true;
          full = false;
        } else if (waiting.size() < maxQueued) {
          waiting.push(new Waiting(ctx, context, System.nanoTime()));
          full = false;
        } else {
          full = true;
        }
      }
      if (!started && !full) {
        // A body arriving meanwhile stays in the connection for the body handler after us.
        ctx.request().pause();
      } else if (full) {
        queueFull.increment();
        refuse(ctx, "its " + kind + " queue is full");
      } else {
        run(ctx);
      }
    }

    /** Runs an admitted request (its slot taken) on the current context. */
    private void run(RoutingContext ctx) {
      long started = System.nanoTime();
      int holding;
      synchronized (this) {
        holding = inFlight;
      }
      ctx.addEndHandler(
          done -> {
            // A refusal for load from further down (503) took no time worth measuring; anything
            // else is the pipeline's latency at this concurrency.
            if (ctx.response().getStatusCode() != 503) {
              limit.onSample(started, System.nanoTime() - started, holding, false);
            }
            release();
          });
      ctx.next();
    }

    /** Gives a slot back and admits the newest waiting requests while there is room. */
    private void release() {
      synchronized (this) {
        inFlight--;
      }
      drain();
    }

    /** Admits the newest waiting requests while there is room, each on its own context. */
    private void drain() {
      List<Waiting> admitted = new ArrayList<>(1);
      synchronized (this) {
        while (!waiting.isEmpty() && inFlight < limit()) {
          admitted.add(waiting.pop());
          inFlight++;
        }
      }
      for (Waiting w : admitted) {
        w.context.runOnContext(
            v -> {
              if (w.gone()) {
                release();
              } else {
                // Resuming delivers the body only after this turn, once the next handler listens.
                w.ctx.request().resume();
                run(w.ctx);
              }
            });
      }
    }

    /** Sheds the requests that waited longer than the queue timeout (the oldest, at the bottom). */
    void shedExpired() {
      long deadline = System.nanoTime() - config.queueTimeoutMs() * 1_000_000L;
      List<Waiting> expired = new ArrayList<>();
      synchronized (this) {
        while (!waiting.isEmpty() && waiting.peekLast().since - deadline <= 0) {
          expired.add(waiting.pollLast());
        }
      }
      for (Waiting w : expired) {
        w.context.runOnContext(
            v -> {
              if (!w.gone()) {
                queueTimeout.increment();
                refuse(w.ctx, "the request waited " + config.queueTimeoutMs() + " ms for a slot");
              }
            });
      }
      // A limit raised since, or slots freed by requests that left while waiting: admit what fits.
      drain();
    }

    private void refuse(RoutingContext ctx, String why) {
      Problems.send(
          ctx,
          503,
          "the gateway is at its limit of "
              + limit()
              + " "
              + kind
              + " requests in flight and "
              + why
              + "; retry after the time in Retry-After");
    }
  }
}
