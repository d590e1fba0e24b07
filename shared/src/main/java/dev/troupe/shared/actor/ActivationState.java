package dev.troupe.shared.actor;

/**
 * Where an {@link Activation} is in its life. The transitions ({@link #canMoveTo}):
 *
 * <pre>
 * CLAIMING --claimed--> LOADING --loaded--> READY <--> HANDLING
 * CLAIMING, LOADING, HANDLING --stop asked--> STOPPING
 * CLAIMING (claim failed or refused), READY, STOPPING --> STOPPED
 * </pre>
 *
 * At most one operation (the claim, the load, or one message) is in flight at a time; a stop asked
 * while one is moves the activation to STOPPING, and the completion of that operation stops it.
 */
enum ActivationState {
  /** Claiming the actor's activation record; messages wait. */
  CLAIMING,
  /** Holds the record; reading the actor's state; messages wait. */
  LOADING,
  /** Serving: no message in hand. */
  READY,
  /** A message is in hand (its reply, state write and any restart included). */
  HANDLING,
  /** To stop as soon as the operation in flight completes; takes no more messages. */
  STOPPING,
  /** Out of service: its waiting messages were answered and its record released or being so. */
  STOPPED;

  boolean canMoveTo(ActivationState next) {
    return switch (this) {
      case CLAIMING -> next == LOADING || next == STOPPING || next == STOPPED;
      case LOADING -> next == READY || next == STOPPING;
      case READY -> next == HANDLING || next == STOPPED;
      case HANDLING -> next == READY || next == STOPPING;
      case STOPPING -> next == STOPPED;
      case STOPPED -> false;
    };
  }

  /** True from the moment the activation takes no more messages. */
  boolean stopping() {
    return this == STOPPING || this == STOPPED;
  }
}
