package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.JsonNumbers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.impl.codecs.JsonObjectMessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("HandedOverJson")
class HandedOverJsonTest {
  private final String address = "test.handover." + UUID.randomUUID();

  private static JsonObject sample() {
    return new JsonObject()
        .put("collection", "users")
        .put("id", "u-1")
        .put(
            "data",
            new JsonObject()
                .put("name", "Ada")
                .put("tags", new JsonArray().add("x").add(2))
                .put("exact", new BigDecimal("0.1000000000000000055511151231257827")));
  }

  @Test
  @DisplayName(
      "a request and its reply reach the other side of the same node as the very instances sent, not copies")
  void localDeliveryHandsTheInstanceOver(Vertx vertx, VertxTestContext ctx) {
    Checkpoint replied = ctx.checkpoint();
    Bus bus = new Bus(vertx, 5_000);
    JsonObject request = sample();
    AtomicReference<JsonObject> received = new AtomicReference<>();
    AtomicReference<JsonObject> answered = new AtomicReference<>();
    ActionRouter router =
        ActionRouter.of("svc")
            .on(
                "get",
                m -> {
                  received.set(m.body());
                  answered.set(new JsonObject().put("ok", true));
                  return Future.succeededFuture(answered.get());
                });

    vertx
        .eventBus()
        .<JsonObject>consumer(address, router)
        .completion()
        .compose(v -> bus.request(address, "get", request, "req-1"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(received.get()).isSameAs(request);
                          assertThat(reply).isSameAs(answered.get());
                          replied.flag();
                        })));
  }

  @Test
  @DisplayName(
      "between nodes the bytes are those of Vert.x's JSON codec, and decode to an equal object")
  void wireFormatIsPlainJson() {
    JsonNumbers.exact();
    MessageCodec<JsonObject, JsonObject> codec = HandedOverJson.INSTANCE;
    JsonObject body = sample();
    Buffer ours = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(ours, body);
    Buffer vertxs = Buffer.buffer().appendString("prefix");
    new JsonObjectMessageCodec().encodeToWire(vertxs, body);

    assertThat(ours.getBytes()).isEqualTo(vertxs.getBytes());
    assertThat(codec.decodeFromWire("prefix".length(), ours)).isEqualTo(body);
    assertThat(codec.name()).isEqualTo(HandedOverJson.NAME);
    assertThat(codec.systemCodecID()).isEqualTo((byte) -1);
  }

  @Test
  @DisplayName("registering twice on one Vert.x is harmless")
  void registerIsIdempotent(Vertx vertx) {
    HandedOverJson.register(vertx);
    HandedOverJson.register(vertx);
    new Bus(vertx, 1_000);
  }
}
