package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Actions routed and called by their declaration, and failures that cross the bus structured. */
@ExtendWith(VertxExtension.class)
@DisplayName("typed actions and structured faults")
class TypedActionTest {
  private final String address = "test.typed." + UUID.randomUUID();
  private final Codec<DocKey> keys = Codec.of(DocWire::toJson, DocWire::docKey);

  private final Action<DocKey, DocKey> echo =
      Action.idempotent(address, "echo", keys, keys, "answers with the key it got");
  private final Action<DocKey, DocKey> staged =
      Action.once(address, "staged", keys, keys, "fails in the db stage");

  private Future<Void> serve(Vertx vertx) {
    ActionRouter router =
        ActionRouter.of("svc")
            .on(
                echo,
                key -> Future.succeededFuture(new DocKey(key.collection(), key.id() + "-echoed")))
            .on(
                staged,
                key ->
                    Future.failedFuture(
                        Stages.named(Stages.DB, TroupeException.notFound(key + " is gone"))));
    return vertx.eventBus().<JsonObject>consumer(address, router).completion();
  }

  @Test
  @DisplayName("a call encodes the request and decodes the reply with the action's codecs")
  void roundTrip(Vertx vertx, VertxTestContext ctx) {
    Bus bus = new Bus(vertx, 5_000);
    serve(vertx)
        .compose(v -> bus.call(echo, new DocKey("users", "a"), "r-1"))
        .onComplete(
            ctx.succeeding(
                key ->
                    ctx.verify(
                        () -> {
                          assertThat(key).isEqualTo(new DocKey("users", "a-echoed"));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a malformed body is a 400 naming the field, decoded by the action's codec")
  void malformedBody(Vertx vertx, VertxTestContext ctx) {
    Bus bus = new Bus(vertx, 5_000);
    serve(vertx)
        .compose(
            v -> bus.request(address, echo.name(), new JsonObject().put("collection", 7), "r-2"))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(failure)).isEqualTo(ErrorCode.BAD_REQUEST);
                          assertThat(failure.getMessage()).contains("collection");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a failure arrives with its code, stage and detail as members, not in the text")
  void faultIsStructured(Vertx vertx, VertxTestContext ctx) {
    Bus bus = new Bus(vertx, 5_000);
    serve(vertx)
        .compose(v -> bus.call(staged, new DocKey("users", "b"), "r-3"))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(BusFault.class);
                          BusFault fault = (BusFault) failure;
                          assertThat(fault.code()).isEqualTo(ErrorCode.NOT_FOUND);
                          assertThat(fault.stage()).isEqualTo(Stages.DB);
                          assertThat(fault.detail()).isEqualTo("users/b is gone");
                          assertThat(fault.retryable()).isFalse();
                          assertThat(Failures.stage(failure)).isEqualTo(Stages.DB);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("between nodes the fault keeps every member, and reads as a plain reply failure")
  void wireCodecKeepsMembers() {
    BusFault sent = new BusFault(ErrorCode.OVERLOADED, Stages.CACHE, "at its limit");
    Buffer wire = Buffer.buffer().appendByte((byte) 9);
    BusFault.WireCodec.INSTANCE.encodeToWire(wire, sent);
    BusFault got = BusFault.WireCodec.INSTANCE.decodeFromWire(1, wire);
    assertThat(got.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(got.stage()).isEqualTo(Stages.CACHE);
    assertThat(got.detail()).isEqualTo("at its limit");
    assertThat(got.retryable()).isTrue();
    ReplyException plain = got;
    assertThat(plain.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(plain.failureCode()).isEqualTo(ErrorCode.OVERLOADED.code());
    assertThat(plain.getMessage()).isEqualTo("at its limit");
  }

  @Test
  @DisplayName("a router serves one address: an action of another is refused when routed")
  void oneAddressPerRouter() {
    Action<DocKey, DocKey> elsewhere = Action.idempotent("test.other", "echo", keys, keys, "");
    ActionRouter router = ActionRouter.of("svc").on(echo, key -> Future.succeededFuture(key));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> router.on(elsewhere, key -> Future.succeededFuture(key)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one address");
  }
}
