package dev.troupe.bench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop schedule: request {@code i} is due at {@code start + i / rate}, whatever happened
 * to the requests before it. One thread parks until the next due time, then hands every request
 * that is due to the workers' event loops, round-robin, in one task per worker. Vert.x timers tick
 * in whole milliseconds, too coarse for a schedule; parking wakes within tens of microseconds.
 */
final class Pacer implements Runnable {
  private final List<LoadWorker> workers;
  private final double periodNanos;
  private final long start;
  private final long endAt;

  Pacer(List<LoadWorker> workers, double rate, long start, long endAt) {
    this.workers = workers;
    this.periodNanos = 1e9 / rate;
    this.start = start;
    this.endAt = endAt;
  }

  /** When request {@code i} is due (System.nanoTime), by the schedule alone. */
  static long intendedStart(long start, double periodNanos, long i) {
    return start + (long) (i * periodNanos);
  }

  @Override
  public void run() {
    int n = workers.size();
    long i = 0;
    int next = 0;
    while (true) {
      long due = intendedStart(start, periodNanos, i);
      if (due >= endAt) {
        break;
      }
      long now = System.nanoTime();
      if (due > now) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      long[][] batches = new long[n][];
      int[] counts = new int[n];
      while (due <= now && due < endAt) {
        long[] batch = batches[next];
        if (batch == null) {
          batch = batches[next] = new long[16];
        } else if (counts[next] == batch.length) {
          batch = batches[next] = java.util.Arrays.copyOf(batch, batch.length * 2);
        }
        batch[counts[next]++] = due;
        next = (next + 1) % n;
        i++;
        due = intendedStart(start, periodNanos, i);
      }
      for (int w = 0; w < n; w++) {
        if (counts[w] > 0) {
          long[] batch = batches[w];
          int count = counts[w];
          LoadWorker worker = workers.get(w);
          worker.run(() -> worker.fire(batch, count));
        }
      }
    }
    for (LoadWorker worker : workers) {
      worker.run(worker::noMoreRequests);
    }
  }
}
