package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.contract.BatchWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fork-join read whose sub-batches fail in different ways. Node 1 is a bare node on which the
 * test plays db-service: ids starting with {@code down-} fail as unavailable, ids starting with
 * {@code slow-} are never answered, the others exist.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("_mget with failing and slow sub-batches")
class BatchFaultsTest {
  private static final long DEADLINE_MS = 1_000;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "request", "cache")
              .node()
              .setting("TROUPE_BATCH_SIZE", "2")
              .setting("TROUPE_BATCH_DEADLINE_MS", String.valueOf(DEADLINE_MS)));

  private static MessageConsumer<JsonObject> fakeDb;

  @BeforeAll
  static void playDatabase() throws Exception {
    Vertx vertx = TROUPE.cluster().node(1).vertx();
    fakeDb =
        vertx
            .eventBus()
            .consumer(
                DbContract.ADDRESS,
                ActionRouter.of("fake-db")
                    .onRaw(DbContract.GET_MANY, msg -> answer(BatchWire.keyBatch(msg.body()))));
    fakeDb
        .completion()
        .compose(v -> TROUPE.cluster().awaitAddress(0, DbContract.ADDRESS))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopPlaying() throws Exception {
    fakeDb.unregister().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Future<JsonObject> answer(KeyBatch batch) {
    if (batch.ids().get(0).startsWith("down-")) {
      return Future.failedFuture(
          new TroupeException(ErrorCode.UNAVAILABLE, "the database is restarting"));
    }
    if (batch.ids().get(0).startsWith("slow-")) {
      return Promise.<JsonObject>promise().future();
    }
    List<Lookup> found =
        batch.ids().stream()
            .map(
                id ->
                    Lookup.found(
                        new Document(
                            batch.key(batch.ids().indexOf(id)),
                            1,
                            Instant.parse("2026-01-01T00:00:00Z"),
                            new JsonObject().put("id", id))))
            .toList();
    return Future.succeededFuture(BatchWire.toJson(new LookupBatch(found)));
  }

  private static final String IDS =
      new JsonObject()
          .put("ids", new JsonArray(List.of("a", "b", "down-1", "down-2", "slow-1", "slow-2")))
          .encode();

  @Test
  @DisplayName(
      "without partial, a failed sub-batch fails the call with its status, naming the part")
  void failsWhole(Vertx vertx, VertxTestContext ctx) {
    new Http(vertx, TROUPE.cluster().httpPort(0))
        .send(
            HttpMethod.POST,
            "/api/v1/docs/faulty/_mget",
            Http.headers("Content-Type", "application/json"),
            IDS)
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(503);
                          assertThat(r.getHeader("Retry-After")).isNotNull();
                          assertThat(r.bodyAsJsonObject().getString("detail"))
                              .startsWith("part 2 of 3")
                              .contains("down-1")
                              .contains("the database is restarting");
                          assertThat(r.bodyAsJsonObject().getString("stage")).isEqualTo("db");
                          var registry = TROUPE.cluster().node(0).runtime().registry();
                          assertThat(
                                  registry
                                      .find("troupe_stage_failures")
                                      .tag("stage", "db")
                                      .counter()
                                      .count())
                              .isPositive();
                          assertThat(
                                  registry
                                      .find("troupe_stage_seconds")
                                      .tag("stage", "cache")
                                      .timer()
                                      .count())
                              .isPositive();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "with partial=true, the parts that answered are returned and the failed and late ones are marked")
  void returnsPartial(Vertx vertx, VertxTestContext ctx) {
    long started = System.nanoTime();
    new Http(vertx, TROUPE.cluster().httpPort(0))
        .send(
            HttpMethod.POST,
            "/api/v1/docs/faulty/_mget?partial=true",
            Http.headers("Content-Type", "application/json"),
            IDS)
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonObject body = r.bodyAsJsonObject();
                          assertThat(body.getJsonObject("found").fieldNames())
                              .containsExactly("a", "b");
                          assertThat(body.getJsonArray("missing")).isEmpty();
                          JsonArray failed = body.getJsonArray("failed");
                          assertThat(failed).hasSize(2);
                          assertThat(failed.getJsonObject(0).getJsonArray("ids"))
                              .containsExactly("down-1", "down-2");
                          assertThat(failed.getJsonObject(0).getString("error"))
                              .isEqualTo("UNAVAILABLE");
                          assertThat(failed.getJsonObject(1).getJsonArray("ids"))
                              .containsExactly("slow-1", "slow-2");
                          assertThat(failed.getJsonObject(1).getString("error"))
                              .isEqualTo("TIMEOUT");
                          // The slow part was given up at the batch deadline, not at the gateway's
                          // 10 s timeout.
                          assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                              .isGreaterThanOrEqualTo(DEADLINE_MS - 100);
                          ctx.completeNow();
                        })));
  }
}
