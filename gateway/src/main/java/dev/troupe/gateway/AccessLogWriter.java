package dev.troupe.gateway;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the gateways' access-log batches on the {@code troupe.access} logger, one event per line,
 * from one thread of its own per JVM: the event loops hand it a batch and go on, and never wait for
 * stdout. At most {@value #MAX_QUEUED_LINES} lines wait to be written; a batch that would go past
 * that is refused (the caller counts its lines as dropped), so a stdout that cannot keep up costs
 * log lines, never requests or memory.
 */
final class AccessLogWriter {
  static final int MAX_QUEUED_LINES = 16_384;

  private static final Logger LOG = LoggerFactory.getLogger("troupe.access");
  private static final AtomicInteger QUEUED = new AtomicInteger();
  private static final ThreadPoolExecutor WRITER =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.MILLISECONDS,
          new LinkedBlockingQueue<>(),
          work -> {
            Thread thread = new Thread(work, "troupe-access-log");
            thread.setDaemon(true);
            return thread;
          });

  private AccessLogWriter() {}

  /** Whether the logger writes access lines at all. */
  static boolean enabled() {
    return LOG.isInfoEnabled();
  }

  /** Queues {@code lines} to be written in order; false (nothing queued) when too many wait. */
  static boolean write(List<String> lines) {
    int size = lines.size();
    if (QUEUED.addAndGet(size) > MAX_QUEUED_LINES) {
      QUEUED.addAndGet(-size);
      return false;
    }
    try {
      WRITER.execute(
          () -> {
            try {
              lines.forEach(LOG::info);
            } finally {
              QUEUED.addAndGet(-size);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      QUEUED.addAndGet(-size);
      return false;
    }
  }
}
