package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.Lookup;
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
 * Stopping a node that runs request-service (as SIGTERM does) is a graceful leave: a request that
 * service is working on is still answered, instead of being dropped with the node's context.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Graceful service shutdown")
class ServiceDrainTest {
  private static final long SLOW_MS = 1_500;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(TroupeCluster.builder().node("gateway").node("request").node());

  @Test
  @DisplayName(
      "a read in flight in request-service when its node stops is answered 200 before the node leaves")
  void requestServiceDrains(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Checkpoint answered = ctx.checkpoint();
    Checkpoint stopped = ctx.checkpoint();
    Vertx database = TROUPE.cluster().node(2).vertx();
    Promise<Void> received = Promise.promise();
    // A slow stand-in for db-service on the bare node: the read is in request-service's hands for
    // SLOW_MS.
    MessageConsumer<JsonObject> slowDb =
        database
            .eventBus()
            .consumer(
                DbContract.ADDRESS,
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
                  database.setTimer(SLOW_MS, t -> msg.reply(CacheWire.toJson(Lookup.found(doc))));
                });
    slowDb
        .completion()
        .compose(v -> TROUPE.cluster().awaitAddress(1, DbContract.ADDRESS))
        .onComplete(
            ctx.succeeding(
                ready -> {
                  http.get("/api/v1/docs/drain/d1")
                      .onComplete(
                          ctx.succeeding(
                              r ->
                                  ctx.verify(
                                      () -> {
                                        assertThat(r.statusCode())
                                            .as(r.bodyAsString())
                                            .isEqualTo(200);
                                        assertThat(
                                                r.bodyAsJsonObject()
                                                    .getJsonObject("data")
                                                    .getBoolean("slow"))
                                            .isTrue();
                                        answered.flag();
                                      })));
                  received
                      .future()
                      .compose(inFlight -> TROUPE.cluster().stopNode(1))
                      .onComplete(ctx.succeeding(v -> stopped.flag()));
                }));
  }
}
