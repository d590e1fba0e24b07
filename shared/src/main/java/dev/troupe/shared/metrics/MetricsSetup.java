package dev.troupe.shared.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Micrometer for one node: a Prometheus registry tagged with the node's name, fed by Vert.x's own
 * metrics (HTTP server and client, event bus, pools) and by Troupe's services.
 */
public final class MetricsSetup {
  private MetricsSetup() {}

  /**
   * The node's registry: every meter tagged with the node's name, HTTP server requests timed in a
   * histogram with the {@link LatencyHistograms} buckets.
   */
  public static PrometheusMeterRegistry registry(String nodeName) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", nodeName);
    registry.config().meterFilter(LatencyHistograms.filter());
    return registry;
  }

  /**
   * The metrics factory of a node: vertx-micrometer, with the event bus measured by {@link
   * EventBusMeters} (same meters, registered once per address).
   */
  public static VertxMetricsFactory factory(MeterRegistry registry) {
    return new TroupeMetricsFactory(registry);
  }

  public static MicrometerMetricsOptions options(String nodeName) {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setDisabledMetricsCategories(Set.of(MetricsDomain.EVENT_BUS.toCategory()))
        .setJvmMetricsEnabled(true)
        .setRegistryName("troupe-" + nodeName)
        .setLabels(
            EnumSet.of(
                Label.HTTP_METHOD,
                Label.HTTP_CODE,
                Label.HTTP_ROUTE,
                Label.EB_ADDRESS,
                Label.EB_FAILURE,
                Label.POOL_TYPE,
                Label.POOL_NAME));
  }
}
