package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.Lookup;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bulkheads of request-service on a cluster whose database stalls: node 1 is a bare node on
 * which the test plays db-service, answering reads until it stalls, then answering nothing at all.
 * Writes pile up in their bulkhead (the admitted ones wait for the database, the rest are shed with
 * 503), while every read of a cached document is answered from the cache.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Bulkheads while the database is stalled")
class BulkheadClusterTest {
  private static final String COLLECTION = "bulkhead";
  private static final int WRITE_LIMIT = 4;
  private static final int WRITES = 10 * WRITE_LIMIT;
  private static final int CACHED = 20;
  private static final int READS = 200;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "request", "cache")
              .node()
              .setting("TROUPE_ACCESS_LOG", "false")
              .setting("TROUPE_REQUEST_WRITE_MAX_IN_FLIGHT", String.valueOf(WRITE_LIMIT))
              // The writes the database swallowed end (504) within this; the reads never wait for
              // it.
              .setting("TROUPE_DB_TIMEOUT_MS", "3000"));

  private static final AtomicBoolean stalled = new AtomicBoolean();
  private static final AtomicInteger writesReceived = new AtomicInteger();
  private static final Promise<Void> writeBulkheadFull = Promise.promise();
  private static MessageConsumer<JsonObject> stallingDb;

  @BeforeAll
  static void playStallingDatabase() throws Exception {
    Vertx vertx = TROUPE.cluster().node(1).vertx();
    stallingDb =
        vertx
            .eventBus()
            .consumer(
                DbContract.ADDRESS,
                ActionRouter.of("stalling-db")
                    .on(
                        DbContract.GET.name(),
                        msg -> {
                          if (stalled.get()) {
                            return Promise.<JsonObject>promise().future();
                          }
                          DocKey key = DocWire.docKey(msg.body());
                          return Future.succeededFuture(
                              CacheWire.toJson(
                                  Lookup.found(
                                      new Document(
                                          key,
                                          1,
                                          Instant.parse("2026-01-01T00:00:00Z"),
                                          new JsonObject().put("id", key.id())))));
                        })
                    .on(
                        DbContract.PUT.name(),
                        msg -> {
                          if (writesReceived.incrementAndGet() == WRITE_LIMIT) {
                            writeBulkheadFull.tryComplete();
                          }
                          return Promise.<JsonObject>promise().future();
                        }));
    stallingDb
        .completion()
        .compose(v -> TROUPE.cluster().awaitAddress(0, DbContract.ADDRESS))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopPlaying() throws Exception {
    stallingDb.unregister().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "with the database stalled and the write bulkhead full, every read of a cached document is a 200 HIT; surplus writes get 503 with Retry-After")
  void hitsFlowWhileTheDatabaseIsStalled(Vertx vertx, VertxTestContext ctx) {
    WebClient client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(TROUPE.cluster().httpPort(0)),
            new PoolOptions().setHttp1MaxSize(WRITES + READS));
    List<Future<HttpResponse<Buffer>>> warm = new ArrayList<>();
    for (int i = 0; i < CACHED; i++) {
      warm.add(client.get("/api/v1/docs/" + COLLECTION + "/doc-" + i).send());
    }
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> reads = new ArrayList<>();
    Future.all(warm)
        .compose(
            warmed -> {
              ctx.verify(
                  () ->
                      warm.forEach(
                          r ->
                              assertThat(r.result().statusCode())
                                  .as("warming read")
                                  .isEqualTo(200)));
              stalled.set(true);
              for (int i = 0; i < WRITES; i++) {
                writes.add(
                    client
                        .put("/api/v1/docs/" + COLLECTION + "/new-" + i)
                        .sendJsonObject(new JsonObject().put("n", i)));
              }
              // The database holds as many writes as the bulkhead admits, and answers none of them.
              return writeBulkheadFull.future();
            })
        .compose(
            full -> {
              for (int i = 0; i < READS; i++) {
                reads.add(client.get("/api/v1/docs/" + COLLECTION + "/doc-" + (i % CACHED)).send());
              }
              return Future.join(reads);
            })
        .compose(
            read -> {
              ctx.verify(
                  () -> {
                    assertThat(writesReceived.get())
                        .as("writes still waiting for the stalled database")
                        .isEqualTo(WRITE_LIMIT);
                    Map<String, Integer> outcomes = new TreeMap<>();
                    for (Future<HttpResponse<Buffer>> r : reads) {
                      outcomes.merge(
                          r.succeeded()
                              ? r.result().statusCode() + " " + r.result().getHeader("X-Cache")
                              : r.cause().toString(),
                          1,
                          Integer::sum);
                    }
                    assertThat(outcomes)
                        .as("reads of cached documents")
                        .isEqualTo(Map.of("200 HIT", READS));
                  });
              return Future.join(writes);
            })
        .onComplete(
            done ->
                ctx.verify(
                    () -> {
                      Map<Integer, Integer> statuses = new TreeMap<>();
                      for (Future<HttpResponse<Buffer>> w : writes) {
                        assertThat(w.succeeded())
                            .as("every write is answered: %s", w.cause())
                            .isTrue();
                        HttpResponse<Buffer> r = w.result();
                        statuses.merge(r.statusCode(), 1, Integer::sum);
                        if (r.statusCode() == 503) {
                          assertThat(r.getHeader("Retry-After")).isEqualTo("1");
                        }
                      }
                      assertThat(statuses.keySet())
                          .as("statuses %s", statuses)
                          .isSubsetOf(503, 504);
                      assertThat(statuses.getOrDefault(503, 0))
                          .as("statuses %s", statuses)
                          .isGreaterThanOrEqualTo(WRITES - WRITE_LIMIT);
                      MeterRegistry registry = TROUPE.cluster().node(0).runtime().registry();
                      assertThat(
                              registry
                                  .get("troupe_rejected")
                                  .tag("service", "request")
                                  .tag("bulkhead", "write")
                                  .counter()
                                  .count())
                          .isGreaterThanOrEqualTo(WRITES - WRITE_LIMIT);
                      assertThat(
                              registry
                                  .get("troupe_rejected")
                                  .tag("service", "request")
                                  .tag("bulkhead", "read")
                                  .counter()
                                  .count())
                          .isZero();
                      client.close();
                      ctx.completeNow();
                    }));
  }
}
