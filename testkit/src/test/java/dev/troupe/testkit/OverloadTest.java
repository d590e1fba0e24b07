package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.Lookup;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ten times the gateway's in-flight limit at once, against a database that takes a second per read
 * (node 1 is a bare node on which the test plays db-service). The gateway must admit up to its
 * limit, hold the rest for its queue timeout (500 ms, shorter than a read here) and then refuse
 * them with 503 and Retry-After, time nothing out, and hold nothing afterwards.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Backpressure under 10x overload")
class OverloadTest {
  private static final int LIMIT = 8;
  private static final int REQUESTS = 10 * LIMIT;
  private static final long DB_DELAY_MS = 1_000;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "request", "cache")
              .node()
              .setting("TROUPE_GATEWAY_MAX_IN_FLIGHT", String.valueOf(LIMIT))
              .setting("TROUPE_GATEWAY_QUEUE_TIMEOUT_MS", "500")
              .setting("TROUPE_GATEWAY_INSTANCES", "2"));

  private static MessageConsumer<JsonObject> slowDb;

  @BeforeAll
  static void playSlowDatabase() throws Exception {
    Vertx vertx = TROUPE.cluster().node(1).vertx();
    slowDb =
        vertx
            .eventBus()
            .consumer(
                DbContract.ADDRESS,
                ActionRouter.of("slow-db")
                    .on(
                        DbContract.GET.name(),
                        msg -> {
                          DocKey key = DocWire.docKey(msg.body());
                          Promise<JsonObject> reply = Promise.promise();
                          vertx.setTimer(
                              DB_DELAY_MS,
                              t ->
                                  reply.complete(
                                      CacheWire.toJson(
                                          Lookup.found(
                                              new Document(
                                                  key,
                                                  1,
                                                  Instant.parse("2026-01-01T00:00:00Z"),
                                                  new JsonObject().put("id", key.id()))))));
                          return reply.future();
                        }));
    slowDb
        .completion()
        .compose(v -> TROUPE.cluster().awaitAddress(0, DbContract.ADDRESS))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopPlaying() throws Exception {
    slowDb.unregister().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "only 200s and 503s with Retry-After, at most the limit admitted, nothing left in flight")
  void tenTimesTheLimit(Vertx vertx, VertxTestContext ctx) {
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(TROUPE.cluster().httpPort(0)),
            new PoolOptions().setHttp1MaxSize(REQUESTS));
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      all.add(client.get("/api/v1/docs/load/doc-" + i).send());
    }
    Future.join(all)
        .onComplete(
            done ->
                ctx.verify(
                    () -> {
                      Map<Integer, Integer> statuses = new TreeMap<>();
                      for (Future<HttpResponse<Buffer>> f : all) {
                        assertThat(f.succeeded())
                            .as("every request is answered, none reset: %s", f.cause())
                            .isTrue();
                        HttpResponse<Buffer> r = f.result();
                        statuses.merge(r.statusCode(), 1, Integer::sum);
                        if (r.statusCode() == 503) {
                          assertThat(r.getHeader("Retry-After")).isEqualTo("1");
                          assertThat(r.bodyAsJsonObject().getString("detail"))
                              .contains("limit of " + LIMIT);
                        }
                      }
                      assertThat(statuses.keySet())
                          .as("statuses %s", statuses)
                          .isSubsetOf(200, 503);
                      assertThat(statuses.getOrDefault(200, 0))
                          .as("statuses %s", statuses)
                          .isBetween(1, REQUESTS - 1);
                      assertThat(statuses.getOrDefault(503, 0))
                          .as("statuses %s", statuses)
                          .isGreaterThanOrEqualTo(REQUESTS - 4 * LIMIT);
                      Gauge inFlight =
                          TROUPE
                              .cluster()
                              .node(0)
                              .runtime()
                              .registry()
                              .find("troupe_inflight")
                              .tag("service", "gateway")
                              .tag("bulkhead", "read")
                              .gauge();
                      assertThat(inFlight.value()).isZero();
                      Gauge queued =
                          TROUPE
                              .cluster()
                              .node(0)
                              .runtime()
                              .registry()
                              .find("troupe_gateway_queued")
                              .tag("bulkhead", "read")
                              .gauge();
                      assertThat(queued.value()).isZero();
                      client.close();
                      ctx.completeNow();
                    }));
  }
}
