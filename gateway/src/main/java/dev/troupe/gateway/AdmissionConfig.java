package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;
import java.util.Locale;

/**
 * The gateway's admission control ({@link Admission}), per node.
 *
 * @param algorithm {@code TROUPE_GATEWAY_LIMIT}: {@code vegas} (default; {@code adaptive} means the
 *     default) or {@code gradient2} let each lane's limit follow measured latency between the
 *     minimum and the maximum (Netflix concurrency-limits' algorithms); {@code fixed} holds it at
 *     the maximum
 * @param maxInFlight API reads (GET, HEAD, OPTIONS) in flight at most ({@code
 *     TROUPE_GATEWAY_MAX_IN_FLIGHT}, default 4096)
 * @param maxWritesInFlight API writes in flight at most ({@code
 *     TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT}, default 1024)
 * @param minInFlight the lowest an adaptive limit goes ({@code TROUPE_GATEWAY_MIN_IN_FLIGHT},
 *     default 32; a maximum below it is used as a fixed limit)
 * @param maxQueued requests waiting for a slot at most, per lane; the next is shed at once ({@code
 *     TROUPE_GATEWAY_QUEUE}, default 4096)
 * @param queueTimeoutMs a request waiting this long for a slot is shed ({@code
 *     TROUPE_GATEWAY_QUEUE_TIMEOUT_MS}, default 3000)
 * @param rttTolerance how much slower than the lowest latency seen admitted requests may get before
 *     the adaptive limit comes down ({@code TROUPE_GATEWAY_LIMIT_RTT_TOLERANCE}, default 2.0)
 */
record AdmissionConfig(
    Algorithm algorithm,
    int maxInFlight,
    int maxWritesInFlight,
    int minInFlight,
    int maxQueued,
    long queueTimeoutMs,
    double rttTolerance) {

  /** How a lane's limit is set. */
  enum Algorithm {
    VEGAS,
    GRADIENT2,
    FIXED
  }

  static AdmissionConfig from(Settings s) {
    String limit = s.string("TROUPE_GATEWAY_LIMIT", "adaptive").toLowerCase(Locale.ROOT);
    Algorithm algorithm =
        switch (limit) {
          case "adaptive", "vegas" -> Algorithm.VEGAS;
          case "gradient2" -> Algorithm.GRADIENT2;
          case "fixed" -> Algorithm.FIXED;
          default ->
              throw new IllegalArgumentException(
                  "TROUPE_GATEWAY_LIMIT must be adaptive, vegas, gradient2 or fixed, not " + limit);
        };
    return new AdmissionConfig(
        algorithm,
        s.integer("TROUPE_GATEWAY_MAX_IN_FLIGHT", 4096, 1, 1_000_000),
        s.integer("TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT", 1024, 1, 1_000_000),
        s.integer("TROUPE_GATEWAY_MIN_IN_FLIGHT", 32, 1, 1_000_000),
        s.integer("TROUPE_GATEWAY_QUEUE", 4096, 0, 1_000_000),
        s.longValue("TROUPE_GATEWAY_QUEUE_TIMEOUT_MS", 3000, 1, 60_000),
        s.decimal("TROUPE_GATEWAY_LIMIT_RTT_TOLERANCE", 2.0, 1.0, 100.0));
  }
}
