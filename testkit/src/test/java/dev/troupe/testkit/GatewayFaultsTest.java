package dev.troupe.testkit;

import static dev.troupe.testkit.DocumentApiClusterTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A gateway whose pipeline is missing, slow or broken answers 503, 504 and 502, never hangs. */
@ExtendWith(VertxExtension.class)
@DisplayName("Gateway with a faulty pipeline")
class GatewayFaultsTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder().node("gateway").setting("TROUPE_GATEWAY_TIMEOUT_MS", "400"));

  @Test
  @DisplayName(
      "with no pipeline services the gateway node is still ready, naming each as degraded (body and"
          + " gauge), and a read is 503 with Retry-After")
  void missingServices(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Checkpoint degraded = ctx.checkpoint();
    Checkpoint unavailable = ctx.checkpoint();
    http.get("/health/ready")
        .compose(
            ready ->
                http.get("/metrics")
                    .map(metrics -> List.of(ready.bodyAsJsonObject(), metrics.bodyAsString()))
                    .onSuccess(
                        both -> ctx.verify(() -> assertThat(ready.statusCode()).isEqualTo(200))))
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          JsonObject body = (JsonObject) both.get(0);
                          assertThat(body.getString("status")).isEqualTo("UP");
                          JsonObject downstream =
                              body.getJsonArray("checks").stream()
                                  .map(JsonObject.class::cast)
                                  .filter(c -> "downstream".equals(c.getString("id")))
                                  .findFirst()
                                  .orElseThrow();
                          assertThat(downstream.getJsonObject("data").getJsonArray("degraded"))
                              .containsExactlyInAnyOrder(
                                  "request-service", "cache-service", "db-service", "chat-service");
                          assertThat((String) both.get(1))
                              .containsPattern(
                                  "troupe_downstream_degraded\\{[^}]*service=\"cache-service\"[^}]*\\}"
                                      + " 1\\.0");
                          degraded.flag();
                        })));
    http.get("/api/v1/docs/faults/a")
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertProblem(r, 503);
                          assertThat(r.getHeader("Retry-After")).isEqualTo("1");
                          unavailable.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a pipeline slower than the deadline gets 504, a pipeline failing internally gets 502")
  void slowAndBrokenPipeline(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Checkpoint timedOut = ctx.checkpoint();
    Checkpoint badGateway = ctx.checkpoint();
    MessageConsumer<JsonObject> fake =
        TROUPE
            .cluster()
            .node(0)
            .vertx()
            .eventBus()
            .consumer(
                RequestContract.ADDRESS,
                (Message<JsonObject> msg) -> {
                  String id = DocWire.docKey(msg.body()).id();
                  if (id.equals("boom")) {
                    msg.fail(ErrorCode.INTERNAL.code(), "internal error");
                  }
                  // "slow": never answers
                });
    fake.completion()
        .compose(v -> http.get("/api/v1/docs/faults/slow"))
        .compose(
            r -> {
              ctx.verify(() -> assertProblem(r, 504));
              timedOut.flag();
              return http.get("/api/v1/docs/faults/boom");
            })
        .eventually(fake::unregister)
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertProblem(r, 502);
                          assertThat(r.bodyAsJsonObject().getString("detail"))
                              .doesNotContain("Exception", "at dev.");
                          badGateway.flag();
                        })));
  }
}
