package dev.troupe.shared.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsNaming;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Vert.x's event-bus metrics with the meters of each address registered once. vertx-micrometer's
 * own implementation builds tags and looks its meters up in the registry on every message (and
 * registers the {@code pending} gauge again on every receive): a few percent of a cache hit's CPU,
 * which crosses the bus four times. Same meter names, descriptions and tags as vertx-micrometer
 * with the labels {@link MetricsSetup} enables ({@link Label#EB_ADDRESS}, {@link Label#EB_FAILURE};
 * no {@link Label#EB_SIDE}, so local and remote traffic share meters), so {@code /metrics} reads
 * the same. Internal addresses ({@code __vertx.*}, replies) are not measured, as there.
 */
final class EventBusMeters implements EventBusMetrics<EventBusMeters.AddressMeters> {
  private static final String INTERNAL = "__vertx.";
  private static final String ADDRESS = Label.EB_ADDRESS.toString();
  private static final String FAILURE = Label.EB_FAILURE.toString();

  private final MeterRegistry registry;
  private final MetricsNaming names = MetricsNaming.v4Names().withBaseName("vertx.eventbus.");
  private final Map<String, AddressMeters> byAddress = new ConcurrentHashMap<>();

  EventBusMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The meters of one address. Each is registered when vertx-micrometer would first register it (a
   * handler's meters with the handler, the others on first use), so {@code /metrics} shows the same
   * series; after that, using a meter is a field read.
   */
  final class AddressMeters {
    final LongAdder handlers = new LongAdder();
    final LongAdder pending = new LongAdder();
    private final Tags tags;
    private final Lazy<Object> handlerMeters;
    private final Lazy<Object> pendingGauge;
    final Lazy<Counter> processed;
    final Lazy<Counter> discarded;
    final Lazy<Counter> published;
    final Lazy<Counter> sent;
    final Lazy<Counter> received;
    final Lazy<Counter> delivered;
    final Lazy<DistributionSummary> bytesWritten;
    final Lazy<DistributionSummary> bytesRead;
    private final Map<ReplyFailure, Counter> replyFailures = new EnumMap<>(ReplyFailure.class);

    AddressMeters(String address) {
      tags = Tags.of(ADDRESS, address);
      pendingGauge =
          new Lazy<>(
              () ->
                  Gauge.builder(names.getEbPending(), pending, LongAdder::doubleValue)
                      .description("Number of messages not processed yet")
                      .tags(tags)
                      .register(registry));
      processed = new Lazy<>(() -> counter(names.getEbProcessed(), "Number of processed messages"));
      discarded = new Lazy<>(() -> counter(names.getEbDiscarded(), "Number of discarded messages"));
      handlerMeters =
          new Lazy<>(
              () -> {
                Gauge.builder(names.getEbHandlers(), handlers, LongAdder::doubleValue)
                    .description("Number of event bus handlers in use")
                    .tags(tags)
                    .register(registry);
                pendingGauge.get();
                processed.get();
                return discarded.get();
              });
      published =
          new Lazy<>(
              () ->
                  counter(
                      names.getEbPublished(),
                      "Number of messages published (publish / subscribe)"));
      sent =
          new Lazy<>(() -> counter(names.getEbSent(), "Number of messages sent (point-to-point)"));
      received = new Lazy<>(() -> counter(names.getEbReceived(), "Number of messages received"));
      delivered =
          new Lazy<>(
              () -> counter(names.getEbDelivered(), "Number of messages delivered to handlers"));
      bytesWritten =
          new Lazy<>(
              () ->
                  DistributionSummary.builder(names.getEbBytesWritten())
                      .description(
                          "Number of bytes sent while sending messages to event bus cluster peers")
                      .tags(tags)
                      .register(registry));
      bytesRead =
          new Lazy<>(
              () ->
                  DistributionSummary.builder(names.getEbBytesRead())
                      .description(
                          "Number of bytes received while reading messages from event bus cluster peers")
                      .tags(tags)
                      .register(registry));
    }

    private Counter counter(String name, String description) {
      return Counter.builder(name).description(description).tags(tags).register(registry);
    }

    Counter replyFailure(ReplyFailure failure) {
      synchronized (replyFailures) {
        return replyFailures.computeIfAbsent(
            failure,
            f ->
                Counter.builder(names.getEbReplyFailures())
                    .description("Number of message reply failures")
                    .tags(tags.and(FAILURE, f.name()))
                    .register(registry));
      }
    }
  }

  /** A meter registered on first use; then a volatile read. */
  static final class Lazy<T> {
    private final Supplier<T> register;
    private volatile T meter;

    Lazy(Supplier<T> register) {
      this.register = register;
    }

    T get() {
      T m = meter;
      if (m == null) {
        synchronized (this) {
          m = meter;
          if (m == null) {
            meter = m = register.get();
          }
        }
      }
      return m;
    }
  }

  /** The address's meters, or null for an internal address. */
  private AddressMeters meters(String address) {
    if (address.startsWith(INTERNAL)) {
      return null;
    }
    AddressMeters meters = byAddress.get(address);
    return meters != null ? meters : byAddress.computeIfAbsent(address, AddressMeters::new);
  }

  @Override
  public AddressMeters handlerRegistered(String address) {
    AddressMeters meters = meters(address);
    if (meters != null) {
      meters.handlerMeters.get();
      meters.handlers.increment();
    }
    return meters;
  }

  @Override
  public void handlerUnregistered(AddressMeters meters) {
    if (meters != null) {
      meters.handlers.decrement();
    }
  }

  @Override
  public void messageDelivered(AddressMeters meters, boolean local) {
    if (meters != null) {
      meters.pending.decrement();
      meters.processed.get().increment();
    }
  }

  @Override
  public void discardMessage(AddressMeters meters, boolean local, Message<?> msg) {
    if (meters != null) {
      meters.pending.decrement();
      meters.discarded.get().increment();
    }
  }

  @Override
  public void messageSent(String address, boolean publish, boolean local, boolean remote) {
    AddressMeters meters = meters(address);
    if (meters != null) {
      (publish ? meters.published : meters.sent).get().increment();
    }
  }

  @Override
  public void messageReceived(String address, boolean publish, boolean local, int handlers) {
    AddressMeters meters = meters(address);
    if (meters != null) {
      meters.received.get().increment();
      if (handlers > 0) {
        meters.pendingGauge.get();
        meters.pending.add(handlers);
        meters.delivered.get().increment();
      }
    }
  }

  @Override
  public void messageWritten(String address, int numberOfBytes) {
    AddressMeters meters = meters(address);
    if (meters != null) {
      meters.bytesWritten.get().record(numberOfBytes);
    }
  }

  @Override
  public void messageRead(String address, int numberOfBytes) {
    AddressMeters meters = meters(address);
    if (meters != null) {
      meters.bytesRead.get().record(numberOfBytes);
    }
  }

  @Override
  public void replyFailure(String address, ReplyFailure failure) {
    AddressMeters meters = meters(address);
    if (meters != null) {
      meters.replyFailure(failure).increment();
    }
  }
}
