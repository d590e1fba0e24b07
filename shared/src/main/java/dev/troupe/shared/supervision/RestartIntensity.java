package dev.troupe.shared.supervision;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restart intensity as in Erlang/OTP: at most {@code maxRestarts} restarts within any {@code
 * periodMs}; one more within the period is refused ({@code maxRestarts = 0}: every one is). The one
 * implementation of the rule, used by {@link Supervisor} for its children and by actors through
 * {@code RestartPolicy.intensity}.
 *
 * <p>{@link #add} is a pure function over an immutable {@link Restarts} history (OTP's {@code
 * supervisor.erl add_restart}): each owner keeps its own history and replaces it with the result.
 * Times are milliseconds of whatever clock the owner uses, never decreasing.
 *
 * @param maxRestarts restarts tolerated within the period (at least 0)
 * @param periodMs the sliding window (at least 1)
 */
public record RestartIntensity(int maxRestarts, long periodMs) {
  public RestartIntensity {
    if (maxRestarts < 0 || periodMs <= 0) {
      throw new IllegalArgumentException(
          "maxRestarts must be >= 0 and periodMs > 0, got " + maxRestarts + " and " + periodMs);
    }
  }

  /**
   * The times of the restarts that still count, oldest first.
   *
   * @param times restart times in milliseconds, never decreasing
   */
  public record Restarts(List<Long> times) {
    /** No restart yet. */
    public static final Restarts NONE = new Restarts(List.of());

    public Restarts {
      times = List.copyOf(times);
    }

    /**
     * How many restarts the history holds: the restarts within the period, when from {@link #add}.
     */
    public int count() {
      return times.size();
    }
  }

  /**
   * Adds a restart at {@code nowMs} to {@code history}: the new history (restarts a period old or
   * more dropped, this one added) when the intensity allows it, or empty when {@code maxRestarts}
   * restarts happened within the period before {@code nowMs} already.
   */
  public Optional<Restarts> add(Restarts history, long nowMs) {
    List<Long> recent = new ArrayList<>(history.count() + 1);
    for (long t : history.times()) {
      if (nowMs - t < periodMs) {
        recent.add(t);
      }
    }
    if (recent.size() >= maxRestarts) {
      return Optional.empty();
    }
    recent.add(nowMs);
    return Optional.of(new Restarts(recent));
  }
}
