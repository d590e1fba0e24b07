package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.troupe.launcher.TroupeNode;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Node package {@code troupe-client} ({@code clients/node}): its unit tests, and {@code
 * it/real-node.js} against a real node over the TCP bridge, through a restart of that node on the
 * same bridge port, after which the client must be connected again by itself with its subscription
 * working. Skips when {@code node} is not installed, and fails instead under {@code CI=true}.
 */
@DisplayName("The Node package troupe-client")
class NodeClientPackageTest {
  private static final long STEP_SECONDS = 90;
  private static final long UNIT_TESTS_SECONDS = 120;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting("TROUPE_API_KEYS", TcpBridgeTest.keys())
              .setting("TROUPE_BRIDGE_PORT", "0")
              .setting(
                  "TROUPE_BRIDGE_INBOUND", RequestContract.ADDRESS + "," + JobsContract.ADDRESS));

  private Process process;

  @BeforeAll
  static void needsNode() {
    NodeJs.require();
    assertThat(NodeJs.PACKAGE.resolve("package-lock.json")).exists();
  }

  @AfterEach
  void stop() throws InterruptedException {
    NodeJs.stop(process);
  }

  @Test
  @DisplayName("its unit tests pass (node --test, against a double of the bridge's protocol)")
  void unitTests() throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "--test"));
    try (Stream<Path> files = Files.list(NodeJs.PACKAGE.resolve("test"))) {
      files
          .map(p -> p.getFileName().toString())
          .filter(name -> name.endsWith(".test.js"))
          .sorted()
          .forEach(name -> command.add("test/" + name));
    }
    assertThat(command).as("test files").hasSizeGreaterThan(2);
    Path log = NodeJs.log("troupe-client-unit-tests");
    process =
        new ProcessBuilder(command)
            .directory(NodeJs.PACKAGE.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(process.waitFor(UNIT_TESTS_SECONDS, TimeUnit.SECONDS))
        .as("node --test finished within " + UNIT_TESTS_SECONDS + " s; " + NodeJs.tail(log))
        .isTrue();
    assertThat(process.exitValue())
        .as("exit status of " + command + "; " + NodeJs.tail(log))
        .isZero();
    assertThat(Files.readString(log))
        .as(NodeJs.tail(log))
        .contains("# fail 0", "# cancelled 0")
        .doesNotContain("not ok ", "# pass 0");
  }

  @Test
  @DisplayName(
      "against a real node: put, get, typed errors, a change event; after the node restarts on the same bridge port the client reconnects by itself, a get succeeds and its subscription sees a new put, and a feed resumed from before the restart replays it")
  void reconnectsAfterTheNodeRestarts() throws Exception {
    TroupeCluster cluster = TROUPE.cluster();
    int bridgePort = cluster.node(0).bridgePort();
    assertThat(bridgePort).as("the bridge's port").isPositive();
    Path log = NodeJs.log("troupe-client-real-node-stderr");
    ProcessBuilder builder =
        new ProcessBuilder("node", "it/real-node.js")
            .directory(NodeJs.PACKAGE.toFile())
            .redirectError(log.toFile());
    builder.environment().put("TROUPE_BRIDGE_PORT", String.valueOf(bridgePort));
    builder.environment().put("TROUPE_API_KEY", TcpBridgeTest.WRITER);
    builder.environment().put("IT_COLLECTION", "nodepkg");
    process = builder.start();
    BlockingQueue<JsonObject> lines = new LinkedBlockingQueue<>();
    NodeJs.readLines(process, lines);
    List<String> seen = new ArrayList<>();
    seen.add("(stderr: " + log + ")");

    JsonObject putGet = next(lines, seen, "put-get");
    assertThat(putGet.getInteger("version")).isPositive();
    JsonObject errors = next(lines, seen, "errors");
    assertThat(errors.getJsonObject("missing").getMap())
        .containsEntry("code", "NOT_FOUND")
        .containsEntry("failureCode", 4040)
        .containsEntry("retryable", false);
    assertThat(errors.getJsonObject("stale").getString("code")).isEqualTo("PRECONDITION_FAILED");
    assertThat(errors.getJsonObject("job").getString("code")).isEqualTo("NOT_FOUND");
    next(lines, seen, "event");
    next(lines, seen, "restart-me");

    TroupeNode restarted =
        cluster.restartNode(0).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
    assertThat(restarted.bridgePort())
        .as("the bridge's port after the restart")
        .isEqualTo(bridgePort);
    assertThat(cluster.node(0)).isSameAs(restarted);

    next(lines, seen, "disconnected");
    JsonObject reconnected = next(lines, seen, "reconnected");
    assertThat(reconnected.getJsonArray("lifecycle").getList())
        .as("the client's events")
        .startsWith("connected", "disconnected")
        .contains("reconnecting")
        .endsWith("connected");
    JsonObject after = next(lines, seen, "event-after-restart");
    assertThat(after.getString("id")).isEqualTo("after");
    JsonObject resumed = next(lines, seen, "resumed");
    assertThat(resumed.getJsonArray("ids").getList()).as("replayed from the log").contains("after");
    next(lines, seen, "done");
    assertThat(process.waitFor(STEP_SECONDS, TimeUnit.SECONDS)).as("the script exits").isTrue();
    assertThat(process.exitValue()).as("exit status; lines " + seen).isZero();
  }

  /** The next line the script prints, which must be step {@code step}. */
  private static JsonObject next(BlockingQueue<JsonObject> lines, List<String> seen, String step)
      throws InterruptedException {
    for (; ; ) {
      JsonObject line = lines.poll(STEP_SECONDS, TimeUnit.SECONDS);
      if (line == null) {
        fail("no line '" + step + "' within " + STEP_SECONDS + " s; lines so far " + seen);
      }
      seen.add(line.encode());
      if (!"error-event".equals(line.getString("step"))) {
        assertThat(line.getString("step")).as("step; lines so far " + seen).isEqualTo(step);
        return line;
      }
    }
  }
}
