package dev.troupe.testkit;

import static dev.troupe.testkit.DocumentApiClusterTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
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
 * TROUPE_HEALTH_AUTH=key: readiness and metrics need the health key, liveness stays open, and the
 * API is not affected. The default (open) is covered by {@link ApiKeyAuthTest}.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Health key")
class HealthKeyTest {
  private static final String KEY = "scraper-health-key-7f3a";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_HEALTH_AUTH", "key")
              .setting("TROUPE_HEALTH_KEY_SHA256", sha256(KEY)));

  @Test
  @DisplayName(
      "live is open; ready and metrics are 401 without the key or with a wrong one, 200 with it")
  void healthKey(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Checkpoint liveOpen = ctx.checkpoint();
    Checkpoint readyNoKey = ctx.checkpoint();
    Checkpoint readyWrongKey = ctx.checkpoint();
    Checkpoint metricsNoKey = ctx.checkpoint();
    Checkpoint readyWithKey = ctx.checkpoint();
    Checkpoint metricsWithKey = ctx.checkpoint();
    Checkpoint apiUnaffected = ctx.checkpoint();
    http.get("/health/live")
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(200));
              liveOpen.flag();
              return http.get("/health/ready");
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertProblem(r, 401);
                    assertThat(r.getHeader("WWW-Authenticate"))
                        .isEqualTo("Bearer realm=\"troupe-health\"");
                    assertThat(r.bodyAsString()).doesNotContain("request-service", "members");
                  });
              readyNoKey.flag();
              return http.get("/health/ready", "Authorization", "Bearer not-the-key");
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertProblem(r, 401);
                    assertThat(r.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
                  });
              readyWrongKey.flag();
              return http.get("/metrics", "X-Health-Key", KEY + "x");
            })
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 401));
              metricsNoKey.flag();
              return http.get("/health/ready", "Authorization", "Bearer " + KEY);
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200));
              readyWithKey.flag();
              return http.get("/metrics", "X-Health-Key", KEY);
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(
                            RateLimitClusterTest.metric(
                                r.bodyAsString(),
                                "troupe_gateway_rejected_requests_total",
                                "reason=\"health_key\""))
                        .isEqualTo(3);
                  });
              metricsWithKey.flag();
              return http.get("/api/v1/docs/health/none");
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertProblem(r, 404);
                          apiUnaffected.flag();
                        })));
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
