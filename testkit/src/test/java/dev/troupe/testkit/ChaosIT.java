package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.testkit.ChaosLoad.Call;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Four Troupe JVMs on loopback, started from {@code troupe.jar}, on one PostgreSQL schema: the
 * gateway on two, request-, cache- and db-service on at least two each. Under a mixed load with
 * {@code If-Match} writes through both gateways, one non-gateway node is killed with SIGKILL,
 * restarted, then another gets SIGTERM and is restarted. Checked: no acknowledged write is lost or
 * reordered, calls fail only within a bounded window after each fault (printed), and the cluster
 * gets ready again by itself.
 *
 * <p>Runs in the {@code chaos} profile ({@code mvn verify -Pchaos}, which {@code .ci/run} uses).
 * Each node's output is kept in {@code target/chaos-logs/}.
 */
@DisplayName("Chaos: real processes killed and stopped under load")
class ChaosIT {
  /** Fast failure detection, so the kill window stays short; the bound below derives from it. */
  private static final int FAILURE_TIMEOUT_S = 5;

  private static final int HEARTBEAT_S = 1;
  private static final long GATEWAY_TIMEOUT_MS = 6_000;
  private static final long DB_TIMEOUT_MS = 5_000;

  /**
   * Calls fail after a fault for at most: detection of a dead member (failure timeout, plus a
   * heartbeat of slack and the time Vert.x takes to drop its subscriptions), then calls still
   * waiting out the gateway's deadline, plus a margin for this crowded two-core machine.
   */
  private static final long ERROR_BOUND_MS =
      (FAILURE_TIMEOUT_S + HEARTBEAT_S) * 1_000L + GATEWAY_TIMEOUT_MS + 5_000;

