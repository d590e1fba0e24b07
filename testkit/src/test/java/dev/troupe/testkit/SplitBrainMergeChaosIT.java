package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.config.ClusterFormationConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A Hazelcast split-brain merge between two real {@code troupe.jar} processes. Node A (gateway,
 * request, cache) starts alone and lists B as a member; node B (db, cache) starts alone knowing
 * only itself, so each is a cluster of one with the same name: two halves of a split brain. Until
 * they merge, neither is ready (A has no db-service, B no request-service). Hazelcast's split-brain
 * handler on A finds B and merges the smaller side into the other, which restarts that member's
 * Hazelcast state; Vert.x must then publish that side's event-bus subscriptions again. Checked:
 * both nodes report ready with two members by themselves, and a write and a read through A's
 * gateway (A's request-service calling B's db-service) succeed.
 *
 * <p>This machine's kernel would allow network namespaces, but a veth cut in a test needs root and
 * leaves interfaces behind on failure; a merge of two clusters is what a healed partition ends in,
 * and it runs anywhere. Runs in the {@code chaos} profile.
 */
@DisplayName("Chaos: a split-brain merge of two real processes")
class SplitBrainMergeChaosIT {
  /**
   * Hazelcast looks for other halves this long after start, then at this interval: the production
   * defaults of TROUPE_CLUSTER_MERGE_FIRST_DELAY_SECONDS / _INTERVAL_SECONDS, no test-only setting.
   */
  private static final int MERGE_DELAY_S =
      ClusterFormationConfig.DEFAULTS.mergeNextRunDelaySeconds();

  private static final long START_SECONDS = 150;
  private static final long MERGE_SECONDS = 90;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private NodeProcess a;
  private NodeProcess b;

  @AfterEach
  void killAll() {
    if (a != null) {
      a.destroy();
    }
    if (b != null) {
      b.destroy();
    }
  }

  @Test
  @DisplayName(
      "after two halves of one cluster merge, every consumer is registered again and both nodes report ready by themselves")
  void mergeRestoresConsumers() throws Exception {
    Path jar = Path.of(System.getProperty("troupe.jar", "../launcher/target/troupe.jar"));
    assertThat(jar).as("troupe.jar is built by the launcher module before testkit").isRegularFile();
    Path logs = Path.of(System.getProperty("chaos.logs", "target/chaos-logs")).resolve("merge");
    Files.createDirectories(logs);
    String cluster = "merge-" + UUID.randomUUID();
    int portA = NodeProcess.freePort();
    int portB = NodeProcess.freePort();
    int httpA = NodeProcess.freePort();
    int httpB = NodeProcess.freePort();
    a =
        new NodeProcess(
            "a",
            "gateway,request,cache",
            env(
                cluster,
                portA,
                "127.0.0.1:" + portA + ",127.0.0.1:" + portB,
                "TROUPE_HTTP_PORT",
                httpA,
                logs),
            httpA,
            logs);
    b =
        new NodeProcess(
            "b",
            "db,cache",
            env(cluster, portB, "127.0.0.1:" + portB, "TROUPE_HEALTH_PORT", httpB, logs),
            httpB,
            logs);

    a.start(jar);
    a.ready().get(START_SECONDS, TimeUnit.SECONDS);
    b.start(jar);
    b.ready().get(START_SECONDS, TimeUnit.SECONDS);
    long bothUp = System.nanoTime();
    // Usually still two clusters of one here; the merge may already have begun, so this is only
    // told.
    log(
        "members seen when both are up: A "
            + ReadyProbe.members(ReadyProbe.health(a).body())
            + ", B "
            + ReadyProbe.members(ReadyProbe.health(b).body()));

    ReadyProbe.await(
        "both nodes ready with 2 members",
        () -> ReadyProbe.readyWith(a, 2) && ReadyProbe.readyWith(b, 2),
        MERGE_SECONDS);
    log(
        "merged and ready on both nodes "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - bothUp)
            + " ms after both were up (merge checks every "
            + MERGE_DELAY_S
            + " s)");

    String doc = "http://127.0.0.1:" + a.httpPort() + "/api/v1/docs/merge/d1";
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(doc))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"merged\":true}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode())
        .as("write through A to B's db-service: " + put.body())
        .isEqualTo(201);
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(URI.create(doc)).timeout(Duration.ofSeconds(20)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).as(get.body()).isEqualTo(200);
    assertThat(new JsonObject(get.body()).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("merged", true));
  }

  private static Map<String, String> env(
      String cluster, int hazelcastPort, String members, String portKey, int httpPort, Path logs) {
    Map<String, String> env = new HashMap<>();
    env.put("TROUPE_CLUSTER_NAME", cluster);
    env.put("TROUPE_CLUSTER_PORT", String.valueOf(hazelcastPort));
    env.put("TROUPE_CLUSTER_MEMBERS", members);
    env.put("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", "5");
    env.put(portKey, String.valueOf(httpPort));
    env.put("TROUPE_GATEWAY_INSTANCES", "1");
    env.put("TROUPE_EVENT_LOOPS", "2");
    env.put("TROUPE_WORKER_POOL_SIZE", "4");
    env.put(
        "TROUPE_DATA_DIR", logs.resolve("data-" + UUID.randomUUID()).toAbsolutePath().toString());
    return env;
  }

  private static void log(String line) {
    System.out.println("[chaos] " + line);
  }
}
