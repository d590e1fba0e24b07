package dev.troupe.shared.actor;

/**
 * Decides whether a crashed actor is restarted (its state reloaded from the store) or stopped. One
 * instance per activation, so it may count. This is the seam to the cluster's supervisors: a
 * supervision tree can provide its own policy (e.g. escalate) through {@link ActorHost}'s factory;
 * the default is {@link #intensity}, OTP's restart intensity.
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
   * period stops the actor ({@code maxRestarts = 0}: every crash stops it).
   */
  static Factory intensity(int maxRestarts, long periodMs) {
    if (maxRestarts < 0 || periodMs <= 0) {
      throw new IllegalArgumentException("maxRestarts must be >= 0 and periodMs > 0");
    }
    return id ->
        new RestartPolicy() {
          private final long[] recent = new long[maxRestarts];
          private int count;
          private int next;

          @Override
          public boolean restart(ActorId actor, Throwable cause, long nowMs) {
            // A ring of the last maxRestarts restart times: one more is allowed when the oldest of
            // them
            // is out of the period.
            if (maxRestarts == 0) {
              return false;
            }
            if (count == maxRestarts && nowMs - recent[next] < periodMs) {
              return false;
            }
            recent[next] = nowMs;
            next = (next + 1) % maxRestarts;
            count = Math.min(count + 1, maxRestarts);
            return true;
          }
        };
  }
}
