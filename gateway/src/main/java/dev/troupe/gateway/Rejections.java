package dev.troupe.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Requests the edge turned away before the pipeline, counted per reason as {@code
 * troupe_gateway_rejected_requests_total{reason=...}}: {@code missing_credentials} and {@code
 * invalid_credentials} (401), {@code insufficient_scope} (403), {@code rate_limited} (429) and
 * {@code health_key} (401 on {@code /health/ready} or {@code /metrics}).
 */
final class Rejections {
  enum Reason {
    MISSING_CREDENTIALS,
    INVALID_CREDENTIALS,
    INSUFFICIENT_SCOPE,
    RATE_LIMITED,
    HEALTH_KEY;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

  Rejections(MeterRegistry registry) {
    for (Reason reason : Reason.values()) {
      // Registering again returns the meter another gateway instance of this node registered.
      counters.put(
          reason,
          Counter.builder("troupe_gateway_rejected_requests")
              .description("requests the gateway rejected before the pipeline, by reason")
              .tag("reason", reason.tag())
              .register(registry));
    }
  }

  void count(Reason reason) {
    counters.get(reason).increment();
  }
}
