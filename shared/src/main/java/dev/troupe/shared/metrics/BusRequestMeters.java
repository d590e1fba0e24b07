package dev.troupe.shared.metrics;

import dev.troupe.shared.actor.ActorContract;
import dev.troupe.shared.contract.ChatContract;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The time of bus requests as the caller sees it, from sending to the reply or the failure (a
 * timeout after its deadline included), per address and action: {@code
 * troupe_bus_request_seconds{address, action}}, a histogram with the {@link LatencyHistograms}
 * buckets. Each attempt is one request ({@link dev.troupe.shared.bus.CallPolicy} retries are
 * measured each). {@link dev.troupe.shared.bus.Bus#request} records every request it sends.
 *
 * <p>One instance per Vert.x built with {@link MetricsSetup#factory}, registered when Vert.x is
 * created and dropped when it closes; {@link #of} answers one that records nothing for any other
 * Vert.x (tests that build a plain one).
 */
public final class BusRequestMeters {
  static final String NAME = "troupe_bus_request_seconds";

  /**
   * Addresses that end in a member id or user name, and the template the meters name instead (as
   * the AsyncAPI document's channels do), so the series stay bounded.
   */
  private static final Map<String, String> TEMPLATES =
      Map.of(
          ActorContract.ADDRESS_PREFIX,
          ActorContract.ADDRESS_PREFIX + "{member}",
          ChatContract.ADDRESS + ".user.",
          ChatContract.ADDRESS + ".user.{user}");

  private static final Map<Vertx, BusRequestMeters> BY_VERTX = new ConcurrentHashMap<>();
  private static final BusRequestMeters NONE = new BusRequestMeters(null);

  private final MeterRegistry registry;
  private final Map<String, Map<String, Timer>> timers = new ConcurrentHashMap<>();

  BusRequestMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The meters of {@code vertx}'s node; ones that record nothing when it has no Troupe metrics. */
  public static BusRequestMeters of(Vertx vertx) {
    return BY_VERTX.getOrDefault(vertx, NONE);
  }

  static void register(Vertx vertx, MeterRegistry registry) {
    BY_VERTX.put(vertx, new BusRequestMeters(registry));
  }

  static void unregister(Vertx vertx) {
    BY_VERTX.remove(vertx);
  }

  /** Whether these meters record (false: the Vert.x has no Troupe metrics, or was closed). */
  boolean records() {
    return registry != null;
  }

  /** A request of {@code action} to {@code address} that took {@code nanos} to be answered. */
  public void record(String address, String action, long nanos) {
    if (registry == null || address == null) {
      return;
    }
    timer(label(address), action == null ? "" : action).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** The timer of an address (as {@link #label} names it) and action. */
  private Timer timer(String address, String action) {
    Map<String, Timer> byAction = timers.get(address);
    if (byAction == null) {
      byAction = timers.computeIfAbsent(address, a -> new ConcurrentHashMap<>());
    }
    Timer timer = byAction.get(action);
    return timer != null
        ? timer
        : byAction.computeIfAbsent(
            action,
            a ->
                LatencyHistograms.buckets(
                        Timer.builder(NAME)
                            .description(
                                "time from sending a bus request to its reply or failure, per attempt")
                            .tag("address", address)
                            .tag("action", a))
                    .register(registry));
  }

  /** The address as a meter tag: the template of an address per member or user. */
  static String label(String address) {
    for (Map.Entry<String, String> template : TEMPLATES.entrySet()) {
      if (address.startsWith(template.getKey())) {
        return template.getValue();
      }
    }
    return address;
  }
}
