package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The generator end to end against the bare server, in process, for a fraction of a second each.
 */
class LoadRunTest {
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    vertx = Vertx.vertx();
    AtomicInteger actual = new AtomicInteger();
    LoadRun.await(
        vertx.deployVerticle(
            () -> new BareServer("127.0.0.1", 0, actual), new DeploymentOptions().setInstances(1)),
        10_000);
    port = actual.get();
  }

  @AfterAll
  static void stopServer() throws Exception {
    LoadRun.await(vertx.close(), 10_000);
  }

  private static LoadResult load(String... extra) throws Exception {
    String[] base = {"--url", "http://127.0.0.1:" + port, "--label", "bare", "--timeout", "5s"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Args parsed = Args.parse(args, 0);
    LoadOptions options = LoadOptions.from(parsed);
    parsed.requireAllUsed();
    return new LoadRun(options).run();
  }

  @Test
  @DisplayName(
      "an open loop sends exactly rate x duration requests in the window, whatever the warm-up sent")
  void openLoopFollowsTheSchedule() throws Exception {
    LoadResult r =
        load(
            "--scenario",
            "hit",
            "--mode",
            "open",
            "--rate",
            "400",
            "--duration",
            "500ms",
            "--warmup",
            "200ms",
            "--event-loops",
            "2",
            "--connections",
            "8",
            "--keys",
            "5");

    assertThat(r.requests()).isBetween(199L, 201L);
    assertThat(r.ok()).isEqualTo(r.requests());
    assertThat(r.errors()).isZero();
    assertThat(r.serviceTimeMs()).isNotNull();
    assertThat(r.latencyMs().p99()).isGreaterThanOrEqualTo(r.latencyMs().p50());
    assertThat(r.preloaded()).isEqualTo(5);
    assertThat(r.toJson().getJsonObject("errorsByStatus").getLong("io")).isZero();
  }

  @Test
  @DisplayName("a miss run reads each preloaded doc exactly once, then stops early and says so")
  void missReadsEachIdOnce() throws Exception {
    LoadResult r =
        load(
            "--scenario",
            "miss",
            "--preload",
            "60",
            "--connections",
            "4",
            "--duration",
            "30s",
            "--warmup",
            "0s");

    assertThat(r.preloaded()).isEqualTo(60);
    assertThat(r.requests()).isEqualTo(60);
    assertThat(r.ok()).isEqualTo(60);
    assertThat(r.idsExhausted()).isTrue();
    assertThat(r.durationSec()).isLessThan(30);
  }

  @Test
  @DisplayName("a closed loop counts what it measured, and a result survives its JSON round trip")
  void closedLoopRoundTrip() throws Exception {
    LoadResult r =
        load(
            "--scenario",
            "mixed",
            "--connections",
            "4",
            "--duration",
            "300ms",
            "--warmup",
            "100ms",
            "--keys",
            "20");

    assertThat(r.requests()).isPositive();
    assertThat(r.errors()).isZero();
    assertThat(r.throughput()).isPositive();
    assertThat(r.serviceTimeMs()).isNull();
    LoadResult back = LoadResult.fromJson(r.toJson());
    assertThat(back.throughput()).isEqualTo(r.throughput());
    assertThat(back.latencyMs()).isEqualTo(r.latencyMs());
    assertThat(back.errorsByStatus()).isEqualTo(r.errorsByStatus());
    assertThat(back.admittedMs()).as("no 503: every answer admitted").isEqualTo(r.latencyMs());
    assertThat(r.summaryLine()).doesNotContain("admitted");
  }

  @Test
  @DisplayName(
      "a mixed run names its share of PUTs unless it is the default 90/10, so each mix is compared with the same mix")
  void mixedNamesItsShare() throws Exception {
    LoadResult half =
        load(
            "--scenario",
            "mixed",
            "--put-percent",
            "50",
            "--connections",
            "2",
            "--duration",
            "200ms",
            "--warmup",
            "0s",
            "--keys",
            "10");
    Args defaults =
        Args.parse(new String[] {"--url", "http://127.0.0.1:1", "--scenario", "mixed"}, 0);

    assertThat(half.scenario()).isEqualTo("mixed-50");
    assertThat(half.errors()).isZero();
    assertThat(half.statusCounts()).as("PUTs answered 200 or 201, GETs 200").isNotEmpty();
    assertThat(LoadResult.resultName(LoadOptions.from(defaults))).isEqualTo("mixed");
  }

  @Test
  @DisplayName(
      "404s of never-written ids are the expected answer of miss-404, and errors anywhere else")
  void notFound() throws Exception {
    assertThat(Scenario.MISS_404.isSuccess(404)).isTrue();
    assertThat(Scenario.MISS_RANGE.isSuccess(404)).isFalse();
    assertThat(Scenario.HIT.isSuccess(304)).isTrue();
    assertThat(Scenario.HIT.isSuccess(503)).isFalse();
  }
}
