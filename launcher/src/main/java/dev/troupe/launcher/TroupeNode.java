package dev.troupe.launcher;

import dev.troupe.gateway.NodeHealthVerticle;
import dev.troupe.shared.actor.ActorHost;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.HaConfig;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.supervision.ChildSpec;
import dev.troupe.shared.supervision.Strategy;
import dev.troupe.shared.supervision.Supervision;
import dev.troupe.shared.supervision.Supervisor;
import dev.troupe.shared.supervision.SupervisorSpec;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Troupe node: a clustered Vert.x instance running a chosen set of services. Used by the
 * command line and by the test kit.
 */
public final class TroupeNode {
  private static final Logger LOG = LoggerFactory.getLogger(TroupeNode.class);

  private final NodeRuntime runtime;
  private final Set<Service> services;
  private final List<String> deployments;
  private final Promise<Supervision.SupervisorFailure> failure = Promise.promise();
  private Future<Void> closed;

  private TroupeNode(NodeRuntime runtime, Set<Service> services, List<String> deployments) {
    this.runtime = runtime;
    this.services = services;
    this.deployments = deployments;
  }

  /**
   * Joins the cluster and deploys {@code services} in dependency order; fails (and leaves) if any
   * fails.
   */
  public static Future<TroupeNode> start(Settings settings, Set<Service> services) {
    Objects.requireNonNull(settings);
    Set<Service> chosen =
        services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
    return ClusterBootstrap.start(settings)
        .compose(
            runtime ->
                deployAll(runtime, chosen)
                    .map(ids -> new TroupeNode(runtime, chosen, ids).watchSupervisors())
                    .recover(
                        failure ->
                            ClusterBootstrap.close(runtime)
                                .transform(closed -> Future.failedFuture(failure))));
  }

  /**
   * Deploys each service under a supervisor of its own, in start order; completes with the
   * supervisors' deployment ids in that order. A supervisor is deployed with Vert.x HA when HA is
   * on and the service may move ({@link Service#movable}), so a survivor redeploys it, and it its
   * service, when this node dies. Its config is only its spec: the services run with the settings
   * of whichever node they run on.
   */
  private static Future<List<String>> deployAll(NodeRuntime runtime, Set<Service> services) {
    Vertx vertx = runtime.vertx();
    Settings settings = runtime.settings();
    NodeRuntime.publishServices(vertx, services.stream().map(Service::shortName).toList());
    boolean ha = HaConfig.from(settings).enabled();
    List<String> ids = new CopyOnWriteArrayList<>();
    // Every member owns partitions, so every node hosts actors; first, so services can use them,
    // and
    // undeployed last, after the services that send to them.
    Future<Void> chain =
        vertx
            .deployVerticle(
                ActorHost.class.getName(),
                new DeploymentOptions().setConfig(runtime.settings().toJson()))
            .recover(
                e ->
                    Future.failedFuture(
                        new IllegalStateException(
                            "the actor host failed to start: " + e.getMessage(), e)))
            .map(ids::add)
            .mapEmpty();
    // The health server before the services: a service deployed with HA waits for the HA quorum
    // (TROUPE_HA_QUORUM), and a node waiting for it is alive (/health/live, the image's
    // HEALTHCHECK,
    // which compose's start order waits for) but not ready. Undeployed last, so it reports the
    // drain to the end.
    if (settings.optional("TROUPE_HEALTH_PORT") != null) {
      SupervisorSpec health =
          new SupervisorSpec(
              "health",
              Strategy.ONE_FOR_ONE,
              List.of(ChildSpec.of("health", NodeHealthVerticle.class.getName())));
      chain =
          chain.compose(
              v ->
                  vertx
                      .deployVerticle(
                          Supervisor.class.getName(), health.deploymentOptions(new JsonObject()))
                      .map(ids::add)
                      .mapEmpty());
    }
    for (Service service : Service.inStartOrder(services)) {
      SupervisorSpec spec =
          new SupervisorSpec(
              service.shortName(),
              Strategy.ONE_FOR_ONE,
              List.of(
                  new ChildSpec(
                      service.shortName(), service.verticle(), service.instances(settings))));
      DeploymentOptions options =
          spec.deploymentOptions(new JsonObject()).setHa(ha && service.movable(settings));
      if (ha && !service.movable(settings)) {
        LOG.info(
            "{} runs on the embedded H2 database in this node's data dir: it stays on this node, "
                + "HA does not move it",
            service.shortName());
      }
      chain =
          chain.compose(
              v ->
                  vertx
                      .deployVerticle(Supervisor.class.getName(), options)
                      .recover(
                          e ->
                              Future.failedFuture(
                                  new IllegalStateException(
                                      service.shortName() + " failed to start: " + e.getMessage(),
                                      e)))
                      .map(ids::add)
                      .mapEmpty());
    }
    return chain.map(v -> ids);
  }

