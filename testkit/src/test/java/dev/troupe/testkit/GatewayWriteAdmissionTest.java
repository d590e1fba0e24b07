package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.Lookup;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's admission keeps slots for reads: writes may hold at most {@code
 * TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT} of its {@code TROUPE_GATEWAY_MAX_IN_FLIGHT}. Node 1 plays a
 * db-service that answers reads and never answers writes.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Gateway admission: writes cannot take every slot")
class GatewayWriteAdmissionTest {
  private static final int LIMIT = 4;
  private static final int WRITE_LIMIT = 2;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "request", "cache")
              .node()
              .setting("TROUPE_ACCESS_LOG", "false")
              .setting("TROUPE_GATEWAY_MAX_IN_FLIGHT", String.valueOf(LIMIT))
              .setting("TROUPE_GATEWAY_QUEUE_TIMEOUT_MS", "500")
              .setting("TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT", String.valueOf(WRITE_LIMIT))
              .setting("TROUPE_DB_TIMEOUT_MS", "3000"));

  private static final AtomicInteger writesReceived = new AtomicInteger();
  private static final Promise<Void> writesHeld = Promise.promise();
  private static MessageConsumer<JsonObject> db;

  @BeforeAll
  static void playDatabase() throws Exception {
    Vertx vertx = TROUPE.cluster().node(1).vertx();
    db =
        vertx
            .eventBus()
            .consumer(
                DbContract.ADDRESS,
                ActionRouter.of("write-stalling-db")
                    .on(
                        DbContract.GET.name(),
                        msg -> {
                          DocKey key = DocWire.docKey(msg.body());
                          return Future.succeededFuture(
                              CacheWire.toJson(
                                  Lookup.found(
                                      new Document(
                                          key,
                                          1,
                                          Instant.parse("2026-01-01T00:00:00Z"),
                                          new JsonObject()))));
                        })
                    .on(
                        DbContract.PUT.name(),
                        msg -> {
                          if (writesReceived.incrementAndGet() == WRITE_LIMIT) {
                            writesHeld.tryComplete();
                          }
                          return Promise.<JsonObject>promise().future();
                        }));
    db.completion()
        .compose(v -> TROUPE.cluster().awaitAddress(0, DbContract.ADDRESS))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopPlaying() throws Exception {
    db.unregister().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "with the write slots held, the next write gets 503 and reads still fill the remaining slots")
  void writesLeaveSlotsToReads(Vertx vertx, VertxTestContext ctx) {
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(TROUPE.cluster().httpPort(0)));
    List<Future<HttpResponse<Buffer>>> held =
        List.of(
            client.put("/api/v1/docs/admission/w-1").sendJsonObject(new JsonObject()),
            client.put("/api/v1/docs/admission/w-2").sendJsonObject(new JsonObject()));
    writesHeld
        .future()
        .compose(v -> client.put("/api/v1/docs/admission/w-3").sendJsonObject(new JsonObject()))
        .compose(
            third -> {
              ctx.verify(
                  () -> {
                    assertThat(third.statusCode()).isEqualTo(503);
                    assertThat(third.getHeader("Retry-After")).isEqualTo("1");
                    assertThat(third.bodyAsJsonObject().getString("detail"))
                        .contains("limit of " + WRITE_LIMIT + " write requests");
                  });
              return Future.all(
                  client.get("/api/v1/docs/admission/r-1").send(),
                  client.get("/api/v1/docs/admission/r-2").send());
            })
        .compose(
            reads -> {
              ctx.verify(
                  () -> {
                    assertThat(reads.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(200);
                    assertThat(reads.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(200);
                  });
              return Future.join(held);
            })
        .onComplete(
            done ->
                ctx.verify(
                    () -> {
                      held.forEach(
                          w ->
                              assertThat(w.result().statusCode())
                                  .as("a write the database never answered")
                                  .isEqualTo(504));
                      client.close();
                      ctx.completeNow();
                    }));
  }
}
