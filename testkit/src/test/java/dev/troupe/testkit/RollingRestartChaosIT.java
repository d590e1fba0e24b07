package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.testkit.ChaosLoad.Call;
import java.nio.file.Files;
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
  private static final long STOP_SECONDS = 45;
  private static final long SETTLE_SECONDS = 60;

  /** The whole roll, from the first SIGTERM until every node is back and ready. */
  private static final long ROLL_SECONDS = 180;

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
      "SIGTERM and restart of every node in turn, gateways after their drain: no failed call,"
          + " nothing lost or doubled")
  void rollingRestartLosesNothing() throws Exception {
    nodes = new ChaosNodes(PG, "rolling", Map.of(), RollingRestartChaosIT::log);
    nodes.startAll(SETTLE_SECONDS);

    List<Integer> gateways = nodes.gatewayPorts();
    try (ChaosLoad load = new ChaosLoad(gateways, 4, 6, 2)) {
      load.createAll();
      load.start(40);
      ChaosNodes.awaitSuccesses(load, 200, SETTLE_SECONDS);

      long rollStarted = System.nanoTime();
      long deadline = rollStarted + TimeUnit.SECONDS.toNanos(ROLL_SECONDS);
      for (NodeProcess worker : List.of(nodes.worker1(), nodes.worker2())) {
        restart(worker, deadline);
        ChaosNodes.awaitSuccesses(load, 150, SETTLE_SECONDS);
      }
      for (NodeProcess gateway : List.of(nodes.gateway1(), nodes.gateway2())) {
        // The balancer takes the gateway out of rotation (its readiness turns 503 on SIGTERM; here
        // before, so no new connection meets a closed port), then it drains and stops.
        load.rotation(
            gateways.stream().filter(p -> p != gateway.httpPort()).collect(Collectors.toList()));
        restart(gateway, deadline);
        load.rotation(gateways);
        ChaosNodes.awaitSuccesses(load, 150, SETTLE_SECONDS);
      }
      long rollMs = ChaosNodes.millisSince(rollStarted);
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
      nodes.assertGatewaysServeLastWrites(load);
      log("final state checked through both gateways: " + load.keys().size() + " documents");
    }
    nodes.assertAllReady();
  }

  /** SIGTERM, a clean exit, a start, and the whole cluster ready again with four members. */
  private void restart(NodeProcess node, long deadline) throws Exception {
    long stopping = System.nanoTime();
    int exit = node.terminate(STOP_SECONDS);
    log(
        "SIGTERM "
            + node.name()
            + " exited "
            + exit
            + " after "
            + ChaosNodes.millisSince(stopping)
            + " ms");
    assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
    assertThat(Files.readString(node.log())).as("SIGTERM stops cleanly").contains("Troupe stopped");
    nodes.start(node);
    long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
    assertThat(left).as("time left of the roll's bound").isPositive();
    nodes.awaitClusterReady(4, left);
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

  private static void log(String line) {
    System.out.println("[rolling] " + line);
  }
}
