package dev.troupe.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out the ids {@code prefix + i} for i from {@code start}, each exactly once across every
 * event loop of the generator, until {@code count} of them are gone (unbounded when count is {@link
 * Long#MAX_VALUE}).
 */
final class UniqueIds {
  private final String prefix;
  private final long start;
  private final long count;
  private final AtomicLong taken = new AtomicLong();

  UniqueIds(String prefix, long start, long count) {
    this.prefix = prefix;
    this.start = start;
    this.count = count;
  }

  static UniqueIds unbounded(String prefix) {
    return new UniqueIds(prefix, 0, Long.MAX_VALUE);
  }

  /** The next unused id, or null once all are used. */
  String next() {
    long i = taken.getAndIncrement();
    return i < count ? id(i) : null;
  }

  String id(long i) {
    return prefix + (start + i);
  }

  long count() {
    return count;
  }

  /** How many ids were handed out (not counting refused calls past the end). */
  long used() {
    return Math.min(taken.get(), count);
  }

  boolean exhausted() {
    return taken.get() >= count;
  }
}
