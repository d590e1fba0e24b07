package dev.troupe.shared.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;

/**
 * vertx-micrometer's metrics for everything but the event bus, which {@link EventBusMeters}
 * measures with meters registered once per address. {@link MetricsSetup#options} turns
 * vertx-micrometer's own event-bus metrics off so the two never register the same meters.
 */
final class TroupeMetricsFactory implements VertxMetricsFactory {
  private final MicrometerMetricsFactory micrometer;
  private final MeterRegistry registry;

  TroupeMetricsFactory(MeterRegistry registry) {
    this.micrometer = new MicrometerMetricsFactory(registry);
    this.registry = registry;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Metrics(micrometer.metrics(options), new EventBusMeters(registry), registry);
  }

  @Override
  public MetricsOptions newOptions() {
    return micrometer.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return micrometer.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return micrometer.newOptions(json);
  }

  /**
   * vertx-micrometer's metrics with the event bus swapped; every other call goes through. The
   * Vert.x also gets its {@link BusRequestMeters} for as long as it runs.
   */
  private static final class Metrics implements VertxMetrics {
    private final VertxMetrics delegate;
    private final EventBusMeters eventBus;
    private final MeterRegistry registry;

    /** The Vert.x measured, once created. */
    private volatile Vertx vertx;

    Metrics(VertxMetrics delegate, EventBusMeters eventBus, MeterRegistry registry) {
      this.delegate = delegate;
      this.eventBus = eventBus;
      this.registry = registry;
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return eventBus;
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(
        HttpServerOptions options, SocketAddress localAddress) {
      return delegate.createHttpServerMetrics(options, localAddress);
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(
        SocketAddress remoteAddress, String type, String namespace) {
      return delegate.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return delegate.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(
        NetServerOptions options, SocketAddress localAddress) {
      return delegate.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return delegate.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return delegate.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
      return delegate.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void vertxCreated(Vertx vertx) {
      delegate.vertxCreated(vertx);
      BusRequestMeters.register(vertx, registry);
      this.vertx = vertx;
    }

    @Override
    public boolean isMetricsEnabled() {
      return delegate.isMetricsEnabled();
    }

    @Override
    public void close() {
      Vertx measured = vertx;
      if (measured != null) {
        BusRequestMeters.unregister(measured);
      }
      delegate.close();
    }
  }
}
