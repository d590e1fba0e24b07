package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stopping a gateway node drains: a request in flight gets its answer, new connections are refused.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Graceful gateway shutdown")
class GracefulShutdownTest {
  private static final long SLOW_MS = 1_500;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(TroupeCluster.builder().node("gateway").node());

  @Test
  @DisplayName(
      "a request in flight when the gateway node stops is answered 200, then the port refuses connections")
  void drainsInFlight(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Checkpoint answered = ctx.checkpoint();
    Checkpoint refused = ctx.checkpoint();
    Vertx pipeline = TROUPE.cluster().node(1).vertx();
    Promise<Void> received = Promise.promise();
    MessageConsumer<JsonObject> slow =
        pipeline
            .eventBus()
            .consumer(
                RequestContract.ADDRESS,
                (Message<JsonObject> msg) -> {
                  if (Bus.PING.equals(msg.headers().get(Bus.ACTION))) {
                    msg.reply(new JsonObject());
                    return;
                  }
                  received.tryComplete();
                  Document doc =
                      new Document(
                          DocWire.docKey(msg.body()),
                          1,
                          Instant.now(),
                          new JsonObject().put("slow", true));
                  pipeline.setTimer(
                      SLOW_MS,
                      t ->
                          msg.reply(
                              DocWire.toJson(new ReadResult(doc, ReadResult.CacheStatus.MISS))));
                });
    slow.completion()
        .compose(v -> TROUPE.cluster().awaitAddress(0, RequestContract.ADDRESS))
        .onComplete(
            ctx.succeeding(
                ready -> {
                  http.get("/api/v1/docs/drain/d1")
                      .onComplete(
                          ctx.succeeding(
                              r ->
                                  ctx.verify(
                                      () -> {
                                        assertThat(r.statusCode()).isEqualTo(200);
                                        assertThat(
                                                r.bodyAsJsonObject()
                                                    .getJsonObject("data")
                                                    .getBoolean("slow"))
                                            .isTrue();
                                        answered.flag();
                                      })));
                  received
                      .future()
                      .compose(inFlight -> TROUPE.cluster().stopNode(0))
                      .compose(stopped -> http.get("/health/live"))
                      .onComplete(ctx.failing(err -> refused.flag()));
                }));
  }
}
