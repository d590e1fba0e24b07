package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.supervision.Supervision;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every service of a node runs under a supervisor: visible in readiness and metrics, restarted when
 * it goes.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Service supervision on a node")
class SupervisionClusterTest {
  private static final long WAIT_MS = 30_000;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("all")
              .setting("TROUPE_SUPERVISOR_WATCH_MS", "50")
              .setting("TROUPE_SUPERVISOR_BACKOFF_MS", "20"));

  private static JsonObject requestChild(Vertx node) {
    return child(node, "request");
  }

  private static JsonObject child(Vertx node, String service) {
    JsonObject supervisor = Supervision.of(node).status().getJsonObject(service);
    return supervisor == null ? null : supervisor.getJsonObject("children").getJsonObject(service);
  }

  /**
   * Completes when {@code condition} holds for the request child's state; checked every 20 ms,
   * bounded.
   */
  private static Future<JsonObject> awaitRequestChild(Vertx node, Predicate<JsonObject> condition) {
    return awaitChild(node, "request", condition);
  }

  private static Future<JsonObject> awaitChild(
      Vertx node, String service, Predicate<JsonObject> condition) {
    Promise<JsonObject> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + WAIT_MS;
    node.setPeriodic(
        20,
        timer -> {
          JsonObject child = child(node, service);
          if (child != null && condition.test(child)) {
            node.cancelTimer(timer);
            promise.tryComplete(child);
          } else if (System.currentTimeMillis() > deadline) {
            node.cancelTimer(timer);
            promise.tryFail(service + " child never reached the state; last: " + child);
          }
        });
    return promise.future();
  }

  @Test
  @DisplayName(
      "readiness lists each service's supervisor with its child running, and says H2 db-service cannot fail over")
  void readinessShowsSupervisors(Vertx vertx, VertxTestContext ctx) {
    new Http(vertx, TROUPE.cluster().httpPort(0))
        .get("/health/ready")
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          JsonArray checks = r.bodyAsJsonObject().getJsonArray("checks");
                          JsonObject supervision =
                              checks.stream()
                                  .map(JsonObject.class::cast)
                                  .filter(c -> "supervision".equals(c.getString("id")))
                                  .findFirst()
                                  .orElseThrow();
                          assertThat(supervision.getString("status")).isEqualTo("UP");
                          JsonObject supervisors =
                              supervision.getJsonObject("data").getJsonObject("supervisors");
                          assertThat(supervisors.fieldNames())
                              .contains("db", "cache", "request", "gateway");
                          assertThat(
                                  supervisors
                                      .getJsonObject("db")
                                      .getJsonObject("children")
                                      .getJsonObject("db")
                                      .getString("state"))
                              .isEqualTo("running");
                          JsonObject db =
                              checks.stream()
                                  .map(JsonObject.class::cast)
                                  .filter(c -> "db-service".equals(c.getString("id")))
                                  .findFirst()
                                  .orElseThrow();
                          assertThat(db.getJsonObject("data").getString("failover"))
                              .startsWith("none: the database is a file");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a service that disappears is restarted by its supervisor, counted per child, and serves again")
  void restartsAVanishedService(Vertx vertx, VertxTestContext ctx) {
    Vertx node = TROUPE.cluster().node(0).vertx();
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    JsonObject before = requestChild(node);
    int restartsBefore = before.getInteger("restarts");
    node.undeploy(before.getString("deployment"))
        .compose(
            gone ->
                awaitRequestChild(
                    node,
                    c ->
                        c.getInteger("restarts") > restartsBefore
                            && "running".equals(c.getString("state"))))
        .compose(
            restarted ->
                http.get("/api/v1/docs/supervised/nothing-here")
                    .map(
                        r -> {
                          ctx.verify(
                              () -> {
                                assertThat(r.statusCode()).isEqualTo(404);
                                assertThat(restarted.getString("deployment"))
                                    .isNotEqualTo(before.getString("deployment"));
                                assertThat(restarted.getString("lastCrash"))
                                    .contains("undeployed itself");
                              });
                          return r;
                        }))
        .compose(served -> http.get("/metrics"))
        .onComplete(
            ctx.succeeding(
                metrics ->
                    ctx.verify(
                        () -> {
                          double counted =
                              TROUPE
                                  .cluster()
                                  .node(0)
                                  .runtime()
                                  .registry()
                                  .get("troupe_supervisor_restarts")
                                  .tag("child", "request")
                                  .counter()
                                  .count();
                          assertThat(counted).isEqualTo(restartsBefore + 1.0);
                          assertThat(metrics.bodyAsString())
                              .contains("troupe_supervisor_restarts_total{")
                              .contains("child=\"request\"");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a gateway its supervisor restarts leaves the node ready, serving on its new listener")
  void restartedGatewayLeavesTheNodeReady(Vertx vertx, VertxTestContext ctx) {
    Vertx node = TROUPE.cluster().node(0).vertx();
    JsonObject before = child(node, "gateway");
    int restartsBefore = before.getInteger("restarts");
    node.undeploy(before.getString("deployment"))
        .compose(
            gone ->
                awaitChild(
                    node,
                    "gateway",
                    c ->
                        c.getInteger("restarts") > restartsBefore
                            && "running".equals(c.getString("state"))))
        // The restarted gateway publishes its port once it listens (a new one: the tests ask for
        // 0).
        .compose(restarted -> new Http(vertx, TROUPE.cluster().httpPort(0)).get("/health/ready"))
        .onComplete(
            ctx.succeeding(
                ready ->
                    ctx.verify(
                        () -> {
                          assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
                          ctx.completeNow();
                        })));
  }
}
