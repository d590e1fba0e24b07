package dev.troupe.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("ClusterConfig")
class ClusterConfigTest {

  @Test
  @DisplayName(
      "defaults are safe: cluster troupe on loopback port 5701, joining only 127.0.0.1:5701")
  void defaults() {
    ClusterConfig c = ClusterConfig.from(Settings.empty());

    assertThat(c.name()).isEqualTo("troupe");
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(5701);
    assertThat(c.members()).containsExactly("127.0.0.1:5701");
    assertThat(c.eventBusPort()).isZero();
    assertThat(c.heartbeatSeconds()).isEqualTo(1);
    assertThat(c.failureTimeoutSeconds()).isEqualTo(10);
    assertThat(c.portAutoIncrement()).isFalse();
    assertThat(c.kubernetes()).as("TCP-IP join").isNull();
    assertThat(c.zoneAware()).as("zone-aware partition groups").isFalse();
    assertThat(c.zone()).isNull();
  }

  @Test
  @DisplayName("TROUPE_CLUSTER_ZONE_AWARE with TROUPE_CLUSTER_ZONE names this member's zone")
  void zoneAware() {
    ClusterConfig c =
        ClusterConfig.from(
            Settings.of(
                Map.of(
                    "TROUPE_CLUSTER_ZONE_AWARE", "true",
                    "TROUPE_CLUSTER_ZONE", "eu-west-1a")));

    assertThat(c.zoneAware()).isTrue();
    assertThat(c.zone()).isEqualTo("eu-west-1a");
  }

  @Test
  @DisplayName(
      "a blank TROUPE_CLUSTER_ZONE (a pod label the node did not set) is no zone, and zone awareness without one fails naming both keys")
  void zoneAwareNeedsAZone() {
    Settings tcp =
        Settings.of(Map.of("TROUPE_CLUSTER_ZONE_AWARE", "true", "TROUPE_CLUSTER_ZONE", " "));
    Settings dns =
        tcp.with("TROUPE_CLUSTER_JOIN", "kubernetes")
            .with("TROUPE_CLUSTER_K8S_SERVICE_DNS", "troupe-cluster");

    assertThat(ClusterConfig.from(tcp.with("TROUPE_CLUSTER_ZONE_AWARE", "false")).zone()).isNull();
    for (Settings s : List.of(tcp, dns)) {
      assertThatThrownBy(() -> ClusterConfig.from(s))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("TROUPE_CLUSTER_ZONE_AWARE")
          .hasMessageContaining("TROUPE_CLUSTER_ZONE ");
    }
  }

  @Test
  @DisplayName(
      "zone awareness needs no TROUPE_CLUSTER_ZONE with the Kubernetes API join, whose discovery reads the node's zone")
  void zoneFromKubernetesApi() {
    ClusterConfig c =
        ClusterConfig.from(
            Settings.of(
                Map.of(
                    "TROUPE_CLUSTER_ZONE_AWARE", "yes",
                    "TROUPE_CLUSTER_JOIN", "kubernetes",
                    "TROUPE_CLUSTER_K8S_SERVICE_NAME", "troupe-cluster")));

    assertThat(c.zoneAware()).isTrue();
    assertThat(c.zone()).isNull();
  }

