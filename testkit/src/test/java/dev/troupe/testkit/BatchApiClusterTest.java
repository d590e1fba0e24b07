package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code _mget} and {@code _mput} through a two-node cluster (gateway, request and cache on node 0,
 * the database on node 1): fork-join reads that cost one database query per sub-batch, and
 * transactional batch writes that move the cache forward.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Batch API (_mget, _mput) on a two-node cluster")
class BatchApiClusterTest {
  private static final int BATCH_SIZE = 100;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "request", "cache")
              .node("db")
              .setting("TROUPE_BATCH_SIZE", String.valueOf(BATCH_SIZE))
              // These tests count database queries. A cache call that times out falls back to the
              // database, as
              // it should, and would be counted; on a loaded 2-CPU machine 500 ms is not always
              // enough.
              .setting("TROUPE_CACHE_TIMEOUT_MS", "5000"));

  private Http http;

  @BeforeEach
  void client(Vertx vertx) {
    http = new Http(vertx, TROUPE.cluster().httpPort(0));
  }

  private Future<HttpResponse<Buffer>> post(String uri, JsonObject body) {
    return http.send(
        HttpMethod.POST, uri, Http.headers("Content-Type", "application/json"), body.encode());
  }

  private static JsonObject mput(List<String> ids) {
    JsonArray items = new JsonArray();
    ids.forEach(
        id ->
            items.add(
                new JsonObject().put("id", id).put("data", new JsonObject().put("name", id))));
    return new JsonObject().put("items", items);
  }

  private static JsonObject mget(List<String> ids) {
    return new JsonObject().put("ids", new JsonArray(List.copyOf(ids)));
  }

  private static double dbBatchReads() {
    Counter counter =
        TROUPE.cluster().node(1).runtime().registry().find("troupe_db_batch_reads").counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName(
      "_mput writes every item; _mget returns them by id in the order asked, unknown ids as missing, and GET hits the cache")
  void writeThenRead(VertxTestContext ctx) {
    Checkpoint written = ctx.checkpoint();
    Checkpoint read = ctx.checkpoint();
    Checkpoint cached = ctx.checkpoint();
    post("/api/v1/docs/planets/_mput", mput(List.of("mars", "venus", "earth")))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
                    assertThat(items).hasSize(3);
                    assertThat(items.getJsonObject(0).getInteger("status")).isEqualTo(201);
                    assertThat(items.getJsonObject(2).getJsonObject("document").getString("id"))
                        .isEqualTo("earth");
                    assertThat(items.getJsonObject(2).getJsonObject("document").getLong("version"))
                        .isEqualTo(1L);
                    written.flag();
                  });
              return post(
                  "/api/v1/docs/planets/_mget",
                  mget(List.of("venus", "pluto", "mars", "earth", "venus")));
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    JsonObject body = r.bodyAsJsonObject();
                    assertThat(body.fieldNames()).containsExactlyInAnyOrder("found", "missing");
                    assertThat(body.getJsonObject("found").fieldNames())
                        .containsExactly("venus", "mars", "earth");
                    assertThat(
                            body.getJsonObject("found").getJsonObject("mars").getJsonObject("data"))
                        .isEqualTo(new JsonObject().put("name", "mars"));
                    assertThat(body.getJsonArray("missing")).containsExactly("pluto");
                    read.flag();
                  });
              return http.get("/api/v1/docs/planets/venus");
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("X-Cache")).isEqualTo("HIT");
                          cached.flag();
                        })));
  }

  @Test
  @DisplayName("_mput with one stale precondition commits nothing and answers 412 naming the item")
  void mputIsAllOrNothing(VertxTestContext ctx) {
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint untouched = ctx.checkpoint();
    JsonObject body = mput(List.of("one", "two"));
    body.getJsonArray("items").getJsonObject(1).put("ifMatch", 7);
    post("/api/v1/docs/atomic/_mput", body)
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(412);
                    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
                    assertThat(r.bodyAsJsonObject().getString("detail"))
                        .contains("item 1")
                        .contains("two");
                    rejected.flag();
                  });
              return post("/api/v1/docs/atomic/_mget", mget(List.of("one", "two")));
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.bodyAsJsonObject().getJsonObject("found")).isEmpty();
                          assertThat(r.bodyAsJsonObject().getJsonArray("missing"))
                              .containsExactly("one", "two");
                          untouched.flag();
                        })));
  }

  @Test
  @DisplayName(
      "_mget of 1,000 ids costs one database query per sub-batch at most, and none once they are cached")
  void mgetQueriesAreBounded(VertxTestContext ctx) {
    List<String> written = IntStream.range(0, 500).mapToObj(i -> "w-" + i).toList();
    List<String> asked =
        IntStream.range(0, 1000)
            .mapToObj(i -> i % 2 == 0 ? "w-" + (i / 2) : "absent-" + i)
            .toList();
    Checkpoint cold = ctx.checkpoint();
    Checkpoint warm = ctx.checkpoint();
    double[] before = new double[1];
    post("/api/v1/docs/bulk/_mput", mput(written))
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(200));
              before[0] = dbBatchReads();
              return post("/api/v1/docs/bulk/_mget", mget(asked));
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.bodyAsJsonObject().getJsonObject("found").size()).isEqualTo(500);
                    assertThat(r.bodyAsJsonObject().getJsonArray("missing")).hasSize(500);
                    // The 500 written documents are cached by the write; every sub-batch still
                    // misses its absent ids.
                    assertThat(dbBatchReads() - before[0]).isEqualTo(1000.0 / BATCH_SIZE);
                    cold.flag();
                  });
              before[0] = dbBatchReads();
              return post("/api/v1/docs/bulk/_mget", mget(written));
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.bodyAsJsonObject().getJsonObject("found").size())
                              .isEqualTo(500);
                          assertThat(dbBatchReads() - before[0]).isZero();
                          warm.flag();
                        })));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "_mget | {\"ids\":\"a\"}",
        "_mget | {\"ids\":[]}",
        "_mget | {\"ids\":[\"ok\",7]}",
        "_mget | {\"ids\":[\"../etc\"]}",
        "_mget | {\"id\":[\"a\"]}",
        "_mget | [\"a\"]",
        "_mput | {\"items\":[{\"id\":\"a\",\"data\":{}},{\"id\":\"a\",\"data\":{}}]}",
        "_mput | {\"items\":[{\"id\":\"a\",\"data\":[]}]}",
        "_mput | {\"items\":[{\"id\":\"a\",\"data\":{},\"ifMatch\":\"1\"}]}",
        "_mput | {\"items\":[{\"id\":\"a\",\"data\":{},\"ifNoneMatch\":\"x\"}]}",
        "_mput | {\"items\":[]}",
      })
  @DisplayName("a malformed batch is a 400 problem naming what is wrong")
  void malformedBatches(String action, String body, VertxTestContext ctx) {
    http.send(
            HttpMethod.POST,
            "/api/v1/docs/bad/" + action,
            Http.headers("Content-Type", "application/json"),
            body)
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(400);
                          assertThat(r.getHeader("Content-Type"))
                              .isEqualTo("application/problem+json");
                          assertThat(r.bodyAsJsonObject().getString("detail")).isNotBlank();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("_mget of more than 1,000 ids is a 400, and partial must be true or false")
  void limits(VertxTestContext ctx) {
    Checkpoint tooMany = ctx.checkpoint();
    Checkpoint badFlag = ctx.checkpoint();
    post("/api/v1/docs/bad/_mget", mget(IntStream.range(0, 1001).mapToObj(i -> "x" + i).toList()))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(400);
                    assertThat(r.bodyAsJsonObject().getString("detail")).contains("1 to 1000");
                    tooMany.flag();
                  });
              return post("/api/v1/docs/bad/_mget?partial=maybe", mget(List.of("a")));
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(400);
                          badFlag.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a body over 64 KiB is decoded on the troupe-cpu pool: a good one is written, a bad one is the same 400")
  void largeBodiesDecodeOffTheEventLoop(VertxTestContext ctx) {
    Checkpoint written = ctx.checkpoint();
    Checkpoint rejected = ctx.checkpoint();
    String padding = "x".repeat(200);
    JsonArray items = new JsonArray();
    for (int i = 0; i < 500; i++) {
      items.add(
          new JsonObject().put("id", "big-" + i).put("data", new JsonObject().put("pad", padding)));
    }
    JsonObject body = new JsonObject().put("items", items);
    assertThat(body.encode().length()).isGreaterThan(64 * 1024);
    double before = cpuTasks();
    post("/api/v1/docs/large/_mput", body)
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.bodyAsJsonObject().getJsonArray("items")).hasSize(500);
                    assertThat(cpuTasks() - before).isGreaterThanOrEqualTo(1);
                    written.flag();
                  });
              // Valid JSON, but one item lacks its data: rejected by the same checks, off the loop.
              items.getJsonObject(499).remove("data");
              return post("/api/v1/docs/large/_mput", body);
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(400);
                          assertThat(r.getHeader("Content-Type"))
                              .isEqualTo("application/problem+json");
                          assertThat(r.bodyAsJsonObject().getString("detail")).contains("499");
                          rejected.flag();
                        })));
  }

  /** Tasks the gateway node's troupe-cpu pool has completed (Vert.x's pool metrics). */
  private static double cpuTasks() {
    var counter =
        TROUPE
            .cluster()
            .node(0)
            .runtime()
            .registry()
            .find("vertx.pool.completed")
            .tag("pool_name", "troupe-cpu")
            .counter();
    return counter == null ? 0 : counter.count();
  }
}