  /**
   * What this node does when a service's supervisor gives up (its service crashed more often than
   * its restart intensity allows): the node cannot serve what it was started for, so it reports
   * not-ready (readiness names the supervisor) and leaves the cluster the way SIGTERM makes it
   * leave, then {@link #failure} completes; the command line then exits with status 70 so the
   * process supervisor (systemd, Kubernetes) starts it afresh. Instances of the service on other
   * nodes keep serving meanwhile.
   */
  private void onSupervisorFailure(Supervision.SupervisorFailure failure) {
    LOG.error(
        "Node {}: supervisor {} gave up; the node leaves the cluster: {}",
        runtime.nodeName(),
        failure.supervisor(),
        failure.cause().getMessage());
    // Not from this node's event loop: closing Vert.x from one of its own threads would leave the
    // close's completion to a loop that is shutting down, and nobody would hear that the node left.
    Thread leave =
        new Thread(
            () -> close().onComplete(closed -> this.failure.tryComplete(failure)),
            "troupe-leave-" + runtime.nodeName());
    leave.setDaemon(true);
    leave.start();
  }

  /**
   * Completes when a supervisor of this node gave up and the node has left (see {@link
   * #onSupervisorFailure}).
   */
  public Future<Supervision.SupervisorFailure> failure() {
    return failure.future();
  }

  private TroupeNode watchSupervisors() {
    Supervision.of(runtime.vertx()).onTopLevelFailure(this::onSupervisorFailure);
    return this;
  }

  /**
   * Leaves gracefully: reports not-ready, leaves the cluster's registry while its services keep
   * serving what the others still send for {@code TROUPE_LEAVE_SETTLE_MS} ({@link
   * dev.troupe.shared.cluster.NodeLeave}), undeploys the services in reverse start order (the
   * gateway first, draining requests in flight while the services behind it still answer), then
   * leaves the cluster.
   */
  public synchronized Future<Void> close() {
    if (closed != null) {
      return closed;
    }
    LOG.info("Node {} stopping", runtime.nodeName());
    NodeRuntime.markDraining(runtime.vertx());
    Future<Void> chain = runtime.leave().settle(runtime.vertx(), runtime.nodeName());
    List<String> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    for (String id : reversed) {
      chain =
          chain.compose(
              v ->
                  runtime
                      .vertx()
                      .undeploy(id)
                      .recover(
                          e -> {
                            LOG.warn("undeploying {} failed: {}", id, e.getMessage());
                            return Future.succeededFuture();
                          }));
    }
    closed = afterClose(chain);
    return closed;
  }

  /**
   * Closes this node's Vert.x without the graceful leave (no drain, no ordered undeploy): for tests
   * that made the node's cluster member vanish the way a killed process does and need its resources
   * freed. A later {@link #close} returns the same future.
   */
  public synchronized Future<Void> closeAbruptly() {
    if (closed == null) {
      closed = afterClose(Future.succeededFuture());
    }
    return closed;
  }

  /**
   * Closes Vert.x once {@code before} completed, with a future that does not belong to this node's
   * Vert.x: a future of one of its contexts hands its completion to that context's event loop,
   * which the close has just shut down, so nobody would hear that the node left. This one is
   * completed on the thread that finished the close.
   */
  private Future<Void> afterClose(Future<Void> before) {
    Promise<Void> done = Promise.promise();
    before.onComplete(ar -> ClusterBootstrap.close(runtime).onComplete(done));
    return done.future();
  }

  public Vertx vertx() {
    return runtime.vertx();
  }

  public NodeRuntime runtime() {
    return runtime;
  }

  public Set<Service> services() {
    return services;
  }

  /** The node's HTTP port (gateway, or health server), or -1 when it serves none. */
  public int httpPort() {
    return NodeRuntime.httpPort(runtime.vertx());
  }

  /**
   * The port of the node's TCP event-bus bridge ({@code TROUPE_BRIDGE_PORT}), or -1 when it runs
   * none.
   */
  public int bridgePort() {
    return NodeRuntime.bridgePort(runtime.vertx());
  }

  /** The {@code host:port} of this node's Hazelcast member, for others to join through. */
  public String memberAddress() {
    var address = runtime.hazelcast().getCluster().getLocalMember().getAddress();
    return address.getHost() + ":" + address.getPort();
  }
}
