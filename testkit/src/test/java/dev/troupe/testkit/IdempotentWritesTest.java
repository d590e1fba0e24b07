package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Idempotency-Key header through the whole pipeline, on the embedded H2 database. */
@ExtendWith(VertxExtension.class)
@DisplayName("Idempotent writes over HTTP")
class IdempotentWritesTest {
  private static final String JSON = "application/json";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(TroupeCluster.builder().node("all"));

  private static Http http(Vertx vertx) {
    return new Http(vertx, TROUPE.cluster().httpPort(0));
  }

  @Test
  @DisplayName(
      "a conditional PUT sent twice with one Idempotency-Key is applied once and answered the same twice")
  void putReplayed(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    http.putJson("/api/v1/docs/idem/p1", "{\"v\":1}")
        .compose(
            created ->
                http.putJson(
                    "/api/v1/docs/idem/p1",
                    "{\"v\":2}",
                    "If-Match",
                    "\"1\"",
                    "Idempotency-Key",
                    "key-p1"))
        .compose(
            first ->
                http.putJson(
                        "/api/v1/docs/idem/p1",
                        "{\"v\":2}",
                        "If-Match",
                        "\"1\"",
                        "Idempotency-Key",
                        "key-p1")
                    .map(second -> new Object[] {first, second}))
        .compose(
            both ->
                http.get("/api/v1/docs/idem/p1")
                    .map(
                        read -> {
                          ctx.verify(
                              () -> {
                                var first = (io.vertx.ext.web.client.HttpResponse<?>) both[0];
                                var second = (io.vertx.ext.web.client.HttpResponse<?>) both[1];
                                assertThat(first.statusCode()).isEqualTo(200);
                                assertThat(second.statusCode())
                                    .as("the replay answers the first result, not 412")
                                    .isEqualTo(200);
                                assertThat(second.getHeader("ETag"))
                                    .isEqualTo("\"2\"")
                                    .isEqualTo(first.getHeader("ETag"));
                                assertThat(read.getHeader("ETag")).isEqualTo("\"2\"");
                              });
                          return read;
                        }))
        .compose(read -> http.putJson("/api/v1/docs/idem/other", "{}", "Idempotency-Key", "key-p1"))
        .onComplete(
            ctx.succeeding(
                reused ->
                    ctx.verify(
                        () -> {
                          assertThat(reused.statusCode())
                              .as("a key reused for another document")
                              .isEqualTo(409);
                          assertThat(reused.getHeader("Content-Type"))
                              .isEqualTo("application/problem+json");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a DELETE sent twice with one Idempotency-Key answers 204 twice; without a key the second is 404")
  void deleteReplayed(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    http.putJson("/api/v1/docs/idem/d1", "{}")
        .compose(
            created ->
                http.send(
                    HttpMethod.DELETE,
                    "/api/v1/docs/idem/d1",
                    Http.headers("Idempotency-Key", "key-d1"),
                    null))
        .compose(
            first ->
                http.send(
                        HttpMethod.DELETE,
                        "/api/v1/docs/idem/d1",
                        Http.headers("Idempotency-Key", "key-d1"),
                        null)
                    .map(
                        second -> {
                          ctx.verify(
                              () -> {
                                assertThat(first.statusCode()).isEqualTo(204);
                                assertThat(second.statusCode()).isEqualTo(204);
                              });
                          return second;
                        }))
        .compose(
            replayed -> http.send(HttpMethod.DELETE, "/api/v1/docs/idem/d1", Http.headers(), null))
        .onComplete(
            ctx.succeeding(
                fresh ->
                    ctx.verify(
                        () -> {
                          assertThat(fresh.statusCode()).isEqualTo(404);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "an _mput replayed with its Idempotency-Key writes the batch once and answers the same items")
  void mputReplayed(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    String batch =
        "{\"items\":[{\"id\":\"m1\",\"data\":{},\"ifNoneMatch\":\"*\"},{\"id\":\"m2\",\"data\":{}}]}";
    http.send(
            HttpMethod.POST,
            "/api/v1/docs/idem/_mput",
            Http.headers("Content-Type", JSON, "Idempotency-Key", "key-m"),
            batch)
        .compose(
            first ->
                http.send(
                        HttpMethod.POST,
                        "/api/v1/docs/idem/_mput",
                        Http.headers("Content-Type", JSON, "Idempotency-Key", "key-m"),
                        batch)
                    .map(
                        second -> {
                          ctx.verify(
                              () -> {
                                assertThat(first.statusCode()).isEqualTo(200);
                                assertThat(second.statusCode())
                                    .as("create-only items replayed, not 412")
                                    .isEqualTo(200);
                                assertThat(second.bodyAsJsonObject())
                                    .isEqualTo(first.bodyAsJsonObject());
                              });
                          return second;
                        }))
        .compose(replayed -> http.get("/api/v1/docs/idem/m2"))
        .onComplete(
            ctx.succeeding(
                read ->
                    ctx.verify(
                        () -> {
                          assertThat(read.getHeader("ETag")).isEqualTo("\"1\"");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("an Idempotency-Key that is not visible ASCII is a 400")
  void badKey(Vertx vertx, VertxTestContext ctx) {
    http(vertx)
        .putJson("/api/v1/docs/idem/bad", "{}", "Idempotency-Key", "has space")
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(400);
                          ctx.completeNow();
                        })));
  }
}
