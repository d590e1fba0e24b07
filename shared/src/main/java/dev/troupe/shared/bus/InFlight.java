package dev.troupe.shared.bus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on the work one service of a node holds at once: past it, new work is refused at once
 * (the caller answers 503 with Retry-After) instead of queueing without bound. Shared by every
 * instance of the service on the node, so the bound is per node whatever the instance count.
 * The count is {@code troupe_inflight{service}}, refusals {@code troupe_rejected{service,reason}}.
 */
public final class InFlight {
  private static final Map<MeterRegistry, Map<String, InFlight>> BY_NODE = new WeakHashMap<>();

  private final String service;
  private final int limit;
  private final AtomicInteger count = new AtomicInteger();
  private final Counter rejected;

  private InFlight(String service, int limit, MeterRegistry registry) {
    this.service = service;
    this.limit = limit;
    Gauge.builder("troupe_inflight", count, AtomicInteger::get)
        .description("requests a service of this node is working on")
        .tag("service", service)
        .register(registry);
    this.rejected = Counter.builder("troupe_rejected")
        .description("requests refused at once because the service was at its in-flight limit")
        .tag("service", service)
        .tag("reason", "in-flight")
        .register(registry);
  }

  /** The node-wide bound of {@code service} on the node whose registry is {@code registry}. */
  public static InFlight of(String service, int limit, MeterRegistry registry) {
    if (limit < 1) {
      throw new IllegalArgumentException("the in-flight limit of " + service + " must be >= 1");
    }
    synchronized (BY_NODE) {
      return BY_NODE.computeIfAbsent(registry, r -> new ConcurrentHashMap<>())
          .computeIfAbsent(service, s -> new InFlight(s, limit, registry));
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

  public int limit() {
    return limit;
  }

  public int current() {
    return count.get();
  }

  public String service() {
    return service;
  }
}
