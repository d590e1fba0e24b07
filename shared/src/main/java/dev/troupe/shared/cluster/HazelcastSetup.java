package dev.troupe.shared.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.ClusterFormationConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * The Hazelcast member configuration of a Troupe node: the cluster manager's defaults (its maps and
 * locks), joined by TCP-IP to the configured members only, or (in Kubernetes) to the members
 * Hazelcast's Kubernetes discovery finds behind one Service. Multicast and auto-detection are off
 * so a node never joins a stranger's cluster on a LAN. The member binds and advertises {@link
 * ClusterConfig#host()} only, which must be an address by now ({@link ClusterHost} resolves it).
 *
 * <p>The address is given as {@code hazelcast.local.localAddress}, not as an interface: Hazelcast's
 * TCP-IP join keeps only those addresses of a member's host name that match the configured
 * interfaces, so with the node's own address as the interface every other member named by host name
 * (compose service names, Kubernetes DNS) would be dropped, at start and in every split-brain
 * search, and each node would stay a cluster of its own. Host names are looked up again at each
 * join attempt and split-brain search, so a member whose name does not resolve yet (a container
 * starting at the same moment) is found by the next search. {@link ClusterFormationConfig} sets
 * when those searches run.
 *
 * <p>With {@link ClusterConfig#zoneAware()} the partitions' backups live in other zones than their
 * owners ({@link #partitionGroups}).
 */
public final class HazelcastSetup {
  private HazelcastSetup() {}

  /** The member configuration with the default formation timings. */
  public static Config config(ClusterConfig cluster) {
    return config(cluster, ClusterFormationConfig.DEFAULTS);
  }

  public static Config config(ClusterConfig cluster, ClusterFormationConfig formation) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setInstanceName(
        "troupe-" + cluster.name() + "-" + cluster.host() + "-" + cluster.port());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.setProperty("hazelcast.logging.type", "slf4j");
    // Troupe closes Vert.x (which leaves the cluster) in its own shutdown hook, in order.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    config.setProperty(
        "hazelcast.heartbeat.interval.seconds", String.valueOf(cluster.heartbeatSeconds()));
    config.setProperty(
        "hazelcast.max.no.heartbeat.seconds", String.valueOf(cluster.failureTimeoutSeconds()));
    formation(config, formation);

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(cluster.portAutoIncrement());
    network.getInterfaces().setEnabled(false);

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetes() == null) {
      join.getKubernetesConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    } else {
      join.getTcpIpConfig().setEnabled(false);
      kubernetes(join.getKubernetesConfig().setEnabled(true), cluster);
    }
    partitionGroups(config, cluster);
    return config;
  }

  /**
   * Start-order independence: the join wait lets a master admit members starting together in one
   * round, the initial minimum size holds a node's start until that many members are in, and the
   * split-brain handler's delays decide how soon two clusters of the same name (nodes that started
   * at the same moment, or the halves of a healed partition) become one.
   */
  private static void formation(Config config, ClusterFormationConfig formation) {
    config.setProperty(
        "hazelcast.wait.seconds.before.join", String.valueOf(formation.joinWaitSeconds()));
    config.setProperty(
        "hazelcast.initial.min.cluster.size", String.valueOf(formation.initialMinClusterSize()));
    config.setProperty(
        "hazelcast.merge.first.run.delay.seconds",
        String.valueOf(formation.mergeFirstRunDelaySeconds()));
    config.setProperty(
        "hazelcast.merge.next.run.delay.seconds",
        String.valueOf(formation.mergeNextRunDelaySeconds()));
  }

  /**
   * Zone-aware partition groups: the members of one zone form a group, and Hazelcast never puts a
   * partition's backup in its owner's group, so losing a zone loses no entry that has a backup. The
   * zone is the member attribute Hazelcast's own discovery plugins set; Troupe sets it from {@link
   * ClusterConfig#zone()}, and Hazelcast's Kubernetes discovery in API mode overwrites it with the
   * zone label of the member's node. Every member must agree on the partition groups: Hazelcast
   * refuses a joiner whose setting differs.
   */
  private static void partitionGroups(Config config, ClusterConfig cluster) {
    if (cluster.zone() != null) {
      config
          .getMemberAttributeConfig()
          .setAttribute(PartitionGroupMetaData.PARTITION_GROUP_ZONE, cluster.zone());
    }
    if (cluster.zoneAware()) {
      config
          .getPartitionGroupConfig()
          .setEnabled(true)
          .setGroupType(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
    }
  }

  private static void kubernetes(KubernetesConfig k8s, ClusterConfig cluster) {
    ClusterConfig.KubernetesJoin join = cluster.kubernetes();
    // Every member listens on the same port in Kubernetes; DNS answers addresses only.
    k8s.setProperty("service-port", String.valueOf(cluster.port()));
    if (join.byDns()) {
      k8s.setProperty("service-dns", join.serviceDns());
    } else {
      k8s.setProperty("service-name", join.serviceName());
      if (join.namespace() != null) {
        k8s.setProperty("namespace", join.namespace());
      }
      // A pod turns ready only once it has joined, so discovery must see pods that are not ready
      // yet.
      k8s.setProperty("resolve-not-ready-addresses", "true");
    }
  }
}
