package dev.troupe.client;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.NoDataMemberInClusterException;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.UUID;

/**
 * The client's own Vert.x as a Hazelcast lite member of a Troupe cluster: it joins the way Troupe's
 * nodes do (the cluster manager's map settings, TCP-IP to the given members only, multicast and
 * auto-detection off, its own address bound and advertised) but holds no partitions, so it counts
 * toward no quorum and its leaving, even by {@code kill -9}, moves no data. Vert.x HA is off: no
 * service's verticles ever fail over to a client.
 */
final class LiteMember {
  private LiteMember() {}

  /** Starts the member; fails when the cluster it joined has no data member (no Troupe node). */
  static Future<Vertx> start(ClientOptions options) {
    HazelcastClusterManager manager;
    try {
      manager = new HazelcastClusterManager(config(options));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return Vertx.builder()
        .with(vertxOptions(options))
        .withClusterManager(manager)
        .buildClustered()
        .recover(e -> Future.failedFuture(joinFailure(e, options)))
        .compose(vertx -> requireDataMember(vertx, manager.getHazelcastInstance(), options));
  }

  /**
   * Why joining failed: Vert.x needs the cluster's maps, which only data members hold, so a cluster
   * of lite members alone fails its start.
   */
  private static TroupeException joinFailure(Throwable failure, ClientOptions options) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof NoDataMemberInClusterException) {
        return noTroupeNode(options, failure);
      }
    }
    return new TroupeException(
        ErrorCode.UNAVAILABLE,
        "cannot join cluster '"
            + options.clusterName()
            + "' through "
            + options.members()
            + ": "
            + failure.getMessage(),
        failure);
  }

  private static TroupeException noTroupeNode(ClientOptions options, Throwable cause) {
    return new TroupeException(
        ErrorCode.UNAVAILABLE,
        "no Troupe node of cluster '"
            + options.clusterName()
            + "' answered at "
            + options.members()
            + " within "
            + options.joinTimeout().toSeconds()
            + " s",
        cause);
  }

  /** The Hazelcast configuration of the lite member. */
  static Config config(ClientOptions options) {
    Config config = ConfigUtil.loadConfig();
    config.setLiteMember(true);
    config.setClusterName(options.clusterName());
    config.setInstanceName("troupe-client-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", options.host());
    config.setProperty("hazelcast.logging.type", "slf4j");
    // A JVM that exits without closing the client still leaves at once: the members need not wait
    // out the failure timeout, and a lite member has no data to hand over.
    config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
    config.setProperty(
        "hazelcast.heartbeat.interval.seconds", String.valueOf(options.heartbeat().toSeconds()));
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds", String.valueOf(options.failureTimeout().toSeconds()));
    // The cluster exists already: join at once, and give up on it after the join timeout.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty(
        "hazelcast.max.join.seconds", String.valueOf(options.joinTimeout().toSeconds()));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.port()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getKubernetesConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
    if (options.zoneAware()) {
      config
          .getPartitionGroupConfig()
          .setEnabled(true)
          .setGroupType(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
    }
    return config;
  }

  /** The Vert.x of the lite member: HA off, the event bus on the member's own address. */
  static VertxOptions vertxOptions(ClientOptions options) {
    VertxOptions vertx = new VertxOptions().setHAEnabled(false);
    vertx
        .getEventBusOptions()
        .setHost(options.host())
        .setPort(options.eventBusPort())
        .setClusterPublicHost(options.host());
    return vertx;
  }

  private static Future<Vertx> requireDataMember(
      Vertx vertx, HazelcastInstance hazelcast, ClientOptions options) {
    boolean anyData =
        hazelcast.getCluster().getMembers().stream().anyMatch(member -> !member.isLiteMember());
    if (anyData) {
      return Future.succeededFuture(vertx);
    }
    TroupeException none = noTroupeNode(options, null);
    return vertx.close().transform(closed -> Future.failedFuture(none));
  }
}
