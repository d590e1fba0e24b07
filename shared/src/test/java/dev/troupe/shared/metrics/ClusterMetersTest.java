package dev.troupe.shared.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.cluster.HazelcastSetup;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.config.ClusterConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cluster gauges the quorum alert compares (deploy/prometheus/rules.yml). */
@DisplayName("Cluster meters")
class ClusterMetersTest {

  @Test
  @DisplayName(
      "troupe_cluster_members counts the members present, troupe_cluster_quorum is the setting, NaN once shut down")
  void membersAndQuorum() throws IOException {
    PrometheusMeterRegistry registry = MetricsSetup.registry("n1");
    HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(alone());
    try {
      ClusterMeters.register(registry, hazelcast, 2);
      assertThat(registry.get(ClusterMeters.MEMBERS).gauge().value()).isEqualTo(1.0);
      assertThat(registry.get(ClusterMeters.QUORUM).gauge().value()).isEqualTo(2.0);
      assertThat(registry.scrape())
          .contains("troupe_cluster_members{node=\"n1\"} 1")
          .contains("troupe_cluster_quorum{node=\"n1\"} 2");
    } finally {
      hazelcast.shutdown();
    }
    assertThat(registry.get(ClusterMeters.MEMBERS).gauge().value()).isNaN();
    registry.close();
  }

  @Test
  @DisplayName(
      "a lite member (a JVM client) is not counted: troupe_cluster_members stays at the data members")
  void liteMembersAreNotCounted() {
    LoopbackCluster cluster = LoopbackCluster.create();
    PrometheusMeterRegistry registry = MetricsSetup.registry("n1");
    HazelcastInstance data =
        Hazelcast.newHazelcastInstance(
            HazelcastSetup.config(ClusterConfig.from(cluster.nodeSettings("d", null, Map.of()))));
    HazelcastInstance lite = null;
    try {
      ClusterMeters.register(registry, data, 1);
      var address = data.getCluster().getLocalMember().getAddress();
      Config liteConfig =
          HazelcastSetup.config(
              ClusterConfig.from(
                  cluster.nodeSettings(
                      "lite", address.getHost() + ":" + address.getPort(), Map.of())));
      lite = Hazelcast.newHazelcastInstance(liteConfig.setLiteMember(true));
      assertThat(data.getCluster().getMembers()).hasSize(2);
      assertThat(data.getCluster().getMembers()).filteredOn(m -> m.isLiteMember()).hasSize(1);
      assertThat(registry.get(ClusterMeters.MEMBERS).gauge().value()).isEqualTo(1.0);
    } finally {
      if (lite != null) {
        lite.shutdown();
      }
      data.shutdown();
      registry.close();
    }
  }

  /** A member on loopback that joins no one, on a port that was free. */
  private static Config alone() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Config config = new Config().setClusterName("cluster-meters-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    return config;
  }
}
