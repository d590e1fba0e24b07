package dev.troupe.shared.bus;

import dev.troupe.shared.config.Settings;

/**
 * Retries of calls between services.
 *
 * @param maxRetries retries after the first attempt ({@code TROUPE_RETRY_MAX}, default 2; 0: none)
 * @param backoff wait before retry n: {@code TROUPE_RETRY_BACKOFF_MS} (default 50) doubling per
 *     retry, at most {@code TROUPE_RETRY_MAX_BACKOFF_MS} (default 1000), jittered ({@link Backoff})
 */
public record RetryConfig(int maxRetries, Backoff backoff) {
  public static RetryConfig from(Settings s) {
    long base = s.longValue("TROUPE_RETRY_BACKOFF_MS", 50, 1, 60_000);
    return new RetryConfig(
        s.integer("TROUPE_RETRY_MAX", 2, 0, 100),
        new Backoff(
            base,
            s.longValue("TROUPE_RETRY_MAX_BACKOFF_MS", Math.max(1_000, base), base, 600_000)));
  }

  /** No retries at all. */
  public static RetryConfig none() {
    return new RetryConfig(0, new Backoff(1, 1));
  }
}
