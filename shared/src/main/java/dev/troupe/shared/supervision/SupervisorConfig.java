package dev.troupe.shared.supervision;

import dev.troupe.shared.bus.Backoff;
import dev.troupe.shared.config.Settings;

/**
 * A supervisor's restart intensity: at most {@code maxRestarts} restarts within {@code periodMs};
 * one more and the supervisor gives up and escalates. Between restarts it waits an exponential,
 * jittered backoff that grows with the restarts in the current period.
 *
 * @param maxRestarts restarts tolerated within the period ({@code TROUPE_SUPERVISOR_MAX_RESTARTS},
 *     default 5; 0: never restart)
 * @param periodMs the sliding window of the intensity ({@code TROUPE_SUPERVISOR_PERIOD_MS}, default
 *     60000)
 * @param backoff wait before a restart: {@code TROUPE_SUPERVISOR_BACKOFF_MS} (default 200) doubling
 *     per restart in the period up to {@code TROUPE_SUPERVISOR_MAX_BACKOFF_MS} (default 10000),
 *     jittered
 * @param watchMs how often the supervisor checks that its children are still deployed, which is how
 *     it notices a child that undeployed itself ({@code TROUPE_SUPERVISOR_WATCH_MS}, default 500)
 */
public record SupervisorConfig(int maxRestarts, long periodMs, Backoff backoff, long watchMs) {
  public static SupervisorConfig from(Settings s) {
    long base = s.longValue("TROUPE_SUPERVISOR_BACKOFF_MS", 200, 1, 600_000);
    return new SupervisorConfig(
        s.integer("TROUPE_SUPERVISOR_MAX_RESTARTS", 5, 0, 10_000),
        s.longValue("TROUPE_SUPERVISOR_PERIOD_MS", 60_000, 1, 86_400_000),
        new Backoff(
            base,
            s.longValue(
                "TROUPE_SUPERVISOR_MAX_BACKOFF_MS", Math.max(10_000, base), base, 3_600_000)),
        s.longValue("TROUPE_SUPERVISOR_WATCH_MS", 500, 10, 600_000));
  }

  /** The rule {@code maxRestarts} and {@code periodMs} make. */
  public RestartIntensity intensity() {
    return new RestartIntensity(maxRestarts, periodMs);
  }
}