  private static final long START_SECONDS = 150;
  private static final long STOP_SECONDS = 60;
  private static final long SETTLE_SECONDS = 90;

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
      "kill -9 and SIGTERM of non-gateway nodes lose no acknowledged write, errors stay in a bounded window, the cluster heals")
  void survivesKillAndSigterm() throws Exception {
    Path jar = Path.of(System.getProperty("troupe.jar", "../launcher/target/troupe.jar"));
    assertThat(jar).as("troupe.jar is built by the launcher module before testkit").isRegularFile();
    Path logs = Path.of(System.getProperty("chaos.logs", "target/chaos-logs"));
    Files.createDirectories(logs);

    String cluster = "chaos-" + UUID.randomUUID();
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
    NodeProcess killed =
        node("worker-1", "request,cache,db", cluster, hazelcastPorts[2], members, logs);
    NodeProcess stopped =
        node("worker-2", "request,cache,db", cluster, hazelcastPorts[3], members, logs);

    // The first member alone, so the others join its cluster instead of forming their own.
    gateway1.start(jar);
    awaitReadyLine(gateway1);
    for (NodeProcess n : List.of(gateway2, killed, stopped)) {
      n.start(jar);
    }
    for (NodeProcess n : nodes) {
      awaitReadyLine(n);
    }
    awaitClusterReady(4);

    Map<String, Long> windows = new LinkedHashMap<>();
    List<Long> faults = new ArrayList<>();
    try (ChaosLoad load =
        new ChaosLoad(List.of(gateway1.httpPort(), gateway2.httpPort()), 4, 6, 2)) {
      load.createAll();
      load.start(40);
      awaitSuccesses(load, 200);

      long killedAt = System.nanoTime();
      faults.add(killedAt);
      killed.kill();
      log("SIGKILL " + killed.name());
      awaitMembers(3);
      awaitSuccesses(load, 300);

      long restartedKilledAt = System.nanoTime();
      faults.add(restartedKilledAt);
      killed.start(jar);
      awaitReadyLine(killed);
      awaitClusterReady(4);
      awaitSuccesses(load, 200);

      long terminatedAt = System.nanoTime();
      faults.add(terminatedAt);
      int exit = stopped.terminate(STOP_SECONDS);
      log(
          "SIGTERM "
              + stopped.name()
              + " exited "
              + exit
              + " after "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - terminatedAt)
              + " ms");
      assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
      assertThat(Files.readString(stopped.log()))
          .as("SIGTERM stops cleanly")
          .contains("Troupe stopped");
      awaitMembers(3);
      awaitSuccesses(load, 300);

      long restartedStoppedAt = System.nanoTime();
      faults.add(restartedStoppedAt);
      stopped.start(jar);
      awaitReadyLine(stopped);
      awaitClusterReady(4);
      awaitSuccesses(load, 200);
      load.stop();

      List<Call> calls = load.calls();
      List<Call> failures = calls.stream().filter(Call::failed).toList();
      log(
          calls.size()
              + " calls, "
              + failures.size()
              + " failed, "
              + load.adoptedUnacknowledged()
              + " unacknowledged writes found applied");
      writeCalls(logs.resolve("calls.txt"), calls, faults.get(0));
      String[] names = {
        "after SIGKILL " + killed.name(),
        "after restart of " + killed.name(),
        "after SIGTERM " + stopped.name(),
        "after restart of " + stopped.name()
      };
      long first = faults.get(0);
      assertThat(failures.stream().filter(c -> c.endNanos() < first).toList())
          .as("failures before any fault")
          .isEmpty();
      for (int i = 0; i < faults.size(); i++) {
        int fault = i;
        List<Call> owned =
            failures.stream()
                .filter(c -> c.endNanos() >= first && owner(faults, c) == fault)
                .toList();
        long window =
            owned.stream()
                .mapToLong(c -> TimeUnit.NANOSECONDS.toMillis(c.endNanos() - faults.get(fault)))
                .max()
                .orElse(0L);
        windows.put(names[i], window);
        log(
            "error window "
                + names[i]
                + ": "
                + window
                + " ms, "
                + owned.size()
                + " failed calls"
                + summary(owned));
      }

      assertThat(load.violations()).as("lost, reordered or stale writes").isEmpty();
      windows.forEach(
          (fault, ms) ->
              assertThat(ms)
                  .as("error window " + fault + " (bound " + ERROR_BOUND_MS + " ms)")
                  .isLessThanOrEqualTo(ERROR_BOUND_MS));
      assertFinalState(load, List.of(gateway1.httpPort(), gateway2.httpPort()));
    }
    for (NodeProcess n : nodes) {
      assertThat(ReadyProbe.health(n).statusCode())
          .as(n.name() + " ready at the end")
          .isEqualTo(200);
    }
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
    env.put("TROUPE_DB_TIMEOUT_MS", String.valueOf(DB_TIMEOUT_MS));
    env.put("TROUPE_GATEWAY_TIMEOUT_MS", String.valueOf(GATEWAY_TIMEOUT_MS));
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
    CompletableFuture<Void> ready = node.ready();
    try {
      ready.get(START_SECONDS, TimeUnit.SECONDS);
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
  private void awaitClusterReady(int members) throws Exception {
    long started = System.nanoTime();
    ReadyProbe.await(
        "every node ready with " + members + " members",
        () -> nodes.stream().allMatch(n -> ReadyProbe.readyWith(n, members)),
        SETTLE_SECONDS);
    log(
        "cluster ready with "
            + members
            + " members after "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
            + " ms");
  }

  /**
   * Both gateways' Hazelcast members see {@code members} members: the lost one has been removed.
   */
  private void awaitMembers(int members) throws Exception {
    long started = System.nanoTime();
    ReadyProbe.await(
        "the gateways see " + members + " members",
        () ->
            nodes.stream()
                .limit(2)
                .allMatch(
                    n -> {
                      try {
                        return ReadyProbe.members(ReadyProbe.health(n).body()) == members;
                      } catch (Exception e) {
                        return false;
                      }
                    }),
        SETTLE_SECONDS);
    log(
        "members down to "
            + members
            + " after "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
            + " ms");
  }

  private static void awaitSuccesses(ChaosLoad load, long more) throws Exception {
    long target = load.successes() + more;
    ReadyProbe.await(
        more + " more successful calls", () -> load.successes() >= target, SETTLE_SECONDS);
  }

  /**
   * Every document, read through every gateway and straight from PostgreSQL, is the last
   * acknowledged write.
   */
  private void assertFinalState(ChaosLoad load, List<Integer> gateways) throws Exception {
    Map<String, ChaosLoad.KeyState> expected = load.keys();
    for (int port : gateways) {
      for (ChaosLoad.KeyState state : expected.values()) {
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
    Map<String, JsonObject> stored = new HashMap<>();
    String jdbc =
        "jdbc:postgresql://"
            + PostgresSchema.HOST
            + ":"
            + PostgresSchema.PORT
            + "/"
            + PostgresSchema.DATABASE;
    try (Connection conn = DriverManager.getConnection(jdbc, PostgresSchema.USER, "");
        Statement statement = conn.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT id, version, data FROM "
                    + PG.schema()
                    + ".troupe_documents WHERE collection = '"
                    + ChaosLoad.COLLECTION
                    + "' AND NOT deleted")) {
      while (rows.next()) {
        stored.put(
            rows.getString(1),
            new JsonObject()
                .put("version", rows.getLong(2))
                .put("data", new JsonObject(rows.getString(3))));
      }
    }
    assertThat(stored.keySet()).as("documents in PostgreSQL").isEqualTo(expected.keySet());
    expected
        .values()
        .forEach(
            state ->
                assertThat(stored.get(state.key))
                    .as(state.key + " in PostgreSQL")
                    .isEqualTo(
                        new JsonObject().put("version", state.version).put("data", state.data)));
    log(
        "final state checked: "
            + expected.size()
            + " documents, through both gateways and in PostgreSQL");
  }

  /**
   * The fault a failed call belongs to: the last one before the call started (the first, for calls
   * already running).
   */
  private static int owner(List<Long> faults, Call call) {
    int owner = 0;
    for (int i = 0; i < faults.size(); i++) {
      if (faults.get(i) <= call.startNanos()) {
        owner = i;
      }
    }
    return owner;
  }

  private static String summary(List<Call> failed) {
    Map<String, Long> byKind =
        failed.stream()
            .collect(
                Collectors.groupingBy(
                    c -> c.op() + " " + (c.status() < 0 ? "no answer" : c.status()),
                    LinkedHashMap::new,
                    Collectors.counting()));
    return byKind.isEmpty() ? "" : " " + byKind;
  }

  private static void writeCalls(Path file, List<Call> calls, long origin) throws Exception {
    StringBuilder out =
        new StringBuilder("# ms since the first fault: start end op key status detail\n");
    for (Call c : calls) {
      out.append(TimeUnit.NANOSECONDS.toMillis(c.startNanos() - origin))
          .append(' ')
          .append(TimeUnit.NANOSECONDS.toMillis(c.endNanos() - origin))
          .append(' ')
          .append(c.op())
          .append(' ')
          .append(c.key())
          .append(' ')
          .append(c.status())
          .append(' ')
          .append(c.detail().replace('\n', ' '))
          .append('\n');
    }
    Files.writeString(file, out);
  }

  private static void log(String line) {
    System.out.println("[chaos] " + line);
  }
}
