package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.supervision.Supervision;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two nodes in one HA group: node 0 runs the gateway and db-service (on H2, so not HA), node 1
 * request- and cache-service. Node 1 is killed; node 0 redeploys its services and serves again.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("HA failover")
class HaFailoverTest {
  private static final Logger LOG = LoggerFactory.getLogger(HaFailoverTest.class);
  private static final long WAIT_MS = 60_000;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "db")
              .node("request", "cache")
              .setting("TROUPE_HA_ENABLED", "true")
              .setting("TROUPE_HA_GROUP", "failover-test"));

  /**
   * Completes when every one of {@code services} runs under a running supervisor on {@code node};
   * checked every 20 ms, bounded.
   */
  private static Future<Void> awaitSupervised(Vertx node, List<String> services) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + WAIT_MS;
    node.setPeriodic(
        20,
        timer -> {
          JsonObject status = Supervision.of(node).status();
          boolean all =
              services.stream()
                  .allMatch(
                      s ->
                          status.getJsonObject(s) != null
                              && "running".equals(status.getJsonObject(s).getString("state"))
                              && "running"
                                  .equals(
                                      status
                                          .getJsonObject(s)
                                          .getJsonObject("children")
                                          .getJsonObject(s)
                                          .getString("state")));
          if (all) {
            node.cancelTimer(timer);
            promise.tryComplete();
          } else if (System.currentTimeMillis() > deadline) {
            node.cancelTimer(timer);
            promise.tryFail(
                "not all of "
                    + services
                    + " were redeployed here; supervisors: "
                    + status.fieldNames());
          }
        });
    return promise.future();
  }

  @Test
  @DisplayName(
      "when a node dies, a survivor of its HA group redeploys its services, which then serve")
  void killedNodesServicesMoveToTheSurvivor(Vertx vertx, VertxTestContext ctx) {
    Vertx survivor = TROUPE.cluster().node(0).vertx();
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    long[] started = new long[1];
    http.putJson("/api/v1/docs/failover/before", "{\"n\":1}")
        .compose(
            before -> {
              ctx.verify(
                  () -> {
                    assertThat(before.statusCode()).isEqualTo(201);
                    assertThat(Supervision.of(survivor).status().fieldNames())
                        .doesNotContain("request", "cache");
                  });
              started[0] = System.nanoTime();
              return TROUPE.cluster().killNode(1);
            })
        .compose(killed -> awaitSupervised(survivor, List.of("request", "cache")))
        .compose(moved -> TROUPE.cluster().awaitAddress(0, RequestContract.ADDRESS))
        .compose(reachable -> TROUPE.cluster().awaitAddress(0, CacheContract.ADDRESS))
        .compose(
            serving -> {
              long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started[0]);
              LOG.info(
                  "HA failover of [request, cache] took {} ms, from the kill to both answering on the survivor",
                  ms);
              return http.get("/api/v1/docs/failover/before");
            })
        .compose(
            read -> {
              ctx.verify(() -> assertThat(read.statusCode()).isEqualTo(200));
              return http.putJson("/api/v1/docs/failover/after", "{\"n\":2}");
            })
        .onComplete(
            ctx.succeeding(
                after ->
                    ctx.verify(
                        () -> {
                          assertThat(after.statusCode()).isEqualTo(201);
                          assertThat(Supervision.of(survivor).status().fieldNames())
                              .contains("db", "gateway", "request", "cache");
                          ctx.completeNow();
                        })));
  }
}
