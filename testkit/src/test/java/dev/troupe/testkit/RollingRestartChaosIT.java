package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.testkit.ChaosLoad.Call;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling restart of four {@code troupe.jar} processes on one PostgreSQL schema, under a mixed
 * load with {@code If-Match} writes and reads through two gateways: each non-gateway node is
 * SIGTERMed and started again in turn, then each gateway, after the load (its balancer) has stopped
 * sending to it. Checked: not one call fails, no acknowledged write is lost, doubled or seen stale,
 * and every node is ready again at the end. The rolling part is bounded ({@link #ROLL_SECONDS}).
 *
 * <p>Runs in the {@code chaos} profile ({@code mvn verify -Pchaos}). Prints the calls, failures and
 * latency percentiles; each node's output is kept in {@code target/chaos-logs/rolling/}.
 */
@DisplayName("Chaos: a rolling restart under load")
class RollingRestartChaosIT {
  private static final int FAILURE_TIMEOUT_S = 5;
  private static final int HEARTBEAT_S = 1;
  private static final long START_SECONDS = 150;
  private static final long STOP_SECONDS = 45;
  private static final long SETTLE_SECONDS = 60;

  /** The whole roll, from the first SIGTERM until every node is back and ready. */
  private static final long ROLL_SECONDS = 180;

  @RegisterExtension
  @Order(1)
  static final PostgresSchema PG = new PostgresSchema();

  private final List<NodeProcess> nodes = new ArrayList<>();

  @AfterEach
  void killAll() {
    nodes.forEach(NodeProcess::destroy);
  }

  @Test
  @DisplayName(
      "SIGTERM and restart of every node in turn, gateways after their drain: no failed call,"
          + " nothing lost or doubled")
  void rollingRestartLosesNothing() throws Exception {
    Path jar = Path.of(System.getProperty("troupe.jar", "../launcher/target/troupe.jar"));
    assertThat(jar).as("troupe.jar is built by the launcher module before testkit").isRegularFile();
    Path logs = Path.of(System.getProperty("chaos.logs", "target/chaos-logs")).resolve("rolling");
    Files.createDirectories(logs);

    String cluster = "rolling-" + UUID.randomUUID();
    int[] hazelcastPorts = new int[4];
    for (int i = 0; i < hazelcastPorts.length; i++) {
      hazelcastPorts[i] = NodeProcess.freePort();
    }
    String members =
        Arrays.stream(hazelcastPorts)
            .mapToObj(p -> "127.0.0.1:" + p)
            .collect(Collectors.joining(","));
    NodeProcess gateway1 =
        node("gateway-1", "gateway,request,cache", cluster, hazelcastPorts[0], members, logs);
    NodeProcess gateway2 =
        node("gateway-2", "gateway,request,db", cluster, hazelcastPorts[1], members, logs);
    NodeProcess worker1 =
        node("worker-1", "request,cache,db", cluster, hazelcastPorts[2], members, logs);
    NodeProcess worker2 =
        node("worker-2", "request,cache,db", cluster, hazelcastPorts[3], members, logs);

    gateway1.start(jar);
    awaitReadyLine(gateway1);
    for (NodeProcess n : List.of(gateway2, worker1, worker2)) {
      n.start(jar);
    }
    for (NodeProcess n : nodes) {
      awaitReadyLine(n);
    }
    awaitClusterReady(4, SETTLE_SECONDS);

    List<Integer> gateways = List.of(gateway1.httpPort(), gateway2.httpPort());
    try (ChaosLoad load = new ChaosLoad(gateways, 4, 6, 2)) {
      load.createAll();
      load.start(40);
      awaitSuccesses(load, 200);

      long rollStarted = System.nanoTime();
      long deadline = rollStarted + TimeUnit.SECONDS.toNanos(ROLL_SECONDS);
      for (NodeProcess worker : List.of(worker1, worker2)) {
        restart(worker, jar, deadline);
        awaitSuccesses(load, 150);
      }
      for (NodeProcess gateway : List.of(gateway1, gateway2)) {
        // The balancer takes the gateway out of rotation (its readiness turns 503 on SIGTERM; here
        // before, so no new connection meets a closed port), then it drains and stops.
        load.rotation(
            gateways.stream().filter(p -> p != gateway.httpPort()).collect(Collectors.toList()));
        restart(gateway, jar, deadline);
        load.rotation(gateways);
        awaitSuccesses(load, 150);
      }
      long rollMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rollStarted);
      load.stop();

      List<Call> calls = load.calls();
      List<Call> failures = calls.stream().filter(Call::failed).toList();
      List<Call> during =
          calls.stream().filter(c -> c.startNanos() >= rollStarted && !c.failed()).toList();
      log(
          "rolled 4 nodes in "
              + rollMs
              + " ms: "
              + calls.size()
              + " calls, "
              + failures.size()
              + " failed, "
              + load.adoptedUnacknowledged()
              + " unacknowledged writes found applied; latency during the roll p50 "
              + percentile(during, 0.50)
              + " ms, p99 "
              + percentile(during, 0.99)
              + " ms, max "
              + percentile(during, 1.0)
              + " ms");
      assertThat(failures)
          .as("failed calls (status, op, key, detail)")
          .extracting(c -> c.status() + " " + c.op() + " " + c.key() + " " + c.detail())
          .isEmpty();
      assertThat(load.violations()).as("lost, reordered or stale writes").isEmpty();
      assertThat(rollMs).as("the roll's duration").isLessThanOrEqualTo(ROLL_SECONDS * 1_000);
      assertFinalState(load, gateways);
    }
    for (NodeProcess n : nodes) {
      assertThat(ReadyProbe.health(n).statusCode())
          .as(n.name() + " ready at the end")
          .isEqualTo(200);
    }
  }

  /** SIGTERM, a clean exit, a start, and the whole cluster ready again with four members. */
  private void restart(NodeProcess node, Path jar, long deadline) throws Exception {
    long stopping = System.nanoTime();
    int exit = node.terminate(STOP_SECONDS);
    log(
        "SIGTERM "
            + node.name()
            + " exited "
            + exit
            + " after "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping)
            + " ms");
    assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
    assertThat(Files.readString(node.log())).as("SIGTERM stops cleanly").contains("Troupe stopped");
    node.start(jar);
    awaitReadyLine(node);
    long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
    assertThat(left).as("time left of the roll's bound").isPositive();
    awaitClusterReady(4, left);
  }

  private static long percentile(List<Call> calls, double p) {
    long[] ms =
        calls.stream()
            .mapToLong(c -> TimeUnit.NANOSECONDS.toMillis(c.endNanos() - c.startNanos()))
            .sorted()
            .toArray();
    if (ms.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p * ms.length) - 1;
    return ms[Math.max(0, Math.min(ms.length - 1, rank))];
  }

  private NodeProcess node(
      String name, String services, String cluster, int hazelcastPort, String members, Path logs)
      throws Exception {
    int httpPort = NodeProcess.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("TROUPE_CLUSTER_NAME", cluster);
    env.put("TROUPE_CLUSTER_PORT", String.valueOf(hazelcastPort));
    env.put("TROUPE_CLUSTER_MEMBERS", members);
    env.put("TROUPE_CLUSTER_HEARTBEAT_SECONDS", String.valueOf(HEARTBEAT_S));
    env.put("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", String.valueOf(FAILURE_TIMEOUT_S));
    env.put("TROUPE_NODE_NAME", name);
    env.put(
        services.contains("gateway") ? "TROUPE_HTTP_PORT" : "TROUPE_HEALTH_PORT",
        String.valueOf(httpPort));
    env.put("TROUPE_DB_URL", PG.url());
    env.put("TROUPE_DB_SCHEMA", PG.schema());
    env.put("TROUPE_DB_POOL_SIZE", "4");
    env.put("TROUPE_DB_INSTANCES", "2");
    env.put("TROUPE_GATEWAY_INSTANCES", "1");
    env.put("TROUPE_GATEWAY_DRAIN_MS", "5000");
    env.put("TROUPE_EVENT_LOOPS", "2");
    env.put("TROUPE_WORKER_POOL_SIZE", "4");
    env.put("TROUPE_ACCESS_LOG", "false");
    env.put("TROUPE_DATA_DIR", Path.of("target", "chaos-data", name).toAbsolutePath().toString());
    NodeProcess node = new NodeProcess(name, services, env, httpPort, logs);
    nodes.add(node);
    return node;
  }

  private static void awaitReadyLine(NodeProcess node) throws Exception {
    long started = System.nanoTime();
    try {
      node.ready().get(START_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(
          node.name() + " did not start within " + START_SECONDS + " s; see " + node.log(), e);
    }
    log(
        node.name()
            + " started in "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
            + " ms");
  }

  /** Every node answers 200 on /health/ready and sees {@code members} members. */
  private void awaitClusterReady(int members, long seconds) throws Exception {
    long started = System.nanoTime();
    ReadyProbe.await(
        "every node ready with " + members + " members",
        () -> nodes.stream().allMatch(n -> ReadyProbe.readyWith(n, members)),
        seconds);
    log(
        "cluster ready with "
            + members
            + " members after "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
            + " ms");
  }

  private static void awaitSuccesses(ChaosLoad load, long more) throws Exception {
    long target = load.successes() + more;
    ReadyProbe.await(
        more + " more successful calls", () -> load.successes() >= target, SETTLE_SECONDS);
  }

  /** Every document, read through every gateway, is the last acknowledged write. */
  private static void assertFinalState(ChaosLoad load, List<Integer> gateways) throws Exception {
    for (int port : gateways) {
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
    log("final state checked through both gateways: " + load.keys().size() + " documents");
  }

  private static void log(String line) {
    System.out.println("[rolling] " + line);
  }
}
