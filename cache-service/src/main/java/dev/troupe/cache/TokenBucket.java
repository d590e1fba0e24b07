package dev.troupe.cache;

import java.io.Serializable;

/**
 * One client's cluster-wide token bucket: {@code tokens} at {@code updatedMs} (the clock of the
 * cache-service node that last changed it). An absent bucket is a full one, so a bucket is stored
 * only while it is below its burst and expires when it would have refilled.
 *
 * <p>Pure arithmetic, no clock of its own: the time is an argument, so the outcome of a take is the
 * same wherever it is computed (the partition owner and its backups), and tests choose the time.
 */
record TokenBucket(double tokens, long updatedMs) implements Serializable {

  /**
   * What one take did: the tokens granted and the bucket after it ({@code null}: full, drop it).
   */
  record Take(int granted, double tokensAfter, TokenBucket next) implements Serializable {}

  /** The level at {@code nowMs}, refilled at {@code ratePerSec} up to {@code burst}. */
  static double level(TokenBucket bucket, long nowMs, double ratePerSec, int burst) {
    if (bucket == null) {
      return burst;
    }
    // Another node's clock may be behind: time never runs backwards for a bucket.
    long elapsedMs = Math.max(0, nowMs - bucket.updatedMs);
    return Math.min(burst, bucket.tokens + elapsedMs * ratePerSec / 1000.0);
  }

  /**
   * Refills, takes back {@code giveBack}, grants {@code need} as far as whole tokens allow, then
   * {@code extra} only from the upper half of what is left: a gateway stocking up ahead can never
   * take the last tokens another gateway needs for a waiting request.
   */
  static Take take(
      TokenBucket bucket,
      long nowMs,
      double ratePerSec,
      int burst,
      int need,
      int extra,
      int giveBack) {
    double level = Math.min(burst, level(bucket, nowMs, ratePerSec, burst) + giveBack);
    int granted = (int) Math.min(need, Math.floor(level));
    level -= granted;
    int ahead = (int) Math.min(extra, Math.floor(level / 2));
    granted += ahead;
    level -= ahead;
    long updated = bucket == null ? nowMs : Math.max(bucket.updatedMs, nowMs);
    return new Take(granted, level, level >= burst ? null : new TokenBucket(level, updated));
  }

  /**
   * Seconds until a bucket at {@code level} is full again: after that an absent entry means the
   * same.
   */
  static long secondsUntilFull(double level, double ratePerSec, int burst) {
    return (long) Math.ceil(Math.max(0, burst - level) / ratePerSec);
  }
}
