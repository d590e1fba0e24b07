package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.RetryPolicy.Delivery;
import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one retry policy's parameters, on a clock the attempts move: what the services' {@link Retry}
 * and the JVM client ask of it differently.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("RetryPolicy")
class RetryPolicyTest {
  private static final Backoff ONE_MS = new Backoff(1, 1);
  private final AtomicLong clock = new AtomicLong();
  private final AtomicInteger attempts = new AtomicInteger();

  /** Each attempt takes {@code tookMs} on the clock, then fails with the next failure. */
  private LongFunction<Future<String>> failing(long tookMs, Throwable... failures) {
    Deque<Throwable> next = new ArrayDeque<>(List.of(failures));
    return ms -> {
      attempts.incrementAndGet();
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(tookMs));
      Throwable failure = next.poll();
      return failure == null ? Future.succeededFuture("ok") : Future.failedFuture(failure);
    };
  }

  private RetryPolicy policy(Vertx vertx, boolean sparesRepeat) {
    return new RetryPolicy(
        vertx, 2, ONE_MS, f -> Retry.delivery(f, x -> true), sparesRepeat, clock::get);
  }

  private static ReplyException noHandlers() {
    return new ReplyException(ReplyFailure.NO_HANDLERS, -1, "no handlers");
  }

  @Test
  @DisplayName(
      "sparing the repeat, a retry needs what the failed attempt took left of the deadline; without, only its wait")
  void sparesRepeat(Vertx vertx, VertxTestContext ctx) {
    policy(vertx, true)
        .call(false, 1_000, 1_000, null, failing(600, noHandlers()))
        .transform(
            spared -> {
              ctx.verify(
                  () -> {
                    assertThat(spared.failed()).isTrue();
                    assertThat(attempts).hasValue(1);
                  });
              attempts.set(0);
              clock.set(0);
              return policy(vertx, false)
                  .call(false, 1_000, 1_000, null, failing(600, noHandlers()));
            })
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo("ok");
                          assertThat(attempts).hasValue(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a retry that fails locally (an open circuit) answers the fault that made it retry; a transient answer is not resent for a call that is not idempotent")
  void localFailureShowsThePrevious(Vertx vertx, VertxTestContext ctx) {
    BusFault unavailable = new BusFault(ErrorCode.UNAVAILABLE, "db", "the database is down");
    AtomicInteger retries = new AtomicInteger();
    policy(vertx, true)
        .call(
            true,
            1_000,
            1_000,
            retries::incrementAndGet,
            failing(1, unavailable, new IllegalStateException("circuit open")))
        .transform(
            idempotent -> {
              ctx.verify(
                  () -> {
                    assertThat(idempotent.cause()).isSameAs(unavailable);
                    assertThat(attempts).hasValue(2);
                    assertThat(retries).hasValue(1);
                    assertThat(Retry.delivery(unavailable, x -> true))
                        .isEqualTo(Delivery.TRANSIENT);
                  });
              attempts.set(0);
              return policy(vertx, true).call(false, 1_000, 1_000, null, failing(1, unavailable));
            })
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).isSameAs(unavailable);
                          assertThat(attempts).hasValue(1);
                          ctx.completeNow();
                        })));
  }
}
