package dev.troupe.shared.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.ClusterFormationConfig;
import dev.troupe.shared.config.HaConfig;
import dev.troupe.shared.config.NodeConfig;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.StrictJson;
import dev.troupe.shared.metrics.ClusterMeters;
import dev.troupe.shared.metrics.MetricsSetup;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a clustered Vert.x node on Hazelcast, with Micrometer metrics, from {@link Settings}. */
public final class ClusterBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterBootstrap.class);

  static {
    StrictJson.install();
  }

  private ClusterBootstrap() {}

  /**
   * Joins the cluster as a new node. {@code TROUPE_CLUSTER_HOST} is resolved to an address first
   * ({@link ClusterHost}): a name lookup when it names a host or is {@code auto}, so a caller on an
   * event loop should pass an address.
   */
  public static Future<NodeRuntime> start(Settings configured) {
    Settings settings;
    ClusterConfig cluster;
    ClusterFormationConfig formation;
    NodeConfig node;
    HaConfig ha;
    try {
      settings = ClusterHost.resolve(configured);
      cluster = ClusterConfig.from(settings);
      formation = ClusterFormationConfig.from(settings);
      node = NodeConfig.from(settings, cluster);
      ha = HaConfig.from(settings);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    PrometheusMeterRegistry registry = MetricsSetup.registry(node.nodeName());
    WithdrawingClusterManager clusterManager =
        new WithdrawingClusterManager(HazelcastSetup.config(cluster, formation));

    VertxOptions options =
        new VertxOptions()
            .setEventLoopPoolSize(node.eventLoops())
            .setWorkerPoolSize(node.workerPoolSize())
            .setMetricsOptions(MetricsSetup.options(node.nodeName()))
            .setHAEnabled(ha.enabled())
            .setHAGroup(ha.group())
            .setQuorumSize(ha.quorum());
    options
        .getEventBusOptions()
        .setHost(cluster.host())
        .setPort(cluster.eventBusPort())
        .setClusterPublicHost(cluster.host());

    LOG.info(
        "Joining cluster '{}' as {}:{} through {}",
        cluster.name(),
        cluster.host(),
        cluster.port(),
        cluster.kubernetes() == null ? cluster.members() : cluster.kubernetes());
    return Vertx.builder()
        .with(options)
        .withClusterManager(clusterManager)
        .withMetrics(MetricsSetup.factory(registry))
        .buildClustered()
        .map(
            vertx -> {
              Bus.registerCodecs(vertx);
              HazelcastInstance hazelcast = clusterManager.getHazelcastInstance();
              ClusterMeters.register(registry, hazelcast, cluster.quorum());
              NodeRuntime runtime =
                  new NodeRuntime(
                      node.nodeName(),
                      vertx,
                      hazelcast,
                      registry,
                      settings,
                      new NodeLeave(clusterManager, settings));
              NodeRuntime.register(runtime);
              return runtime;
            })
        .onFailure(e -> registry.close());
  }

  /** Closes the node: undeploys every verticle, leaves the cluster, frees the metrics registry. */
  public static Future<Void> close(NodeRuntime runtime) {
    return runtime
        .vertx()
        .close()
        .onComplete(
            ar -> {
              NodeRuntime.unregister(runtime.vertx());
              runtime.registry().close();
            });
  }
}
