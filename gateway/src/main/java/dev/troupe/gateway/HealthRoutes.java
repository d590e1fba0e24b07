package dev.troupe.gateway;

import dev.troupe.shared.cluster.DataMembers;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.supervision.Supervision;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;

/**
 * {@code /health/live}, {@code /health/ready} and {@code /metrics}, mounted by the gateway and by
 * the per-node health server. Ready means: this node is not shutting down, the Hazelcast cluster
 * has its quorum ({@code TROUPE_CLUSTER_QUORUM}) and this member's partitions are backed up, the
 * services it needs answer a ping ({@link ReadinessNeeds}: by default its own, on this node), and
 * no supervisor of this node gave up (the {@code supervision} check also shows every supervised
 * child's state and restarts). Other services that do not answer show as {@code degraded} in the
 * {@code downstream} check, which stays UP. The 503 body names each check that fails and why. With
 * {@code TROUPE_HEALTH_AUTH=key}, ready and metrics need the health key ({@link HealthGuard}); live
 * stays open.
 */
final class HealthRoutes {
  static final long PING_TIMEOUT_MS = 2_000;

  private HealthRoutes() {}

  static void mount(Router router, Vertx vertx) {
    NodeRuntime runtime = NodeRuntime.of(vertx);
    int quorum = ClusterConfig.from(runtime.settings()).quorum();
    HealthCheckHandler ready = HealthCheckHandler.create(vertx);
    ready.register(
        "node",
        promise ->
            promise.complete(
                NodeRuntime.isDraining(vertx)
                    ? Status.KO(new JsonObject().put("reason", "this node is shutting down"))
                    : Status.OK()));
    Supervision supervision = Supervision.of(vertx);
    ready.register(
        "supervision",
        promise -> {
          JsonObject supervisors = supervision.status();
          List<String> failed = supervision.failed();
          promise.complete(
              failed.isEmpty()
                  ? Status.OK(new JsonObject().put("supervisors", supervisors))
                  : Status.KO(
                      new JsonObject()
                          .put("supervisors", supervisors)
                          .put(
                              "reason",
                              "supervisor(s) "
                                  + failed
                                  + " gave up restarting their service; the node is leaving")));
        });
    // Only this member's own partitions: isClusterSafe() asks every member and, when one dies
    // during the call, waits for it up to Hazelcast's graceful-shutdown wait (minutes). Even
    // isLocalMemberSafe() may wait up to 10 s for replica-sync answers (after a merge, a member's
    // death), longer than the check's timeout: one probe runs at a time on a worker and every check
    // made meanwhile shares its answer, so probes do not pile up on the worker pool, which the
    // services need too. A check that timed out has its answer already (KO); the late one is
    // dropped (tryComplete), not thrown on the event loop, where it would crash this verticle.
    ClusterProbe probe = new ClusterProbe(vertx, runtime, quorum);
    ready.register(
        "cluster",
        PING_TIMEOUT_MS,
        promise ->
            probe
                .status()
                .onComplete(
                    ar ->
                        promise.tryComplete(
                            ar.succeeded()
                                ? ar.result()
                                : Status.KO(
                                    new JsonObject()
                                        .put(
                                            "reason",
                                            "cluster state unknown: "
                                                + ar.cause().getMessage())))));
    ReadinessNeeds.of(runtime).register(ready, PING_TIMEOUT_MS);
    HealthGuard guard = HealthGuard.from(runtime.settings(), new Rejections(runtime.registry()));
    if (guard != null) {
      router.get("/health/ready").handler(guard::handle);
      router.get("/metrics").handler(guard::handle);
    }
    router
        .get("/health/live")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject().put("status", "UP").toBuffer()));
    router.get("/health/ready").handler(ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(runtime.registry()));
  }

  /** The cluster's state as this member sees it, probed once for all checks made meanwhile. */
  private static final class ClusterProbe {
    private final Vertx vertx;
    private final NodeRuntime runtime;
    private final int quorum;
    private Future<Status> inFlight;

    ClusterProbe(Vertx vertx, NodeRuntime runtime, int quorum) {
      this.vertx = vertx;
      this.runtime = runtime;
      this.quorum = quorum;
    }

    /** The probe in flight, or a new one. Held only to swap a field: never waits. */
    synchronized Future<Status> status() {
      Future<Status> probe = inFlight;
      if (probe == null) {
        probe = vertx.executeBlocking(this::probe, false);
        inFlight = probe;
        // A probe that completed already clears the field right here: return the probe, not it.
        Future<Status> started = probe;
        probe.onComplete(ar -> done(started));
      }
      return probe;
    }

    private synchronized void done(Future<Status> probe) {
      if (inFlight == probe) {
        inFlight = null;
      }
    }

    private Status probe() {
      // Lite members (JVM clients) hold no data: they neither make nor break a quorum.
      int members = DataMembers.count(runtime.hazelcast().getCluster());
      if (members < quorum) {
        return Status.KO(
            new JsonObject()
                .put("reason", members + " member(s) present, quorum is " + quorum)
                .put("members", members));
      }
      if (!runtime.hazelcast().getPartitionService().isLocalMemberSafe()) {
        return Status.KO(
            new JsonObject()
                .put("reason", "partitions are migrating or not yet backed up")
                .put("members", members));
      }
      return Status.OK(new JsonObject().put("members", members));
    }
  }
}
