package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.testkit.ChaosLoad.Call;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Each node's output is kept in {@code target/chaos-logs/chaos/}.
 */
@DisplayName("Chaos: real processes killed and stopped under load")
class ChaosIT {
  private static final long GATEWAY_TIMEOUT_MS = 6_000;
  private static final long DB_TIMEOUT_MS = 5_000;

  /**
   * Calls fail after a fault for at most: detection of a dead member (failure timeout, plus a
   * heartbeat of slack and the time Vert.x takes to drop its subscriptions), then calls still
   * waiting out the gateway's deadline, plus a margin for this crowded two-core machine.
   */
  private static final long ERROR_BOUND_MS =
      (ChaosNodes.FAILURE_TIMEOUT_S + ChaosNodes.HEARTBEAT_S) * 1_000L + GATEWAY_TIMEOUT_MS + 5_000;

  private static final long STOP_SECONDS = 60;
  private static final long SETTLE_SECONDS = 90;

  @RegisterExtension
  @Order(1)
  static final PostgresSchema PG = new PostgresSchema();

  private ChaosNodes nodes;

  @AfterEach
  void killAll() {
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  @DisplayName(
      "kill -9 and SIGTERM of non-gateway nodes lose no acknowledged write, errors stay in a bounded window, the cluster heals")
  void survivesKillAndSigterm() throws Exception {
    nodes =
        new ChaosNodes(
            PG,
            "chaos",
            Map.of(
                "TROUPE_DB_TIMEOUT_MS", String.valueOf(DB_TIMEOUT_MS),
                "TROUPE_GATEWAY_TIMEOUT_MS", String.valueOf(GATEWAY_TIMEOUT_MS)),
            ChaosIT::log);
    NodeProcess killed = nodes.worker1();
    NodeProcess stopped = nodes.worker2();
    nodes.startAll(SETTLE_SECONDS);

    Map<String, Long> windows = new LinkedHashMap<>();
    List<Long> faults = new ArrayList<>();
    try (ChaosLoad load = new ChaosLoad(nodes.gatewayPorts(), 4, 6, 2)) {
      load.createAll();
      load.start(40);
      ChaosNodes.awaitSuccesses(load, 200, SETTLE_SECONDS);

      long killedAt = System.nanoTime();
      faults.add(killedAt);
      killed.kill();
      log("SIGKILL " + killed.name());
      awaitMembers(3);
      ChaosNodes.awaitSuccesses(load, 300, SETTLE_SECONDS);

      long restartedKilledAt = System.nanoTime();
      faults.add(restartedKilledAt);
      nodes.start(killed);
      nodes.awaitClusterReady(4, SETTLE_SECONDS);
      ChaosNodes.awaitSuccesses(load, 200, SETTLE_SECONDS);

      long terminatedAt = System.nanoTime();
      faults.add(terminatedAt);
      int exit = stopped.terminate(STOP_SECONDS);
      log(
          "SIGTERM "
              + stopped.name()
              + " exited "
              + exit
              + " after "
              + ChaosNodes.millisSince(terminatedAt)
              + " ms");
      assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
      assertThat(Files.readString(stopped.log()))
          .as("SIGTERM stops cleanly")
          .contains("Troupe stopped");
      awaitMembers(3);
      ChaosNodes.awaitSuccesses(load, 300, SETTLE_SECONDS);

      long restartedStoppedAt = System.nanoTime();
      faults.add(restartedStoppedAt);
      nodes.start(stopped);
      nodes.awaitClusterReady(4, SETTLE_SECONDS);
      ChaosNodes.awaitSuccesses(load, 200, SETTLE_SECONDS);
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
      writeCalls(nodes.logs().resolve("calls.txt"), calls, faults.get(0));
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
      assertFinalState(load);
    }
    nodes.assertAllReady();
  }

  /**
   * Both gateways' Hazelcast members see {@code members} members: the lost one has been removed.
   */
  private void awaitMembers(int members) throws Exception {
    long started = System.nanoTime();
    ReadyProbe.await(
        "the gateways see " + members + " members",
        () ->
            List.of(nodes.gateway1(), nodes.gateway2()).stream()
                .allMatch(
                    n -> {
                      try {
                        return ReadyProbe.members(ReadyProbe.health(n).body()) == members;
                      } catch (Exception e) {
                        return false;
                      }
                    }),
        SETTLE_SECONDS);
    log("members down to " + members + " after " + ChaosNodes.millisSince(started) + " ms");
  }

  /**
   * Every document, read through every gateway and straight from PostgreSQL, is the last
   * acknowledged write.
   */
  private void assertFinalState(ChaosLoad load) throws Exception {
    Map<String, ChaosLoad.KeyState> expected = load.keys();
    nodes.assertGatewaysServeLastWrites(load);
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
