package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.HTTP_PORT;
import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static dev.troupe.launcher.DeploymentFiles.at;
import static dev.troupe.launcher.DeploymentFiles.valueAt;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.troupe.launcher.DeploymentFiles.Dockerfile;
import dev.troupe.shared.cluster.HazelcastSetup;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.HaConfig;
import dev.troupe.shared.config.Settings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml, checked against what the nodes read: no Docker engine runs where the tests
 * run ({@code .ci/run} validates the file with the compose tool). The settings each container ends
 * up with (its image's ENV, then the compose environment) must give the Hazelcast join intended.
 */
@DisplayName("docker-compose.yml")
class ComposeFileTest {
  private final Map<String, Object> compose =
      DeploymentFiles.yaml(ROOT.resolve("docker-compose.yml"));
  private final Map<String, Object> services = at(compose, "services");

  @Test
  @DisplayName(
      "runs PostgreSQL, the four services with two gateways, Prometheus and Grafana, built from their Dockerfiles")
  void services() {
    assertThat(services).containsKeys("postgres", "prometheus", "grafana");
    for (Service service : Service.values()) {
      Map<String, Object> s = at(services, service.shortName());
      assertThat(s).as(service.shortName()).isNotNull();
      assertThat(ROOT.resolve((String) at(s, "build", "context")).normalize()).isEqualTo(ROOT);
      assertThat(ROOT.resolve((String) at(s, "build", "dockerfile")))
          .isEqualTo(DeploymentFiles.dockerfile(service));
      assertThat(valueAt(s, "stop_grace_period"))
          .as("time to drain before SIGKILL")
          .isEqualTo("45s");
      assertThat(valueAt(s, "mem_limit"))
          .as("the memory the image sizes its heap from, as on Kubernetes")
          .isEqualTo("512m");
    }
    assertThat(valueAt(services, "gateway", "deploy", "replicas")).isEqualTo(2);
  }

  @Test
  @DisplayName("sets only documented TROUPE_* keys")
  void keysDocumented() {
    Set<String> keys = new TreeSet<>();
    for (Service service : Service.values()) {
      keys.addAll(DeploymentFiles.troupeKeys(environment(service).keySet()));
    }

    assertThat(keys).contains("TROUPE_CLUSTER_MEMBERS", "TROUPE_DB_URL");
    DeploymentFiles.assertDocumented(keys, "docker-compose.yml");
  }

  @Test
  @DisplayName(
      "every node joins one cluster by TCP-IP through one-container services by name, on their cluster port")
  void discovery() {
    Map<String, Integer> clusterPorts = new HashMap<>();
    Set<String> clusterNames = new TreeSet<>();
    List<ClusterConfig> configs = new ArrayList<>();
    for (Service service : Service.values()) {
      ClusterConfig cluster = ClusterConfig.from(effectiveSettings(service));
      assertThat(cluster.kubernetes()).as(service + ": TCP-IP join").isNull();
      assertThat(cluster.host())
          .as(service + ": the container's own address")
          .isEqualTo(ClusterConfig.AUTO_HOST);
      clusterPorts.put(service.shortName(), cluster.port());
      clusterNames.add(cluster.name());
      configs.add(cluster);
    }
    assertThat(clusterNames).as("cluster names").hasSize(1);

    for (ClusterConfig cluster : configs) {
      assertThat(cluster.members())
          .isNotEmpty()
          .allSatisfy(
              member -> {
                String[] hostPort = member.split(":");
                assertThat(services)
                    .as("member " + member + " is a compose service")
                    .containsKey(hostPort[0]);
                assertThat(clusterPorts)
                    .as("member " + member + " runs Troupe")
                    .containsKey(hostPort[0]);
                assertThat(Integer.parseInt(hostPort[1]))
                    .as(member + "'s port")
                    .isEqualTo(clusterPorts.get(hostPort[0]));
                Object replicas = at(services, hostPort[0], "deploy", "replicas");
                assertThat(replicas == null ? 1 : (Integer) replicas)
                    .as(member + ": one container per name")
                    .isEqualTo(1);
              });
      Config hazelcast = HazelcastSetup.config(resolved(cluster));
      JoinConfig join = hazelcast.getNetworkConfig().getJoin();
      assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
      assertThat(join.getTcpIpConfig().getMembers()).containsExactlyElementsOf(cluster.members());
      assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
      assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    }
  }

  @Test
  @DisplayName(
      "every node needs a majority of the nodes to be ready and to run HA services, so a minority side of a partition neither serves nor takes over the others' services")
  void majorityQuorums() {
    int nodes = 0;
    for (Service service : Service.values()) {
      Object replicas = at(services, service.shortName(), "deploy", "replicas");
      nodes += replicas == null ? 1 : (Integer) replicas;
    }
    int majority = nodes / 2 + 1;
    for (Service service : Service.values()) {
      Settings settings = effectiveSettings(service);
      assertThat(ClusterConfig.from(settings).quorum())
          .as(service + ": TROUPE_CLUSTER_QUORUM of " + nodes + " nodes")
          .isEqualTo(majority);
      HaConfig ha = HaConfig.from(settings);
      assertThat(ha.enabled()).as(service + ": TROUPE_HA_ENABLED").isTrue();
      assertThat(ha.quorum())
          .as(service + ": TROUPE_HA_QUORUM of " + nodes + " nodes")
          .isEqualTo(majority);
    }
  }

  @Test
  @DisplayName("starts one seed node first, so two nodes never start a cluster each")
  void oneSeed() {
    List<String> seeds = new ArrayList<>();
    for (Service service : Service.values()) {
      Map<String, Object> dependsOn = at(services, service.shortName(), "depends_on");
      boolean waitsForNode =
          dependsOn != null
              && dependsOn.entrySet().stream()
                  .anyMatch(
                      d ->
                          Stream.of(Service.values())
                                  .anyMatch(s -> s.shortName().equals(d.getKey()))
                              && "service_healthy".equals(at(d.getValue(), "condition")));
      if (!waitsForNode) {
        seeds.add(service.shortName());
      }
    }

    assertThat(seeds).as("Troupe services that wait for no healthy Troupe service").hasSize(1);
    assertThat(ClusterConfig.from(effectiveSettings(Service.GATEWAY)).members())
        .as("the seed is a member everyone joins through")
        .contains(seeds.get(0) + ":5701");
  }

  @Test
  @DisplayName("the db node uses the compose PostgreSQL")
  void database() {
    assertThat(environment(Service.DB).get("TROUPE_DB_URL"))
        .matches("postgresql://[^@]+@postgres:5432/.+");
    assertThat(valueAt(services, "db", "depends_on", "postgres", "condition"))
        .isEqualTo("service_healthy");
  }

  @Test
  @DisplayName(
      "Prometheus scrapes /metrics of every Troupe service on its HTTP port, and mounted files exist")
  void prometheus() {
    List<String> mounts = new ArrayList<>();
    for (Object service : services.values()) {
      List<String> volumes = at(service, "volumes");
      if (volumes != null) {
        volumes.stream()
            .filter(v -> v.startsWith("./"))
            .map(v -> v.split(":")[0])
            .forEach(mounts::add);
      }
    }
    assertThat(mounts)
        .contains("./deploy/prometheus/prometheus.yml")
        .allSatisfy(m -> assertThat(ROOT.resolve(m)).exists());

    Map<String, Object> prometheus =
        DeploymentFiles.yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
    List<Map<String, Object>> jobs = at(prometheus, "scrape_configs");
    Map<String, Object> troupe =
        jobs.stream().filter(j -> "troupe".equals(j.get("job_name"))).findFirst().orElseThrow();
    assertThat(troupe.get("metrics_path")).isEqualTo("/metrics");
    List<Map<String, Object>> dns = at(troupe, "dns_sd_configs");
    assertThat(dns)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.get("port")).isEqualTo(HTTP_PORT);
              List<String> names = at(d, "names");
              assertThat(names)
                  .containsExactlyInAnyOrderElementsOf(
                      Stream.of(Service.values()).map(Service::shortName).toList());
            });
  }

  private Map<String, String> environment(Service service) {
    Map<String, Object> env = at(services, service.shortName(), "environment");
    Map<String, String> values = new TreeMap<>();
    if (env != null) {
      env.forEach((k, v) -> values.put(k, String.valueOf(v)));
    }
    return values;
  }

  /**
   * What the node in the container reads: the image's ENV, overridden by the compose environment.
   */
  private Settings effectiveSettings(Service service) {
    Map<String, String> values =
        new TreeMap<>(Dockerfile.read(DeploymentFiles.dockerfile(service)).env());
    values.putAll(environment(service));
    return Settings.of(values);
  }

  /**
   * A cluster config as ClusterBootstrap hands it to Hazelcast: {@code auto} resolved to an
   * address.
   */
  private static ClusterConfig resolved(ClusterConfig c) {
    return new ClusterConfig(
        c.name(),
        "172.18.0.5",
        c.port(),
        c.members(),
        c.eventBusPort(),
        c.heartbeatSeconds(),
        c.failureTimeoutSeconds(),
        c.portAutoIncrement(),
        c.quorum(),
        c.kubernetes(),
        c.zoneAware(),
        c.zone());
  }
}
