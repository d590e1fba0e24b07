package dev.troupe.shared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Codec;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Troupe's event-bus meters against vertx-micrometer's own, for the same traffic. */
@DisplayName("Event-bus meters")
class EventBusMetersTest {
  private static final String ADDRESS = "test.meters";
  private static final int REQUESTS = 5;

  /**
   * A Vert.x with these metrics, a routed consumer on ADDRESS, REQUESTS requests and one to no one.
   */
  private static Map<String, Double> traffic(
      VertxMetricsFactory factory,
      MicrometerMetricsOptions options,
      PrometheusMeterRegistry registry)
      throws Exception {
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(options))
            .withMetrics(factory)
            .build();
    try {
      return await(exchange(vertx, registry));
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Future<Map<String, Double>> exchange(Vertx vertx, MeterRegistry registry) {
    Bus bus = new Bus(vertx, 2_000);
    Future<Void> all =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                ADDRESS,
                ActionRouter.of("svc")
                    .onRaw(
                        Action.idempotent(ADDRESS, "get", Codec.json(), Codec.json(), "test"),
                        m -> Future.succeededFuture(new JsonObject())))
            .completion();
    for (int i = 0; i < REQUESTS; i++) {
      all = all.compose(v -> bus.request(ADDRESS, "get", new JsonObject(), null).mapEmpty());
    }
    return all.compose(
            v ->
                bus.request("test.nobody", "get", new JsonObject(), null)
                    .<Void>mapEmpty()
                    .recover(expected -> Future.succeededFuture()))
        .map(v -> eventBusMeters(registry));
  }

  /** Every event-bus meter of the registry: id (name and tags) -> its first measurement. */
  private static Map<String, Double> eventBusMeters(MeterRegistry registry) {
    return registry.getMeters().stream()
        .filter(m -> m.getId().getName().startsWith("vertx.eventbus."))
        .collect(
            Collectors.toMap(
                EventBusMetersTest::key,
                m -> m.measure().iterator().next().getValue(),
                (a, b) -> a,
                TreeMap::new));
  }

  private static String key(Meter meter) {
    Meter.Id id = meter.getId();
    return id.getName() + id.getTags() + " " + id.getType();
  }

  @Test
  @DisplayName(
      "have vertx-micrometer's names, tags and counts: sent, received, delivered, processed, handlers, pending")
  void sameAsVertxMicrometer() throws Exception {
    PrometheusMeterRegistry ours = MetricsSetup.registry("n1");
    PrometheusMeterRegistry theirs = MetricsSetup.registry("n1");
    MicrometerMetricsOptions theirOptions =
        MetricsSetup.options("n1").setDisabledMetricsCategories(Set.of());
    assertThat(MetricsSetup.options("n1").getDisabledMetricsCategories())
        .containsExactly(MetricsDomain.EVENT_BUS.toCategory());

    Map<String, Double> mine =
        traffic(MetricsSetup.factory(ours), MetricsSetup.options("n1"), ours);
    Map<String, Double> reference =
        traffic(new MicrometerMetricsFactory(theirs), theirOptions, theirs);
    ours.close();
    theirs.close();

    assertThat(mine).isEqualTo(reference);
    assertThat(mine)
        .containsEntry(
            "vertx.eventbus.sent[tag(address=test.meters), tag(node=n1)] COUNTER",
            (double) REQUESTS);
    assertThat(mine)
        .containsEntry(
            "vertx.eventbus.processed[tag(address=test.meters), tag(node=n1)] COUNTER",
            (double) REQUESTS);
    assertThat(mine)
        .containsEntry("vertx.eventbus.pending[tag(address=test.meters), tag(node=n1)] GAUGE", 0.0);
  }
}
