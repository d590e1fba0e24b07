package dev.troupe.testkit;

import static dev.troupe.testkit.DocumentApiClusterTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rate limit across two gateways of one cluster: one budget per API key, shared. The rate is
 * one token per 1000 s, so refill cannot add a whole token while a test runs (no sleeping, no
 * timing): every admitted request spent one of the burst's tokens. Each test uses a key of its own.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Cluster-wide rate limit")
class RateLimitClusterTest {
  private static final int BURST = 10;
  private static final String ALPHA = "alpha-key-secret";
  private static final String BETA = "beta-key-secret";
  private static final String GAMMA = "gamma-key-secret";

  /**
   * Instances per gateway node: each may hold one unspent lease token of a client (the documented
   * slack).
   */
  private static final int INSTANCES = 2;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .node("cache", "request", "gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting(
                  "TROUPE_API_KEYS",
                  entry("alpha", ALPHA) + "," + entry("beta", BETA) + "," + entry("gamma", GAMMA))
              .setting("TROUPE_RATE_LIMIT_PER_SEC", "0.001")
              .setting("TROUPE_RATE_LIMIT_BURST", Integer.toString(BURST))
              // Generous, so that a slow machine never makes the limiter fail open during a test.
              .setting("TROUPE_RATE_LIMIT_TIMEOUT_MS", "10000")
              .setting("TROUPE_GATEWAY_INSTANCES", Integer.toString(INSTANCES)));

  @Test
  @DisplayName(
      "a first write, which waits for the client's tokens, keeps its body and carries the RateLimit headers")
  void headersOnSuccess(Vertx vertx, VertxTestContext ctx) {
    Http a = Http.oneConnection(vertx, TROUPE.cluster().httpPort(0));
    Checkpoint written = ctx.checkpoint();
    Checkpoint readBack = ctx.checkpoint();
    a.putJson("/api/v1/docs/limits/body", "{\"n\":42}", "X-Api-Key", GAMMA)
        .compose(
            put -> {
              ctx.verify(
                  () -> {
                    assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(201);
                    assertThat(put.getHeader("RateLimit-Limit")).isEqualTo(Integer.toString(BURST));
                    assertThat(put.getHeader("RateLimit-Remaining"))
                        .isEqualTo(Integer.toString(BURST - 1));
                    assertThat(put.getHeader("RateLimit-Reset"))
                        .as("one token to refill at 0.001/s")
                        .isEqualTo("1000");
                    assertThat(put.getHeader("Retry-After")).isNull();
                  });
              written.flag();
              return a.get("/api/v1/docs/limits/body", "X-Api-Key", GAMMA);
            })
        .onComplete(
            ctx.succeeding(
                get ->
                    ctx.verify(
                        () -> {
                          assertThat(get.statusCode()).isEqualTo(200);
                          assertThat(get.bodyAsJsonObject().getJsonObject("data").getInteger("n"))
                              .isEqualTo(42);
                          assertThat(get.getHeader("RateLimit-Remaining"))
                              .isEqualTo(Integer.toString(BURST - 2));
                          readBack.flag();
                        })));
  }

  @Test
  @DisplayName(
      "one client sending through both gateways in turn gets exactly the burst, then 429 with Retry-After on each")
  void sharedBudgetSequential(Vertx vertx, VertxTestContext ctx) {
    // One connection each, so each sequence stays on one gateway instance and no instance is left
    // holding a lease token when its sequence stops (the slack the concurrent test allows for).
    Http a = Http.oneConnection(vertx, TROUPE.cluster().httpPort(0));
    Http b = Http.oneConnection(vertx, TROUPE.cluster().httpPort(1));
    Checkpoint exact = ctx.checkpoint();
    Checkpoint refusedWell = ctx.checkpoint();
    Future<Outcome> throughA = untilRefused(a, ALPHA, 0, new ArrayList<>());
    Future<Outcome> throughB = untilRefused(b, ALPHA, 0, new ArrayList<>());
    Future.all(throughA, throughB)
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          Outcome oa = throughA.result();
                          Outcome ob = throughB.result();
                          assertThat(oa.admitted() + ob.admitted())
                              .as(
                                  "admitted through A (%d) and B (%d)",
                                  oa.admitted(), ob.admitted())
                              .isEqualTo(BURST);
                          for (HttpResponse<Buffer> r : oa.responses()) {
                            assertThat(r.getHeader("RateLimit-Limit"))
                                .isEqualTo(Integer.toString(BURST));
                            assertThat(Integer.parseInt(r.getHeader("RateLimit-Remaining")))
                                .isBetween(0, BURST - 1);
                          }
                          exact.flag();
                          for (HttpResponse<Buffer> refused : List.of(oa.refusal(), ob.refusal())) {
                            assertRefused(refused);
                          }
                          refusedWell.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a concurrent flood through both gateways never gets more than the burst, and every other request is 429")
  void sharedBudgetConcurrent(Vertx vertx, VertxTestContext ctx) {
    Http a = new Http(vertx, TROUPE.cluster().httpPort(0));
    Http b = new Http(vertx, TROUPE.cluster().httpPort(1));
    Checkpoint bounded = ctx.checkpoint();
    Checkpoint counted = ctx.checkpoint();
    int perGateway = 2 * BURST;
    List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
    for (int i = 0; i < perGateway; i++) {
      flood.add(a.get("/api/v1/docs/limits/flood", "X-Api-Key", BETA));
      flood.add(b.get("/api/v1/docs/limits/flood", "X-Api-Key", BETA));
    }
    Future.all(flood)
        .compose(
            all -> {
              ctx.verify(
                  () -> {
                    int admitted = 0;
                    for (Future<HttpResponse<Buffer>> f : flood) {
                      HttpResponse<Buffer> r = f.result();
                      if (r.statusCode() == 429) {
                        assertRefused(r);
                      } else {
                        assertThat(r.statusCode()).isEqualTo(404);
                        admitted++;
                      }
                    }
                    System.out.println(
                        "flood: " + admitted + " of " + flood.size() + " admitted, burst " + BURST);
                    // Never more than the burst; fewer only by lease tokens still held by an
                    // instance that took
                    // them ahead of time (one per instance, given back after 500 ms idle).
                    assertThat(admitted)
                        .isLessThanOrEqualTo(BURST)
                        .isGreaterThanOrEqualTo(BURST - 2 * INSTANCES);
                  });
              bounded.flag();
              return Future.all(a.get("/metrics"), b.get("/metrics"));
            })
        .onComplete(
            ctx.succeeding(
                metrics ->
                    ctx.verify(
                        () -> {
                          double rejected = 0;
                          for (int i = 0; i < 2; i++) {
                            String text = metrics.<HttpResponse<Buffer>>resultAt(i).bodyAsString();
                            rejected +=
                                metric(
                                    text,
                                    "troupe_gateway_rejected_requests_total",
                                    "reason=\"rate_limited\"");
                            assertThat(metric(text, "troupe_gateway_ratelimit_fail_open_total", ""))
                                .as("no request passed unchecked")
                                .isZero();
                          }
                          assertThat(rejected).isGreaterThanOrEqualTo(2 * perGateway - BURST);
                          counted.flag();
                        })));
  }

  private record Outcome(
      int admitted, List<HttpResponse<Buffer>> responses, HttpResponse<Buffer> refusal) {}

  /** Sends one request after another until the first 429. */
  private static Future<Outcome> untilRefused(
      Http http, String key, int admitted, List<HttpResponse<Buffer>> seen) {
    if (admitted > 3 * BURST) {
      return Future.failedFuture(new AssertionError("no 429 after " + admitted + " requests"));
    }
    return http.get("/api/v1/docs/limits/seq", "X-Api-Key", key)
        .compose(
            r -> {
              if (r.statusCode() == 429) {
                return Future.succeededFuture(new Outcome(admitted, seen, r));
              }
              if (r.statusCode() != 404) {
                return Future.failedFuture(
                    new AssertionError("unexpected " + r.statusCode() + ": " + r.bodyAsString()));
              }
              seen.add(r);
              return untilRefused(http, key, admitted + 1, seen);
            });
  }

  private static void assertRefused(HttpResponse<Buffer> r) {
    assertProblem(r, 429);
    long retryAfter = Long.parseLong(r.getHeader("Retry-After"));
    assertThat(retryAfter).as("seconds until the next token at 0.001/s").isBetween(1L, 1000L);
    assertThat(r.getHeader("RateLimit-Limit")).isEqualTo(Integer.toString(BURST));
    assertThat(r.getHeader("RateLimit-Remaining")).isEqualTo("0");
    assertThat(Long.parseLong(r.getHeader("RateLimit-Reset"))).isBetween(9_000L, 10_000L);
  }

  /** The sum of the samples of {@code name} whose labels contain {@code label}. */
  static double metric(String prometheusText, String name, String label) {
    double sum = 0;
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$")
            .matcher(prometheusText);
    while (m.find()) {
      if (m.group(1).contains(label)) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  private static String entry(String name, String key) {
    try {
      String hash =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(key.getBytes(StandardCharsets.UTF_8)));
      return name + "=" + hash + "=docs:read docs:write";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
