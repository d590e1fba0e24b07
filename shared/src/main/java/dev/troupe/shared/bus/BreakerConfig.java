package dev.troupe.shared.bus;

import dev.troupe.shared.config.Settings;

/**
 * The circuit breaker of a caller's calls to one downstream service ({@link CallPolicy}).
 *
 * @param failures faults (within the breaker's rolling window) after which the circuit opens
 *     ({@code TROUPE_BREAKER_FAILURES}, default 5); 0: no breaker
 * @param resetMs how long an open circuit refuses calls before it lets a trial call through ({@code
 *     TROUPE_BREAKER_RESET_MS}, default 5000)
 */
public record BreakerConfig(int failures, long resetMs) {
  public static BreakerConfig from(Settings s) {
    return new BreakerConfig(
        s.integer("TROUPE_BREAKER_FAILURES", 5, 1, 1_000_000),
        s.longValue("TROUPE_BREAKER_RESET_MS", 5_000, 1, 3_600_000));
  }

  /** No breaker: every call is attempted. */
  public static BreakerConfig off() {
    return new BreakerConfig(0, 1);
  }

  public boolean enabled() {
    return failures > 0;
  }

  /** The defaults. */
  public static BreakerConfig defaults() {
    return from(Settings.empty());
  }
}
