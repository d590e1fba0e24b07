package dev.troupe.shared.bus;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt {@code n} (from 1) waits a random time between half and
 * all of {@code base × 2^(n-1)}, capped at {@code max}. The random half keeps many callers that
 * failed together (a restarted database, a node that left) from retrying in lockstep; the fixed
 * half keeps each wait close to the schedule, so the delay still grows with every attempt.
 *
 * @param baseMs the wait before the first retry, before jitter (at least 1)
 * @param maxMs the longest wait, before jitter (at least {@code baseMs})
 */
public record Backoff(long baseMs, long maxMs) {
  public Backoff {
    if (baseMs < 1 || maxMs < baseMs) {
      throw new IllegalArgumentException(
          "backoff needs 1 <= base <= max, got base " + baseMs + ", max " + maxMs);
    }
  }

  /** The wait before attempt {@code attempt} (1 = the first retry), jittered. */
  public long delayMs(int attempt) {
    long ceiling = ceilingMs(attempt);
    long half = ceiling / 2;
    return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
  }

  /** The un-jittered wait before attempt {@code attempt}: the most {@link #delayMs} returns. */
  public long ceilingMs(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 62));
    long ceiling = baseMs;
    for (int i = 0; i < doublings && ceiling < maxMs; i++) {
      ceiling *= 2;
    }
    return Math.min(ceiling, maxMs);
  }
}
