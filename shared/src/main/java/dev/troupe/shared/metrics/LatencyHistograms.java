package dev.troupe.shared.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * The buckets of Troupe's latency histograms, so Prometheus can compute percentiles across nodes
 * ({@code histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))}): HTTP requests at the edge
 * ({@code vertx_http_server_response_time_seconds}), bus requests per address and action ({@code
 * troupe_bus_request_seconds}, {@link BusRequestMeters}) and pipeline stages ({@code
 * troupe_stage_seconds}, {@link Stages}).
 *
 * <p>The same fixed bounds for all, from 1 ms (a cache hit) to 10 s (past every default deadline:
 * the gateway answers 504 after {@code TROUPE_GATEWAY_TIMEOUT_MS}), so the series per timer stay
 * {@value #BUCKET_SERIES} (the bounds, {@code +Inf}, {@code _count} and {@code _sum}) whatever the
 * traffic, unlike Micrometer's percentile histogram (about 70 buckets per timer).
 */
public final class LatencyHistograms {
  /** The upper bounds of the buckets, in ascending order. */
  static final Duration[] BOUNDS = {
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  /** Series one timer with these buckets exposes per set of tags. */
  static final int BUCKET_SERIES = 13 + 3;

  /** vertx-micrometer's timer of HTTP server requests (Prometheus: {@code _seconds}). */
  static final String HTTP_SERVER_RESPONSE_TIME = "vertx.http.server.response.time";

  /** Meters registered by vertx-micrometer that get these buckets through {@link #filter()}. */
  private static final Set<String> VERTX_TIMERS = Set.of(HTTP_SERVER_RESPONSE_TIME);

  private LatencyHistograms() {}

  /** {@code timer} with the latency buckets. */
  public static Timer.Builder buckets(Timer.Builder timer) {
    return timer.serviceLevelObjectives(BOUNDS);
  }

  /**
   * Gives vertx-micrometer's HTTP server timer the latency buckets: it registers the timer itself,
   * so only a registry filter reaches it.
   */
  static MeterFilter filter() {
    double[] nanos = Arrays.stream(BOUNDS).mapToDouble(Duration::toNanos).toArray();
    return new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(
          Meter.Id id, DistributionStatisticConfig config) {
        if (id.getType() != Meter.Type.TIMER || !VERTX_TIMERS.contains(id.getName())) {
          return config;
        }
        return DistributionStatisticConfig.builder()
            .serviceLevelObjectives(nanos)
            .build()
            .merge(config);
      }
    };
  }
}
