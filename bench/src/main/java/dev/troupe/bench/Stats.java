package dev.troupe.bench;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one event loop of the generator measured. Mutated only on that event loop; {@link #copy()}
 * there, then {@link #add(Stats)} the copies on any thread.
 */
final class Stats {
  static final String IO = "io";
  static final String TIMEOUT = "timeout";
  static final String UNFINISHED = "unfinished";

  /** The status a server sheds load with: the request was refused, not worked on. */
  static final int SHED = 503;

  /**
   * Latency in microseconds, from the intended start (open loop) or the actual start (closed loop).
   */
  final Histogram latency = newHistogram();

  /** Latency in microseconds from the moment a connection took the request: the server's share. */
  final Histogram service = newHistogram();

  /**
   * Latency in microseconds (as {@link #latency}) of the admitted requests only: answers whose
   * status is not {@value #SHED}. What the requests the server took on waited, apart from the fast
   * refusals that make the overall percentiles look good (or the slow ones that make them look
   * bad). Failures without an answer (io, timeouts) were not admitted either.
   */
  final Histogram admitted = newHistogram();

  final Map<Integer, Long> statuses = new TreeMap<>();
  final Map<String, Long> errors = new TreeMap<>();
  final Map<String, Long> cache = new TreeMap<>();
  long ok;
  long responses;
  long lateSends;

  /**
   * {@value #SHED} answers without a {@code Retry-After} header: each should say when to return.
   */
  long noRetryAfter;

  long lastCompletionNanos;
  boolean idsExhausted;

  static Histogram newHistogram() {
    // 3 significant digits, auto-resizing: no upper bound to clamp to.
    return new Histogram(3);
  }

  void response(
      int status,
      boolean success,
      String cacheHeader,
      long latencyMicros,
      long serviceMicros,
      long now) {
    response(status, success, cacheHeader, true, latencyMicros, serviceMicros, now);
  }

  /**
   * One answer. {@code retryAfter}: whether it carried a {@code Retry-After} header (only a {@value
   * #SHED} without one is counted).
   */
  void response(
      int status,
      boolean success,
      String cacheHeader,
      boolean retryAfter,
      long latencyMicros,
      long serviceMicros,
      long now) {
    responses++;
    statuses.merge(status, 1L, Long::sum);
    if (success) {
      ok++;
    } else {
      errors.merge(Integer.toString(status), 1L, Long::sum);
    }
    if (cacheHeader != null) {
      cache.merge(cacheHeader, 1L, Long::sum);
    }
    latency.recordValue(Math.max(0, latencyMicros));
    service.recordValue(Math.max(0, serviceMicros));
    if (status == SHED) {
      if (!retryAfter) {
        noRetryAfter++;
      }
    } else {
      admitted.recordValue(Math.max(0, latencyMicros));
    }
    lastCompletionNanos = Math.max(lastCompletionNanos, now);
  }

  /**
   * A request that got no answer. A timed-out one goes into the latency histogram too, at the time
   * it gave up: a user waited at least that long, and leaving it out would flatter the percentiles
   * exactly when the server is worst. A refused connection has no meaningful latency.
   */
  void failure(String kind, long latencyMicros, long now) {
    errors.merge(kind, 1L, Long::sum);
    if (TIMEOUT.equals(kind)) {
      latency.recordValue(Math.max(0, latencyMicros));
    }
    lastCompletionNanos = Math.max(lastCompletionNanos, now);
  }

  long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Requests finished one way or another: answered (any status) or failed. */
  long requests() {
    return responses
        + errorCount()
        - errors.entrySet().stream()
            .filter(e -> isStatus(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
  }

  private static boolean isStatus(String key) {
    return !key.isEmpty() && key.chars().allMatch(Character::isDigit);
  }

  Stats copy() {
    Stats c = new Stats();
    c.add(this);
    return c;
  }

  void add(Stats other) {
    latency.add(other.latency);
    service.add(other.service);
    admitted.add(other.admitted);
    other.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
    other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    other.cache.forEach((k, v) -> cache.merge(k, v, Long::sum));
    ok += other.ok;
    responses += other.responses;
    lateSends += other.lateSends;
    noRetryAfter += other.noRetryAfter;
    lastCompletionNanos = Math.max(lastCompletionNanos, other.lastCompletionNanos);
    idsExhausted |= other.idsExhausted;
  }
}
