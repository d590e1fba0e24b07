package dev.troupe.shared.actor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The actor runtime's meters on one node, each tagged with the actor {@code type} (and, like every
 * Troupe meter, the {@code node}): {@code troupe_actor_live}, {@code troupe_actor_mailbox_depth}
 * (gauges), {@code troupe_actor_activations_total}, {@code
 * troupe_actor_passivations_total{reason}}, {@code troupe_actor_restarts_total}, {@code
 * troupe_actor_mailbox_rejected_total} (counters) and {@code troupe_actor_handler_seconds} (timer).
 * Children count apart from the top-level actors: {@code troupe_actor_children} (gauge: children of
 * the type live on this node) and {@code troupe_actor_child_crashes_total{directive}} (the crashes
 * of children of the type, by what their parent's strategy did); a child's restarts count in {@code
 * troupe_actor_restarts_total} as well. Used from the host's event loop only.
 */
final class ActorMetrics {
  static final String LIVE = "troupe_actor_live";
  static final String MAILBOX_DEPTH = "troupe_actor_mailbox_depth";
  static final String ACTIVATIONS = "troupe_actor_activations";
  static final String PASSIVATIONS = "troupe_actor_passivations";
  static final String RESTARTS = "troupe_actor_restarts";
  static final String REJECTED = "troupe_actor_mailbox_rejected";
  static final String HANDLER = "troupe_actor_handler_seconds";
  static final String CHILDREN = "troupe_actor_children";
  static final String CHILD_CRASHES = "troupe_actor_child_crashes";

  private final MeterRegistry registry;
  private final Map<String, PerType> types = new ConcurrentHashMap<>();

  ActorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  PerType of(String type) {
    return types.computeIfAbsent(type, PerType::new);
  }

  /** Meters of one actor type. */
  final class PerType {
    final AtomicInteger live = new AtomicInteger();
    final AtomicInteger queued = new AtomicInteger();
    final AtomicInteger children = new AtomicInteger();
    final Counter activations;
    final Counter restarts;
    final Counter rejected;
    final Timer handler;
    private final String type;
    private final Map<String, Counter> passivations = new ConcurrentHashMap<>();
    private final Map<Directive, Counter> crashes = new ConcurrentHashMap<>();

    private PerType(String type) {
      this.type = type;
      Gauge.builder(LIVE, live, AtomicInteger::get)
          .tag("type", type)
          .description("actors live on this node")
          .register(registry);
      Gauge.builder(MAILBOX_DEPTH, queued, AtomicInteger::get)
          .tag("type", type)
          .description("messages waiting in the mailboxes of this type's actors on this node")
          .register(registry);
      Gauge.builder(CHILDREN, children, AtomicInteger::get)
          .tag("type", type)
          .description("child actors of this type live on this node")
          .register(registry);
      activations =
          Counter.builder(ACTIVATIONS)
              .tag("type", type)
              .description("actors activated on this node")
              .register(registry);
      restarts =
          Counter.builder(RESTARTS)
              .tag("type", type)
              .description("actors restarted after a crash")
              .register(registry);
      rejected =
          Counter.builder(REJECTED)
              .tag("type", type)
              .description("messages refused because the mailbox was full")
              .register(registry);
      handler =
          Timer.builder(HANDLER)
              .tag("type", type)
              .description("time from a message's turn to its reply, state write included")
              .register(registry);
    }

    void passivated(String reason) {
      passivations
          .computeIfAbsent(
              reason,
              r ->
                  Counter.builder(PASSIVATIONS)
                      .tag("type", type)
                      .tag("reason", r)
                      .description("actors passivated on this node, by reason")
                      .register(registry))
          .increment();
    }

    void supervised(Directive directive) {
      crashes
          .computeIfAbsent(
              directive,
              d ->
                  Counter.builder(CHILD_CRASHES)
                      .tag("type", type)
                      .tag("directive", d.name().toLowerCase(java.util.Locale.ROOT))
                      .description("crashes of child actors, by their parent's directive")
                      .register(registry))
          .increment();
    }

    void handled(long startNanos) {
      handler.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }
}
