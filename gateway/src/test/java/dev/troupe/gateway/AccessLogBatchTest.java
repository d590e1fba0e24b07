package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

@ExtendWith(VertxExtension.class)
@DisplayName("Access log batches")
class AccessLogBatchTest {
  private static final Logger ACCESS = (Logger) LoggerFactory.getLogger("troupe.access");

  /** Every line the access logger wrote; {@link #hold} makes the writer's thread wait. */
  private static final class Capture extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new ArrayList<>();
    volatile CountDownLatch hold = new CountDownLatch(0);

    @Override
    protected void append(ILoggingEvent event) {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (lines) {
        lines.add(event.getFormattedMessage());
      }
    }

    List<String> lines() {
      synchronized (lines) {
        return List.copyOf(lines);
      }
    }
  }

  private final Capture capture = new Capture();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void capture() {
    capture.start();
    ACCESS.addAppender(capture);
    ACCESS.setLevel(Level.INFO);
    ACCESS.setAdditive(false);
  }

  @AfterEach
  void release() {
    capture.hold.countDown();
    ACCESS.detachAppender(capture);
    ACCESS.setLevel(null);
    ACCESS.setAdditive(true);
  }

  /** Completes once the writer wrote {@code count} lines (within 10 s). */
  private Future<List<String>> written(Vertx vertx, int count) {
    Promise<List<String>> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // Not an initial delay of 0: Vert.x 5.0.7 can run the first tick before the timer is set up,
    // and cancelling it there throws (a NullPointerException in cancelTimer, seen in CI).
    vertx.setPeriodic(
        10,
        10,
        t -> {
          List<String> lines = capture.lines();
          if (lines.size() >= count || System.nanoTime() > deadline) {
            vertx.cancelTimer(t);
            done.complete(lines);
          }
        });
    return done.future();
  }

  private static List<String> lines(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "{\"line\":" + i + "}").toList();
  }

  private double dropped() {
    return registry.get("troupe_gateway_access_log_dropped").counter().count();
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("lines wait for their batch, then go out in order, one event each")
  void waitsForTheTimer(Vertx vertx, VertxTestContext ctx) {
    Context context = vertx.getOrCreateContext();
    AccessLog log = new AccessLog(vertx, 50, registry);
    context.runOnContext(v -> lines(0, 3).forEach(log::record));
    written(vertx, 3)
        .onComplete(
            ctx.succeeding(
                lines ->
                    ctx.verify(
                        () -> {
                          assertThat(lines).containsExactlyElementsOf(lines(0, 3));
                          assertThat(dropped()).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a batch goes out at its size limit or on flush, not before")
  void sizeLimitAndFlush(Vertx vertx, VertxTestContext ctx) {
    Context context = vertx.getOrCreateContext();
    // A timer far away: only the size limit and flush() hand lines over.
    AccessLog log = new AccessLog(vertx, 10_000, registry);
    int full = AccessLog.MAX_BATCH;
    context.runOnContext(v -> lines(0, full + 5).forEach(log::record));
    written(vertx, full)
        .compose(
            first -> {
              ctx.verify(() -> assertThat(first).containsExactlyElementsOf(lines(0, full)));
              Promise<Void> flushed = Promise.promise();
              context.runOnContext(
                  v -> {
                    // Still held: five lines under the limit, the timer not due.
                    ctx.verify(() -> assertThat(capture.lines()).hasSize(full));
                    log.flush();
                    flushed.complete();
                  });
              return flushed.future();
            })
        .compose(v -> written(vertx, full + 5))
        .onComplete(
            ctx.succeeding(
                lines ->
                    ctx.verify(
                        () -> {
                          assertThat(lines).containsExactlyElementsOf(lines(0, full + 5));
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "when stdout does not keep up, whole batches are dropped and counted, never waited for")
  void dropsWhenTheWriterIsBehind(Vertx vertx, VertxTestContext ctx) {
    capture.hold = new CountDownLatch(1);
    Context context = vertx.getOrCreateContext();
    AccessLog log = new AccessLog(vertx, 0, registry);
    int offered = AccessLogWriter.MAX_QUEUED_LINES + 100;
    Promise<Void> recorded = Promise.promise();
    context.runOnContext(
        v -> {
          // flushMs 0: each line is a batch of its own, handed over at once.
          lines(0, offered).forEach(log::record);
          recorded.complete();
        });
    recorded
        .future()
        .compose(
            v -> {
              // The writer's thread holds one line in the appender and at most the limit queued.
              double lost = dropped();
              ctx.verify(() -> assertThat(lost).isBetween(99.0, 100.0));
              capture.hold.countDown();
              return written(vertx, offered - (int) lost);
            })
        .onComplete(
            ctx.succeeding(
                lines ->
                    ctx.verify(
                        () -> {
                          assertThat(lines).hasSize(offered - (int) dropped());
                          // What was written came in order: the first lines, none twice.
                          assertThat(lines).containsExactlyElementsOf(lines(0, lines.size()));
                          ctx.completeNow();
                        })));
  }
}
