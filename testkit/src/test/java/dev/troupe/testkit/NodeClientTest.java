package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Node.js example client ({@code examples/node-client}, on the {@code troupe-client} package of
 * {@code clients/node}) against a real Troupe over the TCP bridge: it must print the reply of its
 * {@code get} and a change event caused by a PUT over HTTP. Skips when {@code node} is not
 * installed, and fails instead under {@code CI=true}.
 */
@DisplayName("The Node.js example client")
class NodeClientTest {
  private static final Path CLIENT = Path.of("..", "examples", "node-client");
  private static final long LINE_WAIT_SECONDS = 60;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting("TROUPE_API_KEYS", TcpBridgeTest.keys())
              .setting("TROUPE_BRIDGE_PORT", "0"));

  private Process process;
  private Vertx vertx;

  @BeforeAll
  static void needsNode() throws Exception {
    NodeJs.require();
    assertThat(CLIENT.resolve("client.js")).exists();
    NodeJs.installIfMissing(CLIENT);
  }

  @AfterEach
  void stop() throws Exception {
    NodeJs.stop(process);
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName(
      "node client.js (troupe-client) gets a document through troupe.request.v1 and sees the event of a PUT on troupe.events.docs.v1")
  void getAndEvent() throws Exception {
    vertx = Vertx.vertx();
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    await(
        http.putJson(
                "/api/v1/docs/nodejs/hello",
                "{\"greeting\":\"hi\"}",
                "X-Api-Key",
                TcpBridgeTest.WRITER)
            .map(r -> r.statusCode()));

    ProcessBuilder builder =
        new ProcessBuilder("node", "client.js", "nodejs", "hello")
            .directory(CLIENT.toFile())
            .redirectError(NodeJs.log("node-client-example-stderr").toFile());
    builder
        .environment()
        .put("TROUPE_BRIDGE_PORT", String.valueOf(TROUPE.cluster().node(0).bridgePort()));
    builder.environment().put("TROUPE_API_KEY", TcpBridgeTest.READER);
    process = builder.start();
    BlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
    NodeJs.readLines(process, lines);

    JsonObject reply = lines.poll(LINE_WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(reply).as("the client's first line").isNotNull();
    assertThat(reply.getString("kind")).as(reply.encode()).isEqualTo("reply");
    assertThat(
            reply
                .getJsonObject("body")
                .getJsonObject("document")
                .getJsonObject("data")
                .getString("greeting"))
        .isEqualTo("hi");

    // The client subscribed before it asked; its subscription reaches the cluster asynchronously,
    // so
    // write again (at most 40 times, each after half a second without an event) until one arrives.
    JsonObject event = null;
    for (int write = 0; write < 40 && event == null; write++) {
      await(
          http.putJson(
                  "/api/v1/docs/nodejs/hello",
                  "{\"greeting\":\"hello " + write + "\"}",
                  "X-Api-Key",
                  TcpBridgeTest.WRITER)
              .map(r -> r.statusCode()));
      event = lines.poll(500, TimeUnit.MILLISECONDS);
    }
    assertThat(event).as("a change event line").isNotNull();
    assertThat(event.getString("kind")).as(event.encode()).isEqualTo("event");
    assertThat(event.getJsonObject("body").getMap())
        .containsEntry("collection", "nodejs")
        .containsEntry("id", "hello")
        .containsEntry("op", "put");
    assertThat(process.waitFor(LINE_WAIT_SECONDS, TimeUnit.SECONDS))
        .as("the client exits after the event")
        .isTrue();
    assertThat(process.exitValue()).isZero();
  }

  private static int await(io.vertx.core.Future<Integer> status) throws Exception {
    int code = status.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(code).as("HTTP status of the PUT").isBetween(200, 201);
    return code;
  }
}