  @Test
  @DisplayName("every TROUPE_CLUSTER_ key overrides its default")
  void overrides() {
    Settings s =
        Settings.of(
            Map.of(
                "TROUPE_CLUSTER_NAME", "prod",
                "TROUPE_CLUSTER_HOST", "10.0.0.5",
                "TROUPE_CLUSTER_PORT", "5801",
                "TROUPE_CLUSTER_MEMBERS", "10.0.0.5:5801, 10.0.0.6:5801",
                "TROUPE_EVENTBUS_PORT", "17001",
                "TROUPE_CLUSTER_HEARTBEAT_SECONDS", "2",
                "TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", "30",
                "TROUPE_CLUSTER_PORT_AUTO_INCREMENT", "yes",
                "TROUPE_CLUSTER_QUORUM", "2"));

    ClusterConfig c = ClusterConfig.from(s);

    assertThat(c)
        .isEqualTo(
            new ClusterConfig(
                "prod",
                "10.0.0.5",
                5801,
                List.of("10.0.0.5:5801", "10.0.0.6:5801"),
                17001,
                2,
                30,
                true,
                2,
                null,
                false,
                null));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "TROUPE_CLUSTER_PORT, 0",
    "TROUPE_CLUSTER_PORT, 65536",
    "TROUPE_CLUSTER_PORT, http",
    "TROUPE_EVENTBUS_PORT, -1",
    "TROUPE_CLUSTER_HEARTBEAT_SECONDS, 0",
    "TROUPE_CLUSTER_HEARTBEAT_SECONDS, 61",
    "TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS, 1",
    "TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS, 601",
    "TROUPE_CLUSTER_PORT_AUTO_INCREMENT, sometimes",
    "TROUPE_CLUSTER_JOIN, multicast",
    "TROUPE_CLUSTER_ZONE_AWARE, sometimes",
  })
  @DisplayName("a bad value fails with IllegalArgumentException naming its key")
  void rejectsBadValues(String key, String value) {
    Settings s = Settings.of(Map.of(key, value));

    assertThatThrownBy(() -> ClusterConfig.from(s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key);
  }

  @ParameterizedTest(name = "heartbeat {0}s, failure timeout {1}s")
  @CsvSource({"10, 10", "20, 10"})
  @DisplayName("a failure timeout not greater than the heartbeat is rejected")
  void failureTimeoutMustExceedHeartbeat(String heartbeat, String timeout) {
    Settings s =
        Settings.of(
            Map.of(
                "TROUPE_CLUSTER_HEARTBEAT_SECONDS", heartbeat,
                "TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", timeout));

    assertThatThrownBy(() -> ClusterConfig.from(s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS")
        .hasMessageContaining("TROUPE_CLUSTER_HEARTBEAT_SECONDS");
  }

  @Test
  @DisplayName("members are copied: changing the caller's list later does not change the config")
  void membersAreCopied() {
    List<String> members = new ArrayList<>(List.of("a:1"));
    ClusterConfig c =
        new ClusterConfig("n", "h", 1, members, 0, 1, 10, false, 1, null, false, null);

    members.add("b:2");

    assertThat(c.members()).containsExactly("a:1");
  }

  @Test
  @DisplayName("a null name or host is rejected")
  void nullsRejected() {
    assertThatThrownBy(
            () -> new ClusterConfig(null, "h", 1, List.of(), 0, 1, 10, false, 1, null, false, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(
            () -> new ClusterConfig("n", null, 1, List.of(), 0, 1, 10, false, 1, null, false, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("host");
  }

  @Test
  @DisplayName("TROUPE_CLUSTER_JOIN=kubernetes with a service DNS name is the DNS lookup mode")
  void kubernetesByDns() {
    ClusterConfig c =
        ClusterConfig.from(
            Settings.of(
                Map.of(
                    "TROUPE_CLUSTER_JOIN", "Kubernetes",
                    "TROUPE_CLUSTER_K8S_SERVICE_DNS", "troupe-cluster.troupe.svc.cluster.local")));

    assertThat(c.kubernetes())
        .isEqualTo(
            new ClusterConfig.KubernetesJoin(
                "troupe-cluster.troupe.svc.cluster.local", null, null));
    assertThat(c.kubernetes().byDns()).isTrue();
  }

  @Test
  @DisplayName("TROUPE_CLUSTER_JOIN=kubernetes with a service name (and namespace) is the API mode")
  void kubernetesByApi() {
    ClusterConfig c =
        ClusterConfig.from(
            Settings.of(
                Map.of(
                    "TROUPE_CLUSTER_JOIN", "kubernetes",
                    "TROUPE_CLUSTER_K8S_SERVICE_NAME", "troupe-cluster",
                    "TROUPE_CLUSTER_K8S_NAMESPACE", "prod")));

    assertThat(c.kubernetes())
        .isEqualTo(new ClusterConfig.KubernetesJoin(null, "troupe-cluster", "prod"));
    assertThat(c.kubernetes().byDns()).isFalse();
  }

  @Test
  @DisplayName("the Kubernetes join needs exactly one of service DNS name and service name")
  void kubernetesNeedsOneWay() {
    assertThatThrownBy(
            () -> ClusterConfig.from(Settings.of(Map.of("TROUPE_CLUSTER_JOIN", "kubernetes"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CLUSTER_K8S_SERVICE_DNS")
        .hasMessageContaining("TROUPE_CLUSTER_K8S_SERVICE_NAME");
    assertThatThrownBy(
            () ->
                ClusterConfig.from(
                    Settings.of(
                        Map.of(
                            "TROUPE_CLUSTER_JOIN", "kubernetes",
                            "TROUPE_CLUSTER_K8S_SERVICE_DNS", "a.b.svc",
                            "TROUPE_CLUSTER_K8S_SERVICE_NAME", "a"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one");
    assertThatThrownBy(
            () ->
                ClusterConfig.from(
                    Settings.of(
                        Map.of(
                            "TROUPE_CLUSTER_JOIN", "kubernetes",
                            "TROUPE_CLUSTER_K8S_SERVICE_DNS", "a.b.svc",
                            "TROUPE_CLUSTER_K8S_NAMESPACE", "b"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CLUSTER_K8S_NAMESPACE");
  }

  @Test
  @DisplayName("the Kubernetes keys are ignored by the default TCP-IP join")
  void kubernetesKeysIgnoredByTcp() {
    ClusterConfig c =
        ClusterConfig.from(Settings.of(Map.of("TROUPE_CLUSTER_K8S_SERVICE_DNS", "a.b.svc")));

    assertThat(c.kubernetes()).isNull();
  }
}
