package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Bus")
class BusTest {
  private final String address = "test.bus." + UUID.randomUUID();

  /** A consumer that receives but never replies, flagging {@code received} for each message. */
  private Future<Void> silentConsumer(Vertx vertx, Checkpoint received) {
    return vertx.eventBus().<JsonObject>consumer(address, m -> received.flag()).completion();
  }

  private static void assertTimedOut(Throwable err) {
    assertThat(err).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(Failures.code(err)).isEqualTo(ErrorCode.TIMEOUT);
  }

  @Test
  @DisplayName(
      "a request with a short explicit deadline to a consumer that never replies fails with TIMEOUT")
  void explicitDeadlineTimesOut(Vertx vertx, VertxTestContext ctx) {
    Checkpoint received = ctx.checkpoint();
    Checkpoint timedOut = ctx.checkpoint();
    Bus bus = new Bus(vertx, 60_000);

    silentConsumer(vertx, received)
        .compose(v -> bus.request(address, "get", new JsonObject(), "req-t", 150))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertTimedOut(err);
                          timedOut.flag();
                        })));
  }

  @Test
  @DisplayName("a request without an explicit deadline uses the Bus timeout")
  void defaultDeadlineTimesOut(Vertx vertx, VertxTestContext ctx) {
    Checkpoint received = ctx.checkpoint();
    Checkpoint timedOut = ctx.checkpoint();
    Bus bus = new Bus(vertx, 150);

    silentConsumer(vertx, received)
        .compose(v -> bus.request(address, "get", new JsonObject(), "req-t"))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertTimedOut(err);
                          timedOut.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a request to an address nobody consumes fails with NO_HANDLERS, classified UNAVAILABLE")
  void noHandlers(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();

    new Bus(vertx, 5_000)
        .request(address, "get", new JsonObject(), null)
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertThat(err).isInstanceOf(ReplyException.class);
                          assertThat(((ReplyException) err).failureType())
                              .isEqualTo(ReplyFailure.NO_HANDLERS);
                          assertThat(Failures.code(err)).isEqualTo(ErrorCode.UNAVAILABLE);
                          failed.flag();
                        })));
  }

  @Test
  @DisplayName("the consumer receives the action header, the requestId header and the body")
  void headersArrive(Vertx vertx, VertxTestContext ctx) {
    Checkpoint received = ctx.checkpoint();
    Checkpoint replied = ctx.checkpoint();
    Bus bus = new Bus(vertx, 5_000);

    vertx
        .eventBus()
        .<JsonObject>consumer(
            address,
            m -> {
              ctx.verify(
                  () -> {
                    assertThat(Bus.requestId(m)).isEqualTo("req-42");
                    assertThat(m.headers().get(Bus.ACTION)).isEqualTo("put");
                    assertThat(m.body()).isEqualTo(new JsonObject().put("x", 1));
                    received.flag();
                  });
              m.reply(new JsonObject().put("ok", true));
            })
        .completion()
        .compose(v -> bus.request(address, "put", new JsonObject().put("x", 1), "req-42"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo(new JsonObject().put("ok", true));
                          replied.flag();
                        })));
  }

  @Test
  @DisplayName("a request without a request id sends no requestId header")
  void noRequestId(Vertx vertx, VertxTestContext ctx) {
    Checkpoint received = ctx.checkpoint();

    vertx
        .eventBus()
        .<JsonObject>consumer(
            address,
            m -> {
              ctx.verify(
                  () -> {
                    assertThat(Bus.requestId(m)).isNull();
                    assertThat(m.headers().contains(Bus.REQUEST_ID)).isFalse();
                    received.flag();
                  });
              m.reply(new JsonObject());
            })
        .completion()
        .compose(v -> new Bus(vertx, 5_000).request(address, "get", new JsonObject(), null))
        .onComplete(ctx.succeeding(reply -> {}));
  }

  @Test
  @DisplayName("a Bus refuses a timeout that is not positive")
  void rejectsNonPositiveTimeout(Vertx vertx) {
    assertThatThrownBy(() -> new Bus(vertx, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bus(vertx, -5)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new Bus(vertx, 250).timeoutMs()).isEqualTo(250);
  }

  @Test
  @DisplayName(
      "a service consumer buffers at most TROUPE_CONSUMER_MAX_BUFFERED messages while paused; the rest are dropped")
  void consumerBufferIsBounded(Vertx vertx, VertxTestContext ctx) {
    List<Integer> seen = new ArrayList<>();
    MessageConsumer<JsonObject> consumer =
        Bus.consumer(
            vertx,
            address,
            Settings.of(Map.of("TROUPE_CONSUMER_MAX_BUFFERED", "2")),
            m -> {
              seen.add(m.body().getInteger("n"));
              if (m.body().getInteger("n") == 99) {
                ctx.verify(
                    () -> {
                      assertThat(seen).containsExactly(0, 1, 99);
                      ctx.completeNow();
                    });
              }
            });
    consumer
        .completion()
        .onComplete(
            ctx.succeeding(
                v -> {
                  consumer.pause();
                  for (int n = 0; n < 5; n++) {
                    vertx.eventBus().send(address, new JsonObject().put("n", n));
                  }
                  // Sends are delivered on the consumer's context in order: resume after the five
                  // arrived.
                  vertx.runOnContext(
                      x -> {
                        consumer.resume();
                        vertx.eventBus().send(address, new JsonObject().put("n", 99));
                      });
                }));
  }
}
