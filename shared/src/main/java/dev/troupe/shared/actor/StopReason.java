package dev.troupe.shared.actor;

import java.util.Locale;

/**
 * Why an activation stopped: the reason a {@link Terminated} carries, and the {@code reason} tag of
 * {@code troupe_actor_passivations_total}. Only {@link #FAILED} fails the messages waiting for a
 * top-level actor (UNAVAILABLE); after the others they are answered MOVED, to be sent again to
 * wherever the actor is activated next. A child's waiting messages fail with UNAVAILABLE.
 */
public enum StopReason {
  /** No message for {@code TROUPE_ACTOR_IDLE_MS}. */
  IDLE,
  /** This member no longer owns the actor's partition. */
  MOVED,
  /** The host is being undeployed. */
  SHUTDOWN,
  /**
   * Crashed past its restart policy or its supervisor's strategy, or its state could not be read.
   */
  FAILED,
  /** Stopped on request: by its parent ({@link ActorContext#stop}) or by itself. */
  STOPPED,
  /** Its parent stopped or restarted, which stops every child. */
  PARENT,
  /** Was not live on this host when a watch was asked ({@link ActorContext#watch}). */
  NOT_LIVE;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
