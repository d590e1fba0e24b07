package dev.troupe.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.Lookup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cache stays within TROUPE_CACHE_MAX_ENTRIES by evicting, and says so in its stats. */
@ExtendWith(VertxExtension.class)
@DisplayName("Cache eviction and stats")
class CacheEvictionTest {
  private static final int MAX_ENTRIES = 300;
  private static final int FILLS = 3_000;
  private static final int BATCH = 100;

  private static NodeRuntime node;
  private static Bus bus;

  @BeforeAll
  static void startNode() throws Exception {
    Settings settings =
        LoopbackCluster.create()
            .nodeSettings(
                "evict",
                null,
                Map.of(
                    "TROUPE_CACHE_MAX_ENTRIES",
                    String.valueOf(MAX_ENTRIES),
                    "TROUPE_CACHE_TTL_SECONDS",
                    "3600"));
    node =
        ClusterBootstrap.start(settings).toCompletionStage().toCompletableFuture().get(60, SECONDS);
    node.vertx()
        .deployVerticle(
            CacheVerticle.class.getName(), new DeploymentOptions().setConfig(settings.toJson()))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, SECONDS);
    bus = new Bus(node.vertx(), 10_000);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      ClusterBootstrap.close(node).toCompletionStage().toCompletableFuture().get(60, SECONDS);
    }
  }

  @Test
  @DisplayName(
      "3,000 fills into a 300-entry cache leave it bounded, count evictions, and the stats action reports both")
  void staysBounded(VertxTestContext ctx) {
    fillBatches(0)
        .compose(
            v ->
                bus.request(
                    CacheContract.ADDRESS, CacheContract.STATS.name(), new JsonObject(), "test"))
        .onComplete(
            ctx.succeeding(
                stats ->
                    ctx.verify(
                        () -> {
                          JsonObject local = stats.getJsonObject("node");
                          JsonObject cluster = stats.getJsonObject("cluster");
                          // Hazelcast enforces the per-node size per partition (271 of them), so
                          // allow the rounding.
                          assertThat(local.getLong("entries"))
                              .isPositive()
                              .isLessThanOrEqualTo(2L * MAX_ENTRIES);
                          assertThat(local.getLong("evictions"))
                              .isGreaterThanOrEqualTo(FILLS - 2L * MAX_ENTRIES);
                          assertThat(local.getLong("fills")).isEqualTo(FILLS);
                          assertThat(cluster.getInteger("nodes")).isEqualTo(1);
                          assertThat(cluster.getLong("entries"))
                              .isEqualTo(local.getLong("entries"));
                          assertThat(
                                  node.registry()
                                      .find("troupe_cache_evictions")
                                      .functionCounter()
                                      .count())
                              .isEqualTo(local.getLong("evictions").doubleValue());
                          ctx.completeNow();
                        })));
  }

  private static Future<Void> fillBatches(int from) {
    if (from >= FILLS) {
      return Future.succeededFuture();
    }
    List<Future<JsonObject>> batch = new ArrayList<>();
    for (int i = from; i < Math.min(FILLS, from + BATCH); i++) {
      DocKey key = DocKey.of("evict", "k" + i);
      Document doc =
          new Document(key, 1, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject().put("i", i));
      batch.add(
          bus.request(
              CacheContract.ADDRESS,
              CacheContract.FILL.name(),
              CacheWire.toJson(Lookup.found(doc)),
              "test"));
    }
    return Future.all(batch).compose(v -> fillBatches(from + BATCH));
  }
}
