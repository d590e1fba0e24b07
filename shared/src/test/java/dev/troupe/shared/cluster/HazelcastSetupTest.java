package dev.troupe.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.PartitionGroupConfig.MemberGroupType;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import dev.troupe.shared.config.ClusterConfig;
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
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("10.1.2.3");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
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
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces())
        .containsExactly("10.244.0.7");
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
