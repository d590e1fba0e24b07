package dev.troupe.launcher;

import dev.troupe.gateway.NodeHealthVerticle;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
  private Future<Void> closed;

  private TroupeNode(NodeRuntime runtime, Set<Service> services, List<String> deployments) {
    this.runtime = runtime;
    this.services = services;
    this.deployments = deployments;
  }

  /** Joins the cluster and deploys {@code services} in dependency order; fails (and leaves) if any fails. */
  public static Future<TroupeNode> start(Settings settings, Set<Service> services) {
    Objects.requireNonNull(settings);
    Set<Service> chosen = services.isEmpty() ? EnumSet.noneOf(Service.class) : EnumSet.copyOf(services);
    return ClusterBootstrap.start(settings).compose(runtime -> deployAll(runtime, chosen)
        .map(ids -> new TroupeNode(runtime, chosen, ids))
        .recover(failure -> ClusterBootstrap.close(runtime).transform(closed -> Future.failedFuture(failure))));
  }

  /** Deploys in start order; completes with the deployment ids in that order. */
  private static Future<List<String>> deployAll(NodeRuntime runtime, Set<Service> services) {
    Vertx vertx = runtime.vertx();
    List<String> ids = new CopyOnWriteArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Service service : Service.inStartOrder(services)) {
      chain = chain.compose(v -> vertx.deployVerticle(service.verticle(), new DeploymentOptions()
              .setConfig(runtime.settings().toJson())
              .setInstances(service.instances(runtime.settings())))
          .recover(e -> Future.failedFuture(new IllegalStateException(
              service.shortName() + " failed to start: " + e.getMessage(), e)))
          .map(ids::add)
          .mapEmpty());
    }
    if (runtime.settings().optional("TROUPE_HEALTH_PORT") != null) {
      chain = chain.compose(v -> vertx.deployVerticle(NodeHealthVerticle.class.getName(),
          new DeploymentOptions().setConfig(runtime.settings().toJson())).map(ids::add).mapEmpty());
    }
    return chain.map(v -> ids);
  }

  /**
   * Leaves gracefully: reports not-ready, undeploys the services in reverse start order (the gateway
   * first, draining requests in flight while the services behind it still answer), then leaves the
   * cluster.
   */
  public synchronized Future<Void> close() {
    if (closed != null) {
      return closed;
    }
    LOG.info("Node {} stopping", runtime.nodeName());
    NodeRuntime.markDraining(runtime.vertx());
    Future<Void> chain = Future.succeededFuture();
    List<String> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    for (String id : reversed) {
      chain = chain.compose(v -> runtime.vertx().undeploy(id)
          .recover(e -> {
            LOG.warn("undeploying {} failed: {}", id, e.getMessage());
            return Future.succeededFuture();
          }));
    }
    closed = chain.eventually(() -> ClusterBootstrap.close(runtime));
    return closed;
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

  /** The port of the node's TCP event-bus bridge ({@code TROUPE_BRIDGE_PORT}), or -1 when it runs none. */
  public int bridgePort() {
    return NodeRuntime.bridgePort(runtime.vertx());
  }

  /** The {@code host:port} of this node's Hazelcast member, for others to join through. */
  public String memberAddress() {
    var address = runtime.hazelcast().getCluster().getLocalMember().getAddress();
    return address.getHost() + ":" + address.getPort();
  }
}
