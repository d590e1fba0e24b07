package dev.troupe.shared.actor;

import dev.troupe.shared.config.Settings;

/**
 * Settings of the actor runtime of one node.
 *
 * @param idleMs an actor without messages this long is passivated ({@code TROUPE_ACTOR_IDLE_MS})
 * @param mailbox messages that may wait for one actor; more are refused ({@code
 *     TROUPE_ACTOR_MAILBOX})
 * @param maxRestarts crashes restarted within {@code restartPeriodMs} ({@code
 *     TROUPE_ACTOR_MAX_RESTARTS})
 * @param restartPeriodMs the restart intensity window ({@code TROUPE_ACTOR_RESTART_PERIOD_MS})
 * @param askTimeoutMs deadline of a message to an actor, re-routing included ({@code
 *     TROUPE_ACTOR_ASK_TIMEOUT_MS})
 * @param storeTimeoutMs deadline of each state read or write at db-service ({@code
 *     TROUPE_DB_TIMEOUT_MS})
 */
public record ActorConfig(
    long idleMs,
    int mailbox,
    int maxRestarts,
    long restartPeriodMs,
    long askTimeoutMs,
    long storeTimeoutMs) {

  public static ActorConfig from(Settings s) {
    return new ActorConfig(
        s.longValue("TROUPE_ACTOR_IDLE_MS", 60_000, 1, 86_400_000),
        s.integer("TROUPE_ACTOR_MAILBOX", 1_000, 1, 1_000_000),
        s.integer("TROUPE_ACTOR_MAX_RESTARTS", 3, 0, 1_000),
        s.longValue("TROUPE_ACTOR_RESTART_PERIOD_MS", 5_000, 1, 86_400_000),
        s.longValue("TROUPE_ACTOR_ASK_TIMEOUT_MS", 10_000, 1, 3_600_000),
        s.longValue("TROUPE_DB_TIMEOUT_MS", 8_000, 1, 3_600_000));
  }

  /** How often the host looks for idle actors and actors whose key moved away. */
  long sweepMs() {
    return Math.max(10, Math.min(1_000, idleMs / 4));
  }
}
