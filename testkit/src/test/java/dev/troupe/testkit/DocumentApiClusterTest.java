package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The document API through a real three-node cluster: the gateway on node 0, request and cache on
 * node 1, the database and a second gateway on node 2. Every hop crosses the clustered event bus.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Document API on a three-node cluster")
class DocumentApiClusterTest {
  private static final String JSON = "application/json";
  private static final String PROBLEM = "application/problem+json";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway")
              .node("request", "cache")
              .node("db", "gateway")
              .setting("TROUPE_HTTP_MAX_BODY_BYTES", "4096"));

  private Http gatewayA;
  private Http gatewayB;

  @BeforeEach
  void clients(Vertx vertx) {
    gatewayA = new Http(vertx, TROUPE.cluster().httpPort(0));
    gatewayB = new Http(vertx, TROUPE.cluster().httpPort(2));
  }

  @Test
  @DisplayName(
      "PUT creates with 201 and version 1, replaces with 200 and version 2, with ETag and Location")
  void putCreatesThenReplaces(VertxTestContext ctx) {
    Checkpoint created = ctx.checkpoint();
    Checkpoint replaced = ctx.checkpoint();
    gatewayA
        .putJson("/api/v1/docs/books/dune", "{\"title\":\"Dune\",\"year\":1965}")
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(201);
                    assertThat(r.getHeader("ETag")).isEqualTo("\"1\"");
                    assertThat(r.getHeader("Location")).isEqualTo("/api/v1/docs/books/dune");
                    assertThat(r.getHeader("Content-Type")).isEqualTo(JSON);
                    JsonObject env = r.bodyAsJsonObject();
                    assertThat(env.fieldNames())
                        .containsExactlyInAnyOrder(
                            "collection", "id", "version", "updatedAt", "data");
                    assertThat(env.getString("collection")).isEqualTo("books");
                    assertThat(env.getString("id")).isEqualTo("dune");
                    assertThat(env.getLong("version")).isEqualTo(1L);
                    assertThat(env.getJsonObject("data"))
                        .isEqualTo(new JsonObject().put("title", "Dune").put("year", 1965));
                  });
              created.flag();
              return gatewayA.putJson("/api/v1/docs/books/dune", "{\"title\":\"Dune Messiah\"}");
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("ETag")).isEqualTo("\"2\"");
                          assertThat(r.bodyAsJsonObject().getLong("version")).isEqualTo(2L);
                          replaced.flag();
                        })));
  }

  @Test
  @DisplayName(
      "GET answers the envelope with X-Cache, 304 for a current If-None-Match, 404 when absent")
  void getCachesAndRevalidates(VertxTestContext ctx) {
    Checkpoint first = ctx.checkpoint();
    Checkpoint hit = ctx.checkpoint();
    Checkpoint notModified = ctx.checkpoint();
    Checkpoint absent = ctx.checkpoint();
    gatewayA
        .putJson("/api/v1/docs/get-test/g1", "{\"n\":1}")
        .compose(r -> gatewayA.get("/api/v1/docs/get-test/g1"))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.getHeader("X-Cache")).isIn("HIT", "MISS");
                    assertThat(r.getHeader("ETag")).isEqualTo("\"1\"");
                    assertThat(r.bodyAsJsonObject().getJsonObject("data"))
                        .isEqualTo(new JsonObject().put("n", 1));
                  });
              first.flag();
              return gatewayA.get("/api/v1/docs/get-test/g1");
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.getHeader("X-Cache")).isEqualTo("HIT"));
              hit.flag();
              return gatewayA.get("/api/v1/docs/get-test/g1", "If-None-Match", "\"1\"");
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(304);
                    assertThat(r.getHeader("ETag")).isEqualTo("\"1\"");
                    assertThat(r.body()).isNull();
                  });
              notModified.flag();
              return gatewayA.get("/api/v1/docs/get-test/never-written");
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertProblem(r, 404);
                          absent.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a document only the database has is a MISS, then a HIT; a cached 404 is superseded by a create")
  void missThenHit(VertxTestContext ctx) {
    Checkpoint miss = ctx.checkpoint();
    Checkpoint hit = ctx.checkpoint();
    Checkpoint negativeSuperseded = ctx.checkpoint();
    Bus db = new Bus(TROUPE.cluster().node(2).vertx(), 5_000);
    PutDoc direct =
        new PutDoc(
            DocKey.of("miss-test", "m1"), new JsonObject().put("from", "db"), Precondition.NONE);
    db.request(DbContract.ADDRESS, DbContract.PUT.name(), DocWire.toJson(direct), "test")
        .compose(r -> gatewayA.get("/api/v1/docs/miss-test/m1"))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.getHeader("X-Cache")).isEqualTo("MISS");
                  });
              miss.flag();
              return gatewayB.get("/api/v1/docs/miss-test/m1");
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.getHeader("X-Cache")).isEqualTo("HIT"));
              hit.flag();
              return gatewayA.get("/api/v1/docs/miss-test/later");
            })
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 404));
              return gatewayB.putJson("/api/v1/docs/miss-test/later", "{\"now\":true}");
            })
        .compose(r -> gatewayA.get("/api/v1/docs/miss-test/later"))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.bodyAsJsonObject().getJsonObject("data").getBoolean("now"))
                              .isTrue();
                          negativeSuperseded.flag();
                        })));
  }

  @Test
  @DisplayName("If-Match and If-None-Match: stale or existing answers 412, current applies")
  void conditionalWrites(VertxTestContext ctx) {
    Checkpoint createOnlyNew = ctx.checkpoint();
    Checkpoint createOnlyExisting = ctx.checkpoint();
    Checkpoint staleMatch = ctx.checkpoint();
    Checkpoint currentMatch = ctx.checkpoint();
    String uri = "/api/v1/docs/cond/c1";
    gatewayA
        .putJson(uri, "{\"v\":1}", "If-None-Match", "*")
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(201));
              createOnlyNew.flag();
              return gatewayA.putJson(uri, "{\"v\":2}", "If-None-Match", "*");
            })
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 412));
              createOnlyExisting.flag();
              return gatewayB.putJson(uri, "{\"v\":2}", "If-Match", "\"7\"");
            })
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 412));
              staleMatch.flag();
              return gatewayB.putJson(uri, "{\"v\":2}", "If-Match", "\"1\"");
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("ETag")).isEqualTo("\"2\"");
                          currentMatch.flag();
                        })));
  }

  @Test
  @DisplayName("DELETE answers 204, then 404; a stale If-Match answers 412 and deletes nothing")
  void deletes(VertxTestContext ctx) {
    Checkpoint stale = ctx.checkpoint();
    Checkpoint deleted = ctx.checkpoint();
    Checkpoint gone = ctx.checkpoint();
    Checkpoint again = ctx.checkpoint();
    String uri = "/api/v1/docs/del/d1";
    gatewayA
        .putJson(uri, "{}")
        .compose(r -> gatewayA.delete(uri, "If-Match", "\"5\""))
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 412));
              stale.flag();
              return gatewayA.delete(uri, "If-Match", "\"1\"");
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(204);
                    assertThat(r.getHeader("X-Request-Id")).isNotBlank();
                  });
              deleted.flag();
              return gatewayB.get(uri);
            })
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 404));
              gone.flag();
              return gatewayA.delete(uri);
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertProblem(r, 404);
                          again.flag();
                        })));
  }

  @Test
  @DisplayName("list pages a collection by id with limit and after; limit outside 1..1000 is 400")
  void lists(VertxTestContext ctx) {
    Checkpoint firstPage = ctx.checkpoint();
    Checkpoint lastPage = ctx.checkpoint();
    Checkpoint badLimits = ctx.checkpoint();
    List<String> ids = List.of("c", "a", "e", "b", "d");
    Future<?> writes =
        Future.all(
            ids.stream()
                .map(
                    id ->
                        gatewayA.putJson(
                            "/api/v1/docs/listing/" + id, new JsonObject().put("id", id).encode()))
                .toList());
    writes
        .compose(v -> gatewayA.get("/api/v1/docs/listing?limit=3"))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    JsonObject page = r.bodyAsJsonObject();
                    assertThat(ids(page.getJsonArray("items"))).containsExactly("a", "b", "c");
                    assertThat(page.getString("next")).isEqualTo("c");
                  });
              firstPage.flag();
              return gatewayB.get("/api/v1/docs/listing?limit=3&after=c");
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    JsonObject page = r.bodyAsJsonObject();
                    assertThat(ids(page.getJsonArray("items"))).containsExactly("d", "e");
                    assertThat(page.containsKey("next")).isTrue();
                    assertThat(page.getValue("next")).isNull();
                  });
              lastPage.flag();
              return Future.all(
                  gatewayA.get("/api/v1/docs/listing?limit=0"),
                  gatewayA.get("/api/v1/docs/listing?limit=1001"),
                  gatewayA.get("/api/v1/docs/listing?limit=x"),
                  gatewayA.get("/api/v1/docs/listing?after=..%2F"));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < all.size(); i++) {
                            assertProblem(all.resultAt(i), 400);
                          }
                          badLimits.flag();
                        })));
  }

  @Test
  @DisplayName("a write through one gateway is read back through the other, never an older version")
  void writeOnOneGatewayReadOnAnother(VertxTestContext ctx) {
    Checkpoint readBack = ctx.checkpoint();
    String uri = "/api/v1/docs/cross/x1";
    gatewayA
        .putJson(uri, "{\"v\":1}")
        .compose(r -> gatewayB.get(uri))
        .compose(r -> gatewayA.putJson(uri, "{\"v\":2}"))
        .compose(r -> gatewayB.get(uri))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("ETag")).isEqualTo("\"2\"");
                          assertThat(r.bodyAsJsonObject().getJsonObject("data").getInteger("v"))
                              .isEqualTo(2);
                          readBack.flag();
                        })));
  }

  @Test
  @DisplayName("bad input gets 400/404/405/413/415 as problem+json, never a 5xx")
  void badInput(VertxTestContext ctx) {
    Checkpoint checked = ctx.checkpoint();
    String big = "{\"a\":\"" + "x".repeat(5000) + "\"}";
    Future.all(
            List.of(
                gatewayA.putJson("/api/v1/docs/Upper/x", "{}"),
                gatewayA.putJson("/api/v1/docs/ok/" + "i".repeat(129), "{}"),
                gatewayA.putJson("/api/v1/docs/ok/x", "[1,2]"),
                gatewayA.putJson("/api/v1/docs/ok/x", "{broken"),
                gatewayA.putJson("/api/v1/docs/ok/x", ""),
                gatewayA.putJson("/api/v1/docs/ok/x", big),
                gatewayA.putJson("/api/v1/docs/ok/x", "{}", "Content-Type", "text/plain"),
                gatewayA.putJson("/api/v1/docs/ok/x", "{}", "If-Match", "not-an-etag"),
                gatewayA.send(HttpMethod.POST, "/api/v1/docs/ok/x", null, "{}"),
                gatewayA.get("/api/v1/nothing-here")))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          int[] expected = {400, 400, 400, 400, 400, 413, 415, 400, 405, 404};
                          for (int i = 0; i < expected.length; i++) {
                            HttpResponse<Buffer> r = all.resultAt(i);
                            assertProblem(r, expected[i]);
                          }
                          checked.flag();
                        })));
  }

  @Test
  @DisplayName(
      "X-Request-Id: a sane client id is echoed (and put in problems), an insane one replaced")
  void requestIds(VertxTestContext ctx) {
    Checkpoint echoed = ctx.checkpoint();
    Checkpoint replaced = ctx.checkpoint();
    gatewayA
        .get("/api/v1/docs/rid/absent", "X-Request-Id", "client-42")
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.getHeader("X-Request-Id")).isEqualTo("client-42");
                    assertThat(r.bodyAsJsonObject().getString("requestId")).isEqualTo("client-42");
                  });
              echoed.flag();
              return gatewayA.get(
                  "/api/v1/docs/rid/absent", "X-Request-Id", "bad id with spaces <script>");
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.getHeader("X-Request-Id"))
                              .isNotBlank()
                              .doesNotContain(" ", "<");
                          replaced.flag();
                        })));
  }

  @Test
  @DisplayName("health is live and ready on both gateways, and /metrics serves Prometheus text")
  void healthAndMetrics(VertxTestContext ctx) {
    Checkpoint live = ctx.checkpoint();
    Checkpoint ready = ctx.checkpoint(2);
    Checkpoint metrics = ctx.checkpoint();
    gatewayA
        .get("/health/live")
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo("UP");
                          live.flag();
                        })));
    for (Http gateway : List.of(gatewayA, gatewayB)) {
      gateway
          .get("/health/ready")
          .onComplete(
              ctx.succeeding(
                  r ->
                      ctx.verify(
                          () -> {
                            assertThat(r.statusCode()).isEqualTo(200);
                            assertThat(r.bodyAsString())
                                .contains("request-service", "cache-service", "db-service");
                            ready.flag();
                          })));
    }
    gatewayA
        .get("/health/ready")
        .compose(r -> gatewayA.get("/metrics"))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(r.getHeader("Content-Type")).startsWith("text/plain");
                          assertThat(r.bodyAsString()).contains("vertx_http_server_requests_total");
                          metrics.flag();
                        })));
  }

  static void assertProblem(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as("status of %s", r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo(PROBLEM);
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).startsWith("urn:troupe:problem:");
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(problem.getString("requestId")).isEqualTo(r.getHeader("X-Request-Id"));
  }

  private static List<String> ids(JsonArray items) {
    return items.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }
}
