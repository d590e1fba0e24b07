package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.launcher.Service;
import dev.troupe.shared.supervision.Supervision;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The top of the supervision tree: a service's supervisor that gives up makes its node leave the
 * cluster (the command line then exits with status 70), while the other nodes keep serving.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Supervisor escalation on a cluster")
class SupervisorEscalationClusterTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(TroupeCluster.builder().node("all"));

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "past its restart intensity a supervisor fails, the node leaves and reports it, the others serve on")
  void givingUpMakesTheNodeLeave(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    // The chain runs on the test's own context: futures of the node that leaves would hand their
    // completion to event loops its close shuts down.
    Context test = vertx.getOrCreateContext();
    // No restart allowed: the first crash of request-service exhausts the intensity.
    Future.fromCompletionStage(
            TROUPE
                .cluster()
                .addNode(
                    EnumSet.of(Service.REQUEST),
                    Map.of(
                        "TROUPE_SUPERVISOR_MAX_RESTARTS", "0", "TROUPE_SUPERVISOR_WATCH_MS", "50"))
                .toCompletionStage(),
            test)
        .compose(
            node -> {
              JsonObject child =
                  Supervision.of(node.vertx())
                      .status()
                      .getJsonObject("request")
                      .getJsonObject("children")
                      .getJsonObject("request");
              // A crash the supervisor notices: the child's deployment goes away without the
              // supervisor.
              node.vertx().undeploy(child.getString("deployment"));
              return Future.fromCompletionStage(node.failure().toCompletionStage(), test)
                  .map(
                      failure -> {
                        ctx.verify(
                            () -> {
                              assertThat(failure.supervisor()).isEqualTo("request");
                              assertThat(node.close().isComplete())
                                  .as("the node has left when failure() completes")
                                  .isTrue();
                              assertThat(node.close().succeeded()).isTrue();
                            });
                        return node;
                      });
            })
        // The node that stays still runs request-service, and the gateway finds it.
        .compose(left -> http.get("/api/v1/docs/escalation/nothing-here"))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(404);
                          ctx.completeNow();
                        })));
  }
}
