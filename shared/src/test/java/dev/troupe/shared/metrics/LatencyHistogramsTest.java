package dev.troupe.shared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.actor.ActorContract;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChatContract;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The latency histograms in the Prometheus text a node serves at {@code /metrics}: HTTP requests,
 * bus requests per address and action, and pipeline stages, each with the fixed buckets.
 */
@DisplayName("Latency histograms")
class LatencyHistogramsTest {
  private static final String ADDRESS = "test.histograms";
  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName(
      "HTTP requests, bus requests (per address and action, timeouts included) and stages are histograms with the fixed buckets")
  void histogramsInTheScrape() throws Exception {
    PrometheusMeterRegistry registry = MetricsSetup.registry("n1");
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(MetricsSetup.options("n1")))
            .withMetrics(MetricsSetup.factory(registry))
            .build();
    try {
      HttpServer server =
          await(
              vertx
                  .createHttpServer()
                  .requestHandler(r -> r.response().end("ok"))
                  .listen(0, "127.0.0.1"));
      HttpClient client = vertx.createHttpClient();
      for (int i = 0; i < 3; i++) {
        await(
            client
                .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/x")
                .compose(r -> r.send().compose(HttpClientResponse::body)));
      }

      assertThat(BusRequestMeters.of(vertx).records()).isTrue();
      Bus bus = new Bus(vertx, 2_000);
      await(
          vertx
              .eventBus()
              .<JsonObject>consumer(
                  ADDRESS,
                  ActionRouter.of("svc")
                      .on("get", m -> Future.succeededFuture(new JsonObject()))
                      .on("never", m -> Promise.<JsonObject>promise().future()))
              .completion());
      for (int i = 0; i < 2; i++) {
        await(bus.request(ADDRESS, "get", new JsonObject(), null));
      }
      Throwable timedOut =
          await(
              bus.request(ADDRESS, "never", new JsonObject(), null, 50)
                  .map((Throwable) null)
                  .recover(Future::succeededFuture));
      assertThat(timedOut).as("the request without an answer timed out").isNotNull();

      Stages stages = new Stages(registry);
      await(stages.run(Stages.CACHE, () -> Future.succeededFuture("hit")));

      String scrape = registry.scrape();
      assertBuckets(scrape, "vertx_http_server_response_time_seconds", "route=", 3);
      assertBuckets(scrape, BusRequestMeters.NAME, "action=\"get\",address=\"" + ADDRESS + "\"", 2);
      List<String> timeout =
          buckets(scrape, BusRequestMeters.NAME, "action=\"never\",address=\"" + ADDRESS + "\"");
      assertThat(timeout).as("the timed-out request").isNotEmpty();
      assertThat(timeout.get(timeout.size() - 1)).endsWith(" 1");
      assertThat(timeout.stream().filter(l -> l.contains("le=\"0.025\"")).findFirst())
          .as("a 50 ms timeout is not counted below 25 ms")
          .hasValueSatisfying(l -> assertThat(l).endsWith(" 0"));
      assertBuckets(scrape, "troupe_stage_seconds", "stage=\"cache\"", 1);
    } finally {
      await(vertx.close());
      registry.close();
    }
    assertThat(BusRequestMeters.of(vertx).records())
        .as("a closed Vert.x's bus meters are dropped")
        .isFalse();
  }

  @Test
  @DisplayName("a Vert.x without Troupe's metrics times nothing, and its Bus works as before")
  void plainVertx() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      BusRequestMeters meters = BusRequestMeters.of(vertx);
      assertThat(meters.records()).isFalse();
      meters.record(ADDRESS, "get", 1_000);
      await(
          vertx
              .eventBus()
              .<JsonObject>consumer(
                  ADDRESS,
                  ActionRouter.of("svc").on("get", m -> Future.succeededFuture(new JsonObject())))
              .completion());
      assertThat(await(new Bus(vertx, 2_000).request(ADDRESS, "get", new JsonObject(), null)))
          .isEqualTo(new JsonObject());
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("addresses per member or user are named by their template, so series stay bounded")
  void addressTemplates() {
    assertThat(BusRequestMeters.label(ActorContract.hostAddress(UUID.randomUUID())))
        .isEqualTo("troupe.actor.v1.{member}");
    assertThat(BusRequestMeters.label(ChatContract.userAddress("ann")))
        .isEqualTo("troupe.chat.v1.user.{user}");
    assertThat(BusRequestMeters.label(ChatContract.ADDRESS)).isEqualTo("troupe.chat.v1");
  }

  /**
   * Asserts that {@code name} has exactly the fixed buckets for the series whose labels contain
   * {@code labels}, cumulative, with {@code count} observations in all.
   */
  private static void assertBuckets(String scrape, String name, String labels, int count) {
    List<String> lines = buckets(scrape, name, labels);
    List<String> bounds = new ArrayList<>();
    for (String line : lines) {
      Matcher m = LE.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      bounds.add(m.group(1));
    }
    List<String> expected = new ArrayList<>();
    Arrays.stream(LatencyHistograms.BOUNDS)
        .map(d -> prometheusDouble(d.toNanos() / 1e9))
        .forEach(expected::add);
    expected.add("+Inf");
    assertThat(bounds).as("buckets of %s{%s}", name, labels).isEqualTo(expected);
    assertThat(lines.size() + 2).isEqualTo(LatencyHistograms.BUCKET_SERIES);
    double previous = 0;
    for (String line : lines) {
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      assertThat(value).as("cumulative: %s", line).isGreaterThanOrEqualTo(previous);
      previous = value;
    }
    assertThat(previous).as("+Inf bucket of %s{%s}", name, labels).isEqualTo(count);
    assertThat(scrape).contains("# TYPE " + name + " histogram");
  }

  /** The bucket lines of {@code name} whose labels contain {@code labels}, in order. */
  private static List<String> buckets(String scrape, String name, String labels) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + "_bucket{") && l.contains(labels))
        .toList();
  }

  /** A bound as the Prometheus text shows it: 0.001, 0.0025, 1.0, 10.0. */
  private static String prometheusDouble(double seconds) {
    return Double.toString(seconds);
  }

  @Test
  @DisplayName("the bounds rise from 1 ms to 10 s")
  void bounds() {
    assertThat(LatencyHistograms.BOUNDS).isSorted();
    assertThat(LatencyHistograms.BOUNDS[0]).isEqualTo(Duration.ofMillis(1));
    assertThat(LatencyHistograms.BOUNDS[LatencyHistograms.BOUNDS.length - 1])
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(LatencyHistograms.BUCKET_SERIES).isEqualTo(LatencyHistograms.BOUNDS.length + 3);
  }
}
