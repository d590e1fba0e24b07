package dev.troupe.testkit;

import static dev.troupe.testkit.DocumentApiClusterTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TROUPE_AUTH=apikey: keys configured as hashes, a scope per verb, health and metrics open; in chat
 * a key acts as its name, a chat:admin key for anyone.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("API-key authentication")
class ApiKeyAuthTest {
  private static final String WRITER = "writer-secret-1";
  private static final String READER = "reader-secret-2";
  private static final String ANN = "ann-secret-3";
  private static final String OPS = "ops-secret-4";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway", "chat")
              .setting("TROUPE_AUTH", "apikey")
              .setting(
                  "TROUPE_API_KEYS",
                  "ci="
                      + sha256(WRITER)
                      + "=docs:read docs:write,dash="
                      + sha256(READER)
                      + "=docs:read,"
                      + "ann="
                      + sha256(ANN)
                      + "=chat:user,ops="
                      + sha256(OPS)
                      + "=chat:admin"));

  @Test
  @DisplayName(
      "no key or a wrong key is 401 with WWW-Authenticate, a read-only key writing is 403, right scopes pass")
  void scopes(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    String uri = "/api/v1/docs/secured/a";
    http.putJson(uri, "{}")
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertProblem(r, 401);
                    assertThat(r.getHeader("WWW-Authenticate")).startsWith("ApiKey");
                  });
              return http.get(uri, "Authorization", "ApiKey not-a-key");
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertProblem(r, 401);
                    assertThat(r.getHeader("WWW-Authenticate")).contains("invalid_key");
                  });
              return http.putJson(uri, "{}", "X-Api-Key", READER);
            })
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 403));
              return http.putJson(uri, "{\"ok\":true}", "Authorization", "ApiKey " + WRITER);
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(201));
              return Future.all(
                  http.get(uri, "X-Api-Key", READER),
                  http.get("/health/ready"),
                  http.get("/metrics"));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < 3; i++) {
                            io.vertx.ext.web.client.HttpResponse<?> r = all.resultAt(i);
                            assertThat(r.statusCode()).as("response %d", i).isEqualTo(200);
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "chat: a key acts only as its name (403 on every entry as another user, the stream too); chat:admin acts for anyone; docs keys not at all")
  void chatIdentity(Vertx vertx, VertxTestContext ctx) {
    new ChatIdentityScenario(vertx, TROUPE.cluster().httpPort(0))
        .run(
            ctx,
            "keyed",
            new ChatIdentityScenario.Credential("X-Api-Key", ANN, "ann"),
            "ben",
            new ChatIdentityScenario.Credential("Authorization", "ApiKey " + OPS, "ops"),
            new ChatIdentityScenario.Credential("X-Api-Key", WRITER, "ci"));
  }

  @Test
  @DisplayName(
      "a chat key reaches no document, also through a path that only looks like chat (/api/v1/chat/../docs/...)")
  void chatScopeIsNotADocumentScope(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Future.all(
            http.putJson("/api/v1/docs/secured/by-chat", "{}", "X-Api-Key", ANN),
            http.putJson("/api/v1/chat/../docs/secured/by-chat", "{}", "X-Api-Key", ANN),
            http.get("/api/v1/chat/%2E%2E/docs/secured/by-chat", "X-Api-Key", ANN))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          io.vertx.ext.web.client.HttpResponse<?> direct = all.resultAt(0);
                          assertThat(direct.statusCode()).as(direct.bodyAsString()).isEqualTo(403);
                          assertThat(direct.bodyAsString()).contains("docs:");
                          // A dot-segment never reaches a route: the edge refuses it (400) before
                          // any scope is
                          // judged; behind that, Scopes judges the normalized path (403), so
                          // neither is a way in.
                          for (int i = 1; i < 3; i++) {
                            io.vertx.ext.web.client.HttpResponse<?> r = all.resultAt(i);
                            assertThat(r.statusCode())
                                .as("request %d: %s", i, r.bodyAsString())
                                .isIn(400, 403);
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "authorize and validate are timed stages: passes and failures of each are counted at the gateway")
  void stagesAreTimed(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    double[] before = {
      timed("authorize"), failed("authorize"), timed("validate"), failed("validate")
    };
    http.putJson("/api/v1/docs/staged/a", "{\"ok\":true}", "X-Api-Key", WRITER)
        .compose(r -> http.putJson("/api/v1/docs/staged/a", "{}", "X-Api-Key", "wrong"))
        .compose(r -> http.putJson("/api/v1/docs/staged/a", "[1]", "X-Api-Key", WRITER))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(400);
                          // Three requests reached authorize: two passed it (and went on to
                          // validate), one failed it.
                          assertThat(timed("authorize") - before[0]).isEqualTo(3);
                          assertThat(failed("authorize") - before[1]).isEqualTo(1);
                          // Two reached validate: one passed to the pipeline, the non-object body
                          // failed it.
                          assertThat(timed("validate") - before[2]).isEqualTo(2);
                          assertThat(failed("validate") - before[3]).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "jobs: without a key 401; a read-only key may export and read a job but not import or cancel (403); a writer may")
  void jobScopes(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    String ndjson = "{\"id\":\"j1\",\"data\":{}}\n";
    io.vertx.core.MultiMap readerNdjson =
        Http.headers("X-Api-Key", READER, "Content-Type", "application/x-ndjson");
    io.vertx.core.MultiMap writerNdjson =
        Http.headers("X-Api-Key", WRITER, "Content-Type", "application/x-ndjson");
    http.send(
            io.vertx.core.http.HttpMethod.POST,
            "/api/v1/jobs?type=export&collection=secured",
            null,
            null)
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 401));
              return http.send(
                  io.vertx.core.http.HttpMethod.POST,
                  "/api/v1/jobs?type=import&collection=secured",
                  readerNdjson,
                  ndjson);
            })
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 403));
              return http.send(
                  io.vertx.core.http.HttpMethod.POST,
                  "/api/v1/jobs?type=export&collection=secured",
                  Http.headers("X-Api-Key", READER),
                  null);
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(202));
              String job = r.getHeader("Location");
              return Future.all(
                  http.get(job, "X-Api-Key", READER),
                  http.delete(job, "X-Api-Key", READER),
                  http.delete(job, "X-Api-Key", WRITER),
                  http.send(
                      io.vertx.core.http.HttpMethod.POST,
                      "/api/v1/jobs?type=import&collection=secured",
                      writerNdjson,
                      ndjson));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          io.vertx.ext.web.client.HttpResponse<?> read = all.resultAt(0);
                          assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
                          assertProblem(all.resultAt(1), 403);
                          assertThat(
                                  ((io.vertx.ext.web.client.HttpResponse<?>) all.resultAt(2))
                                      .statusCode())
                              .isEqualTo(200);
                          assertThat(
                                  ((io.vertx.ext.web.client.HttpResponse<?>) all.resultAt(3))
                                      .statusCode())
                              .isEqualTo(202);
                          ctx.completeNow();
                        })));
  }

  private static double timed(String stage) {
    var timer =
        TROUPE
            .cluster()
            .node(0)
            .runtime()
            .registry()
            .find("troupe_stage_seconds")
            .tag("stage", stage)
            .timer();
    return timer == null ? 0 : timer.count();
  }

  private static double failed(String stage) {
    var counter =
        TROUPE
            .cluster()
            .node(0)
            .runtime()
            .registry()
            .find("troupe_stage_failures")
            .tag("stage", stage)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
