package dev.troupe.shared.actor;

import dev.troupe.shared.supervision.RestartIntensity;
import java.util.Objects;

/**
 * How a parent treats a crash of one kind of child ({@link ActorType#supervisorStrategy}): a {@link
 * Directive}, and for {@link Directive#RESTART} the restart intensity (OTP's, {@link
 * RestartIntensity}: the one rule supervisors and actors share) and an exponential backoff. A crash
 * is a throw or a failure other than a {@link dev.troupe.shared.contract.TroupeException}; a
 * refusal involves no strategy.
 *
 * @param directive what happens to the crashed child
 * @param intensity for RESTART: restarts tolerated within a period, counted per child; null takes
 *     the host's ({@code TROUPE_ACTOR_MAX_RESTARTS} within {@code TROUPE_ACTOR_RESTART_PERIOD_MS})
 * @param minBackoffMs for RESTART: the wait after the first restart within the period before the
 *     child takes its next message (0: none); it doubles with each further restart within it
 * @param maxBackoffMs the longest wait
 */
public record SupervisorStrategy(
    Directive directive, RestartIntensity intensity, long minBackoffMs, long maxBackoffMs) {

  public SupervisorStrategy {
    Objects.requireNonNull(directive);
    if (minBackoffMs < 0 || maxBackoffMs < minBackoffMs) {
      throw new IllegalArgumentException(
          "need 0 <= minBackoffMs <= maxBackoffMs, got " + minBackoffMs + " and " + maxBackoffMs);
    }
    if (directive != Directive.RESTART && (intensity != null || maxBackoffMs > 0)) {
      throw new IllegalArgumentException("only RESTART has an intensity and a backoff");
    }
  }

  /** Restart with the host's restart intensity, at once. The default for every kind of child. */
  public static SupervisorStrategy restart() {
    return new SupervisorStrategy(Directive.RESTART, null, 0, 0);
  }

  /** Restart at most {@code maxRestarts} times within any {@code periodMs}; past it, stop. */
  public static SupervisorStrategy restart(int maxRestarts, long periodMs) {
    return new SupervisorStrategy(
        Directive.RESTART, new RestartIntensity(maxRestarts, periodMs), 0, 0);
  }

  public static SupervisorStrategy resume() {
    return new SupervisorStrategy(Directive.RESUME, null, 0, 0);
  }

  public static SupervisorStrategy stop() {
    return new SupervisorStrategy(Directive.STOP, null, 0, 0);
  }

  public static SupervisorStrategy escalate() {
    return new SupervisorStrategy(Directive.ESCALATE, null, 0, 0);
  }

  /**
   * This restart strategy, waiting {@code minMs} after a restart before the child takes its next
   * message, doubled for each further restart within the intensity's period, at most {@code maxMs}.
   */
  public SupervisorStrategy withBackoff(long minMs, long maxMs) {
    if (directive != Directive.RESTART) {
      throw new IllegalArgumentException("only RESTART has a backoff");
    }
    return new SupervisorStrategy(directive, intensity, minMs, maxMs);
  }

  /** This strategy with the host's intensity {@code fallback} when it names none. */
  SupervisorStrategy resolved(RestartIntensity fallback) {
    return directive == Directive.RESTART && intensity == null
        ? new SupervisorStrategy(directive, fallback, minBackoffMs, maxBackoffMs)
        : this;
  }

  /** The wait before the next message after the {@code restarts}-th restart within the period. */
  long backoffMs(int restarts) {
    if (minBackoffMs == 0 || restarts <= 0) {
      return 0;
    }
    int doublings = Math.min(restarts - 1, 62);
    return minBackoffMs > maxBackoffMs >> doublings ? maxBackoffMs : minBackoffMs << doublings;
  }
}
