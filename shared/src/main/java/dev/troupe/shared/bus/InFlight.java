package dev.troupe.shared.bus;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on the work one service of a node holds at once, or on one kind of its work (a bulkhead):
 * past it, new work is refused at once with {@link ErrorCode#OVERLOADED} (the gateway answers 503
 * with Retry-After) instead of queueing without bound. Shared by every instance of the service on
 * the node, so the bound is per node whatever the instance count. A service with one bound for all
 * its work has the bulkhead {@value #ALL}.
 *
 * <p>Meters, each tagged {@code service} and {@code bulkhead}: {@code troupe_inflight} (work held
 * now), {@code troupe_inflight_limit} (the bound) and {@code troupe_rejected{reason="in-flight"}}
 * (work shed).
 */
public final class InFlight {
  /** The bulkhead of a service that bounds all its work with one limit. */
  public static final String ALL = "all";

  private static final Map<MeterRegistry, Map<String, InFlight>> BY_NODE = new WeakHashMap<>();

  private final String service;
  private final String bulkhead;
  private final int limit;
  private final AtomicInteger count = new AtomicInteger();
  private final Counter rejected;

  private InFlight(String service, String bulkhead, int limit, MeterRegistry registry) {
    this.service = service;
    this.bulkhead = bulkhead;
    this.limit = limit;
    Gauge.builder("troupe_inflight", count, AtomicInteger::get)
        .description("requests a service (one bulkhead of it) of this node is working on")
        .tag("service", service)
        .tag("bulkhead", bulkhead)
        .register(registry);
    Gauge.builder("troupe_inflight_limit", this, InFlight::limit)
        .description(
            "requests a service (one bulkhead of it) of this node works on at most; more are shed")
        .tag("service", service)
        .tag("bulkhead", bulkhead)
        .register(registry);
    this.rejected =
        Counter.builder("troupe_rejected")
            .description(
                "requests refused at once because the service (one bulkhead of it) was at its in-flight limit")
            .tag("service", service)
            .tag("reason", "in-flight")
            .tag("bulkhead", bulkhead)
            .register(registry);
  }

  /**
   * The node-wide bound of all the work of {@code service} on the node whose registry is {@code
   * registry}.
   */
  public static InFlight of(String service, int limit, MeterRegistry registry) {
    return of(service, ALL, limit, registry);
  }

  /**
   * The node-wide bound of one kind of work ({@code bulkhead}) of {@code service} on the node whose
   * registry is {@code registry}; the first caller's limit holds for the node.
   */
  public static InFlight of(String service, String bulkhead, int limit, MeterRegistry registry) {
    if (limit < 1) {
      throw new IllegalArgumentException(
          "the in-flight limit of " + service + " " + bulkhead + " must be >= 1");
    }
    synchronized (BY_NODE) {
      return BY_NODE
          .computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
          .computeIfAbsent(
              service + "/" + bulkhead, s -> new InFlight(service, bulkhead, limit, registry));
    }
  }

  /** Takes a slot; false (and counted as a rejection) when every slot is taken. */
  public boolean tryAcquire() {
    while (true) {
      int now = count.get();
      if (now >= limit) {
        rejected.increment();
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  public void release() {
    count.decrementAndGet();
  }

  /**
   * The refusal for work that found every slot taken: {@link ErrorCode#OVERLOADED}, safe to show a
   * client.
   */
  public TroupeException refusal() {
    return new TroupeException(
        ErrorCode.OVERLOADED,
        service
            + " is at its limit of "
            + limit
            + (ALL.equals(bulkhead) ? "" : " " + bulkhead)
            + " requests in flight; retry shortly");
  }

  public int limit() {
    return limit;
  }

  public int current() {
    return count.get();
  }

  public String service() {
    return service;
  }

  public String bulkhead() {
    return bulkhead;
  }
}
