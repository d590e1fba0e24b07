package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The four {@code troupe.jar} processes of the process chaos tests, on loopback and one PostgreSQL
 * schema: {@code gateway-1} (gateway, request, cache), {@code gateway-2} (gateway, request, db),
 * {@code worker-1} and {@code worker-2} (request, cache, db), so every service runs on at least two
 * nodes. Fast failure detection (heartbeat 1 s, failure timeout 5 s). Each node's output goes to a
 * log of its own under the test's log directory; {@link #close()} kills whatever still runs.
 */
final class ChaosNodes implements AutoCloseable {
  static final int HEARTBEAT_S = 1;
  static final int FAILURE_TIMEOUT_S = 5;

  /** How long a process may take from its start to its ready line. */
  private static final long START_SECONDS = 150;

  private final Path jar;
  private final Path logs;
  private final Consumer<String> log;
  private final List<NodeProcess> nodes = new ArrayList<>();

  /**
   * Describes the four nodes (nothing starts yet).
   *
   * @param name the cluster name's prefix, and the logs' subdirectory
   * @param extraEnv settings every node gets on top of the common ones
   * @param log where progress lines go
   */
  ChaosNodes(PostgresSchema pg, String name, Map<String, String> extraEnv, Consumer<String> log)
      throws Exception {
    this.jar = Path.of(System.getProperty("troupe.jar", "../launcher/target/troupe.jar"));
    assertThat(jar).as("troupe.jar is built by the launcher module before testkit").isRegularFile();
    this.log = log;
    this.logs = Path.of(System.getProperty("chaos.logs", "target/chaos-logs")).resolve(name);
    Files.createDirectories(logs);
    String cluster = name + "-" + UUID.randomUUID();
    int[] hazelcastPorts = new int[4];
    for (int i = 0; i < hazelcastPorts.length; i++) {
      hazelcastPorts[i] = NodeProcess.freePort();
    }
    String members =
        Arrays.stream(hazelcastPorts)
            .mapToObj(p -> "127.0.0.1:" + p)
            .collect(Collectors.joining(","));
    String[][] layout = {
      {"gateway-1", "gateway,request,cache"},
      {"gateway-2", "gateway,request,db"},
      {"worker-1", "request,cache,db"},
      {"worker-2", "request,cache,db"}
    };
    for (int i = 0; i < layout.length; i++) {
      Map<String, String> env = new HashMap<>(extraEnv);
      env.put("TROUPE_CLUSTER_NAME", cluster);
      env.put("TROUPE_CLUSTER_PORT", String.valueOf(hazelcastPorts[i]));
      env.put("TROUPE_CLUSTER_MEMBERS", members);
      nodes.add(node(layout[i][0], layout[i][1], env, pg, logs));
    }
  }

  private static NodeProcess node(
      String name, String services, Map<String, String> env, PostgresSchema pg, Path logs)
      throws Exception {
    int httpPort = NodeProcess.freePort();
    env.put("TROUPE_CLUSTER_HEARTBEAT_SECONDS", String.valueOf(HEARTBEAT_S));
    env.put("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", String.valueOf(FAILURE_TIMEOUT_S));
    env.put("TROUPE_NODE_NAME", name);
    env.put(
        services.contains("gateway") ? "TROUPE_HTTP_PORT" : "TROUPE_HEALTH_PORT",
        String.valueOf(httpPort));
    env.put("TROUPE_DB_URL", pg.url());
    env.put("TROUPE_DB_SCHEMA", pg.schema());
    env.put("TROUPE_DB_POOL_SIZE", "4");
    env.put("TROUPE_DB_INSTANCES", "2");
    env.put("TROUPE_GATEWAY_INSTANCES", "1");
    env.put("TROUPE_GATEWAY_DRAIN_MS", "5000");
    env.put("TROUPE_EVENT_LOOPS", "2");
    env.put("TROUPE_WORKER_POOL_SIZE", "4");
    env.put("TROUPE_ACCESS_LOG", "false");
    env.put("TROUPE_DATA_DIR", Path.of("target", "chaos-data", name).toAbsolutePath().toString());
    return new NodeProcess(name, services, env, httpPort, logs);
  }

  /**
   * Starts the first node alone (so the others join its cluster instead of forming their own), then
   * the other three, and waits until every node is ready with four members.
   */
  void startAll(long settleSeconds) throws Exception {
    nodes.get(0).start(jar);
    awaitReadyLine(nodes.get(0));
    for (NodeProcess n : nodes.subList(1, nodes.size())) {
      n.start(jar);
    }
    for (NodeProcess n : nodes) {
      awaitReadyLine(n);
    }
    awaitClusterReady(nodes.size(), settleSeconds);
  }

  NodeProcess gateway1() {
    return nodes.get(0);
  }

  NodeProcess gateway2() {
    return nodes.get(1);
  }

  NodeProcess worker1() {
    return nodes.get(2);
  }

  NodeProcess worker2() {
    return nodes.get(3);
  }

  List<NodeProcess> all() {
    return List.copyOf(nodes);
  }

  /** The directory of the nodes' logs, for the test's own files too. */
  Path logs() {
    return logs;
  }

  /** The HTTP ports of the two gateways. */
  List<Integer> gatewayPorts() {
    return List.of(gateway1().httpPort(), gateway2().httpPort());
  }

  /** Starts {@code node} again (after a kill or a stop) and waits for its ready line. */
  void start(NodeProcess node) throws Exception {
    node.start(jar);
    awaitReadyLine(node);
  }

  private void awaitReadyLine(NodeProcess node) throws Exception {
    long started = System.nanoTime();
    try {
      node.ready().get(START_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(
          node.name() + " did not start within " + START_SECONDS + " s; see " + node.log(), e);
    }
    log.accept(node.name() + " started in " + millisSince(started) + " ms");
  }

  /** Every node answers 200 on /health/ready and sees {@code members} members. */
  void awaitClusterReady(int members, long seconds) throws Exception {
    long started = System.nanoTime();
    ReadyProbe.await(
        "every node ready with " + members + " members",
        () -> nodes.stream().allMatch(n -> ReadyProbe.readyWith(n, members)),
        seconds);
    log.accept("cluster ready with " + members + " members after " + millisSince(started) + " ms");
  }

  /** Every node is ready (200 on /health/ready) now. */
  void assertAllReady() throws Exception {
    for (NodeProcess n : nodes) {
      assertThat(ReadyProbe.health(n).statusCode())
          .as(n.name() + " ready at the end")
          .isEqualTo(200);
    }
  }

  /** Waits until {@code load} has {@code more} successful calls than now. */
  static void awaitSuccesses(ChaosLoad load, long more, long seconds) throws Exception {
    long target = load.successes() + more;
    ReadyProbe.await(more + " more successful calls", () -> load.successes() >= target, seconds);
  }

  /** Every document of {@code load}, read through both gateways, is its last acknowledged write. */
  void assertGatewaysServeLastWrites(ChaosLoad load) throws Exception {
    for (int port : gatewayPorts()) {
      for (ChaosLoad.KeyState state : load.keys().values()) {
        HttpResponse<String> get = load.get(port, state.key);
        assertThat(get.statusCode()).as(state.key + " through port " + port).isEqualTo(200);
        JsonObject doc = new JsonObject(get.body());
        assertThat(doc.getLong("version"))
            .as(state.key + " version through port " + port)
            .isEqualTo(state.version);
        assertThat(doc.getJsonObject("data"))
            .as(state.key + " data through port " + port)
            .isEqualTo(state.data);
      }
    }
  }

  static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::destroy);
  }
}
