package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test kit example of README.md, kept compiling and passing here. */
@ExtendWith(VertxExtension.class)
@DisplayName("README test kit example")
class ReadmeExampleTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway")
              .node("request", "cache")
              .node("db")
              .setting("TROUPE_CACHE_TTL_SECONDS", "60"));

  @Test
  @DisplayName("a document stored through the gateway is read back")
  void storesAndReads(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    int port = TROUPE.cluster().httpPort(0);
    http.put(port, "127.0.0.1", "/api/v1/docs/orders/o1")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"total\":42}"))
        .compose(put -> http.get(port, "127.0.0.1", "/api/v1/docs/orders/o1").send())
        .onComplete(
            ctx.succeeding(
                get ->
                    ctx.verify(
                        () -> {
                          assertThat(get.statusCode()).isEqualTo(200);
                          assertThat(
                                  get.bodyAsJsonObject().getJsonObject("data").getInteger("total"))
                              .isEqualTo(42);
                          ctx.completeNow();
                        })));
  }
}
