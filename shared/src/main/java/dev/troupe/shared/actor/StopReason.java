package dev.troupe.shared.actor;

import java.util.Locale;

/**
 * Why an activation stops; the {@code reason} tag of {@code troupe_actor_passivations_total}. Only
 * {@link #FAILED} fails the messages waiting for it (UNAVAILABLE); after the others they are
 * answered MOVED, to be sent again to wherever the actor is activated next.
 */
enum StopReason {
  /** No message for {@code TROUPE_ACTOR_IDLE_MS}. */
  IDLE,
  /** This member no longer owns the actor's partition. */
  MOVED,
  /** The host is being undeployed. */
  SHUTDOWN,
  /** Crashed past its restart policy, or its state could not be read. */
  FAILED;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
