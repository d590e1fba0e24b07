package dev.troupe.shared.actor;

import dev.troupe.shared.supervision.RestartIntensity;
import java.util.Optional;

/**
 * Decides whether a crashed actor is restarted (its state reloaded from the store) or stopped. One
 * instance per activation, so it may count. This is the seam to the cluster's supervisors: a
 * supervision tree can provide its own policy (e.g. escalate) through {@link ActorHost}'s factory;
 * the default is {@link #intensity}, OTP's restart intensity ({@link RestartIntensity}).
 */
public interface RestartPolicy {

  /**
   * Called on each crash of the actor at {@code nowMs}; true restarts it, false stops it (the
   * messages waiting for it fail with UNAVAILABLE, and the next message activates it afresh).
   */
  boolean restart(ActorId id, Throwable cause, long nowMs);

  /** A fresh policy for each activation. */
  interface Factory {
    RestartPolicy create(ActorId id);
  }

  /**
   * At most {@code maxRestarts} restarts within any {@code periodMs}; one more crash within the
   * period stops the actor ({@code maxRestarts = 0}: every crash stops it). The rule is {@link
   * RestartIntensity}'s, the one supervisors apply; each activation counts on its own.
   */
  static Factory intensity(int maxRestarts, long periodMs) {
    RestartIntensity intensity = new RestartIntensity(maxRestarts, periodMs);
    return id ->
        new RestartPolicy() {
          private RestartIntensity.Restarts restarts = RestartIntensity.Restarts.NONE;

          @Override
          public boolean restart(ActorId actor, Throwable cause, long nowMs) {
            Optional<RestartIntensity.Restarts> next = intensity.add(restarts, nowMs);
            next.ifPresent(r -> restarts = r);
            return next.isPresent();
          }
        };
  }
}
