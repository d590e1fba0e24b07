package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;

/**
 * Rate-limit settings: one token bucket per client for the whole cluster (see {@link RateLimiter}).
 *
 * @param ratePerSec tokens added per second, a decimal ({@code 0.5} is one request per two seconds)
 *     ({@code TROUPE_RATE_LIMIT_PER_SEC}, default 0: no limit)
 * @param burst the bucket's size: requests a client may send at once after a pause ({@code
 *     TROUPE_RATE_LIMIT_BURST}, default (or 0): one second's worth, at least 1)
 * @param timeoutMs deadline of a call to the rate-limit service; past it, or on any fault of it,
 *     requests are let through (fail open) ({@code TROUPE_RATE_LIMIT_TIMEOUT_MS}, default 250)
 */
record RateLimitConfig(double ratePerSec, int burst, long timeoutMs) {
  static final double MAX_RATE = 1_000_000;
  static final int MAX_BURST = 100_000_000;

  static RateLimitConfig from(Settings s) {
    double rate = rate(s.optional("TROUPE_RATE_LIMIT_PER_SEC"));
    int burst = s.integer("TROUPE_RATE_LIMIT_BURST", 0, 0, MAX_BURST);
    return new RateLimitConfig(
        rate,
        burst == 0 ? (int) Math.max(1, Math.ceil(rate)) : burst,
        s.longValue("TROUPE_RATE_LIMIT_TIMEOUT_MS", 250, 1, 60_000));
  }

  boolean enabled() {
    return ratePerSec > 0;
  }

  private static double rate(String value) {
    if (value == null) {
      return 0;
    }
    if (value.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
      double rate = Double.parseDouble(value);
      if (rate <= MAX_RATE) {
        return rate;
      }
    }
    throw new IllegalArgumentException(
        "TROUPE_RATE_LIMIT_PER_SEC must be a number from 0 to "
            + (long) MAX_RATE
            + " (0: no limit), got '"
            + value
            + "'");
  }
}
