package dev.troupe.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.PartitionGroupConfig.MemberGroupType;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.ClusterFormationConfig;
import dev.troupe.shared.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Hazelcast member configuration each join mode produces (no member is started). */
@DisplayName("HazelcastSetup")
class HazelcastSetupTest {

  @Test
  @DisplayName(
      "the default joins by TCP-IP through the members only, bound to the node's address, never multicast")
  void tcpIpByDefault() {
    Config config =
        HazelcastSetup.config(
            ClusterConfig.from(
                Settings.of(
                    Map.of(
                        "TROUPE_CLUSTER_NAME", "c1",
                        "TROUPE_CLUSTER_HOST", "10.1.2.3",
                        "TROUPE_CLUSTER_PORT", "5801",
                        "TROUPE_CLUSTER_MEMBERS", "db:5801,cache:5801"))));

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(config.getClusterName()).isEqualTo("c1");
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("db:5801", "cache:5801");
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.1.2.3");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled())
        .as("an interface filter would drop members named by host name")
        .isFalse();
  }

  @Test
  @DisplayName(
      "the Kubernetes DNS mode looks the headless Service up on the node's port, without TCP-IP")
  void kubernetesDns() {
    Config config =
        HazelcastSetup.config(
            ClusterConfig.from(
                Settings.of(
                    Map.of(
                        "TROUPE_CLUSTER_HOST", "10.244.0.7",
                        "TROUPE_CLUSTER_PORT", "5701",
                        "TROUPE_CLUSTER_JOIN", "kubernetes",
                        "TROUPE_CLUSTER_K8S_SERVICE_DNS",
                            "troupe-cluster.troupe.svc.cluster.local"))));

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties())
        .containsOnly(
            Map.entry("service-dns", "troupe-cluster.troupe.svc.cluster.local"),
            Map.entry("service-port", "5701"));
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.244.0.7");
  }

  @Test
  @DisplayName(
      "the Kubernetes API mode names the Service and namespace and sees pods that are not ready yet")
  void kubernetesApi() {
    Config config =
        HazelcastSetup.config(
            ClusterConfig.from(
                Settings.of(
                    Map.of(
                        "TROUPE_CLUSTER_PORT", "5702",
                        "TROUPE_CLUSTER_JOIN", "kubernetes",
                        "TROUPE_CLUSTER_K8S_SERVICE_NAME", "troupe-cluster",
                        "TROUPE_CLUSTER_K8S_NAMESPACE", "prod"))));

    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties())
        .containsOnly(
            Map.entry("service-name", "troupe-cluster"),
            Map.entry("namespace", "prod"),
            Map.entry("service-port", "5702"),
            Map.entry("resolve-not-ready-addresses", "true"));
  }

  @Test
  @DisplayName(
      "production timings by default: a 5 s join wait, no start quorum, split-brain searches after 5 s and every 5 s")
  void formationDefaults() {
    Config config = HazelcastSetup.config(ClusterConfig.from(Settings.empty()));

    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("5");
    assertThat(config.getProperty("hazelcast.initial.min.cluster.size")).isEqualTo("1");
    assertThat(config.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("5");
    assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("5");
  }

  @Test
  @DisplayName("the formation settings reach Hazelcast's properties")
  void formationSettings() {
    Settings settings =
        Settings.of(
            Map.of(
                "TROUPE_CLUSTER_JOIN_WAIT_SECONDS", "2",
                "TROUPE_CLUSTER_INITIAL_MIN_SIZE", "3",
                "TROUPE_CLUSTER_MERGE_FIRST_DELAY_SECONDS", "7",
                "TROUPE_CLUSTER_MERGE_INTERVAL_SECONDS", "4"));
    Config config =
        HazelcastSetup.config(ClusterConfig.from(settings), ClusterFormationConfig.from(settings));

    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("2");
    assertThat(config.getProperty("hazelcast.initial.min.cluster.size")).isEqualTo("3");
    assertThat(config.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("7");
    assertThat(config.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("4");
  }

  @Test
  @DisplayName("loopback test clusters keep their fast join (no join wait)")
  void loopbackJoinsAtOnce() {
    Settings settings = LoopbackCluster.create().nodeSettings("n", null, Map.of());

    assertThat(ClusterFormationConfig.from(settings).joinWaitSeconds()).isZero();
    assertThat(
            HazelcastSetup.config(
                    ClusterConfig.from(settings), ClusterFormationConfig.from(settings))
                .getProperty("hazelcast.wait.seconds.before.join"))
        .isEqualTo("0");
  }

  @Test
  @DisplayName("by default there are no partition groups: a backup may live on any other member")
  void noPartitionGroupsByDefault() {
    Config config = HazelcastSetup.config(ClusterConfig.from(Settings.empty()));

    assertThat(config.getPartitionGroupConfig().isEnabled()).isFalse();
    assertThat(config.getMemberAttributeConfig().getAttributes()).isEmpty();
  }

  @Test
  @DisplayName(
      "zone awareness makes ZONE_AWARE partition groups, with this member's zone as the attribute Hazelcast groups by")
  void zoneAware() {
    Config config =
        HazelcastSetup.config(
            ClusterConfig.from(
                Settings.of(
                    Map.of(
                        "TROUPE_CLUSTER_JOIN", "kubernetes",
                        "TROUPE_CLUSTER_K8S_SERVICE_DNS", "troupe-cluster",
                        "TROUPE_CLUSTER_ZONE_AWARE", "true",
                        "TROUPE_CLUSTER_ZONE", "eu-west-1b"))));

    assertThat(config.getPartitionGroupConfig().isEnabled()).isTrue();
    assertThat(config.getPartitionGroupConfig().getGroupType())
        .isEqualTo(MemberGroupType.ZONE_AWARE);
    assertThat(config.getMemberAttributeConfig().getAttributes())
        .containsExactly(Map.entry(PartitionGroupMetaData.PARTITION_GROUP_ZONE, "eu-west-1b"));
  }

  @Test
  @DisplayName(
      "a zone without zone awareness is only an attribute: the partition groups stay off, as on every other member")
  void zoneAlone() {
    Config config =
        HazelcastSetup.config(
            ClusterConfig.from(Settings.of(Map.of("TROUPE_CLUSTER_ZONE", "eu-west-1c"))));

    assertThat(config.getPartitionGroupConfig().isEnabled()).isFalse();
    assertThat(config.getMemberAttributeConfig().getAttributes())
        .containsExactly(Map.entry(PartitionGroupMetaData.PARTITION_GROUP_ZONE, "eu-west-1c"));
  }
}
