package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Attempt deadlines: a message the event bus lost (sent to a node that had just died: Vert.x fails
 * no reply handler for it) is stood in for here by a consumer that drops the first message it gets.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("CallPolicy attempt deadline")
class LostAttemptTest {
  private static final long DEADLINE_MS = 20_000;
  private static final long ATTEMPT_MS = 300;
  private static final RetryConfig RETRIES = new RetryConfig(2, new Backoff(1, 1));

  private final String address = "test.lost." + UUID.randomUUID();
  private final Action<JsonObject, JsonObject> get =
      Action.idempotent(address, "get", Codec.json(), Codec.json(), "a read");
  private final AtomicInteger received = new AtomicInteger();

  /** Drops the first {@code lost} messages, answers the others. */
  private Future<Void> consumer(Vertx vertx, int lost) {
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            address,
            (Message<JsonObject> m) -> {
              if (received.incrementAndGet() > lost) {
                m.reply(new JsonObject().put("ok", true));
              }
            })
        .completion();
  }

  private CallPolicy policy(Vertx vertx, long attemptMs) {
    Bus bus = new Bus(vertx, DEADLINE_MS);
    return new CallPolicy(
        vertx,
        "test-service",
        bus,
        BreakerConfig.off(),
        RETRIES,
        Retry::undelivered,
        attemptMs,
        new SimpleMeterRegistry());
  }

  @Test
  @DisplayName(
      "an idempotent attempt without an answer within the attempt deadline is sent again, and the call succeeds long before its deadline")
  void lostAttemptIsRetried(Vertx vertx, VertxTestContext ctx) {
    CallPolicy policy = policy(vertx, ATTEMPT_MS);
    long start = System.nanoTime();
    consumer(vertx, 1)
        .compose(v -> policy.call(get, new JsonObject(), "rid"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                          assertThat(reply.getBoolean("ok")).isTrue();
                          assertThat(received).hasValue(2);
                          assertThat(tookMs)
                              .as("the lost attempt was given up after its attempt deadline")
                              .isGreaterThanOrEqualTo(ATTEMPT_MS)
                              .isLessThan(DEADLINE_MS / 2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "the last attempt gets all that is left of the deadline, and a call whose every attempt is lost times out")
  void lastAttemptGetsTheRest(Vertx vertx, VertxTestContext ctx) {
    long deadlineMs = 2 * ATTEMPT_MS + 1_000;
    CallPolicy policy = policy(vertx, ATTEMPT_MS);
    long start = System.nanoTime();
    consumer(vertx, Integer.MAX_VALUE)
        .compose(v -> policy.call(get, new JsonObject(), "rid", deadlineMs))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertThat(err).isInstanceOf(ReplyException.class);
                          assertThat(((ReplyException) err).failureType())
                              .isEqualTo(ReplyFailure.TIMEOUT);
                          long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                          assertThat(received).hasValue(3);
                          assertThat(tookMs)
                              .as("the third attempt waited out what was left of the deadline")
                              .isGreaterThanOrEqualTo(deadlineMs - 50);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a downstream's answer that its own call timed out is final: not a lost attempt, not sent again")
  void downstreamTimeoutIsAnAnswer(Vertx vertx, VertxTestContext ctx) {
    CallPolicy policy = policy(vertx, ATTEMPT_MS);
    vertx
        .eventBus()
        .<JsonObject>consumer(
            address,
            m -> {
              received.incrementAndGet();
              m.fail(ErrorCode.TIMEOUT.code(), "database timed out");
            })
        .completion()
        .compose(v -> policy.call(get, new JsonObject(), "rid"))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(err)).isEqualTo(ErrorCode.TIMEOUT);
                          assertThat(((ReplyException) err).failureType())
                              .isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
                          assertThat(received).hasValue(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a call that is not idempotent gets the whole deadline in its one attempt")
  void notIdempotentIsNotCut(Vertx vertx, VertxTestContext ctx) {
    List<Long> given = new CopyOnWriteArrayList<>();
    Retry retry = new Retry(vertx, RETRIES, new SimpleMeterRegistry(), "test-service");
    retry
        .<Long>call(
            "put",
            false,
            DEADLINE_MS,
            ATTEMPT_MS,
            f -> true,
            left -> {
              given.add(left);
              return Future.succeededFuture(left);
            })
        .onComplete(
            ctx.succeeding(
                left ->
                    ctx.verify(
                        () -> {
                          // The whole deadline, less the moment spent before the attempt.
                          assertThat(given).hasSize(1);
                          assertThat(given.get(0))
                              .isGreaterThan(DEADLINE_MS - 1_000)
                              .isLessThanOrEqualTo(DEADLINE_MS);
                          ctx.completeNow();
                        })));
  }
}
