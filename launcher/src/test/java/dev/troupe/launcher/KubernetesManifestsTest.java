package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.HTTP_PORT;
import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static dev.troupe.launcher.DeploymentFiles.at;
import static dev.troupe.launcher.DeploymentFiles.valueAt;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.JoinConfig;
import dev.troupe.launcher.DeploymentFiles.Dockerfile;
import dev.troupe.shared.cluster.HazelcastSetup;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * deploy/k8s, checked statically (no Kubernetes cluster runs where the tests run): the manifests
 * parse, and the settings each pod ends up with (its image's ENV, the ConfigMap, the Secret's
 * example, its env) give Hazelcast's Kubernetes join through the headless Service.
 */
@DisplayName("deploy/k8s")
class KubernetesManifestsTest {
  private final Path dir = ROOT.resolve("deploy/k8s");
  private final List<Map<String, Object>> objects = new ArrayList<>();
  private final Map<String, Object> kustomization =
      DeploymentFiles.yaml(dir.resolve("kustomization.yaml"));

  KubernetesManifestsTest() throws IOException {
    List<String> resources = at(kustomization, "resources");
    for (String resource : resources) {
      objects.addAll(DeploymentFiles.yamlDocuments(dir.resolve(resource)));
    }
  }

  @Test
  @DisplayName("kustomization.yaml applies every manifest but the example Secret")
  void kustomization() throws IOException {
    Set<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml"))
              .collect(Collectors.toSet());
    }
    files.removeAll(Set.of("kustomization.yaml", "secret.example.yaml"));

    List<String> resources = at(kustomization, "resources");
    assertThat(resources).containsExactlyInAnyOrderElementsOf(files);
  }

  @Test
  @DisplayName("every object has apiVersion, kind and a name")
  void wellFormed() {
    assertThat(objects)
        .isNotEmpty()
        .allSatisfy(
            o -> {
              assertThat(o.get("apiVersion")).as("apiVersion of " + o).isInstanceOf(String.class);
              assertThat(o.get("kind")).as("kind of " + o).isInstanceOf(String.class);
              assertThat(valueAt(o, "metadata", "name"))
                  .as("name of " + o)
                  .isInstanceOf(String.class);
            });
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "a Deployment per service runs its image with probes on the health endpoints, resources and a non-root user")
  void deployment(Service service) {
    Map<String, Object> deployment = object("Deployment", "troupe-" + service.shortName());
    Map<String, Object> container = container(deployment);
    Dockerfile image = Dockerfile.read(DeploymentFiles.dockerfile(service));

    Map<String, Object> selector = at(deployment, "spec", "selector", "matchLabels");
    Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
    assertThat(podLabels).containsAllEntriesOf(selector);
    assertThat((String) container.get("image")).startsWith("troupe/" + service.shortName() + ":");
    assertThat(container)
        .as("the image's entrypoint is used")
        .doesNotContainKeys("command", "args");

    List<Map<String, Object>> ports = at(container, "ports");
    assertThat(ports)
        .anySatisfy(
            p -> {
              assertThat(p.get("name")).isEqualTo("http");
              assertThat(p.get("containerPort")).isEqualTo(HTTP_PORT);
            });
    assertThat(probe(container, "livenessProbe")).isEqualTo("/health/live");
    assertThat(probe(container, "startupProbe")).isEqualTo("/health/live");
    assertThat(probe(container, "readinessProbe")).isEqualTo("/health/ready");

    assertThat(valueAt(container, "resources", "requests", "cpu")).isNotNull();
    assertThat(valueAt(container, "resources", "requests", "memory")).isNotNull();
    assertThat(valueAt(container, "resources", "limits", "memory")).isNotNull();

    String uid = image.runtime("USER").get(0).arguments().split(":")[0];
    assertThat(valueAt(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"))
        .isEqualTo(true);
    assertThat(valueAt(deployment, "spec", "template", "spec", "securityContext", "runAsUser"))
        .isEqualTo(Integer.parseInt(uid));
    assertThat(valueAt(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"))
        .isEqualTo(45);
  }

  @Test
  @DisplayName("sets only documented TROUPE_* keys (ConfigMap, Secret example, Deployments)")
  void keysDocumented() {
    Set<String> keys = new TreeSet<>();
    objects.stream()
        .filter(o -> "ConfigMap".equals(o.get("kind")))
        .forEach(
            o ->
                keys.addAll(
                    DeploymentFiles.troupeKeys(
                        DeploymentFiles.<Map<String, Object>>at(o, "data").keySet())));
    for (Map<String, Object> secret :
        DeploymentFiles.yamlDocuments(dir.resolve("secret.example.yaml"))) {
      keys.addAll(
          DeploymentFiles.troupeKeys(
              DeploymentFiles.<Map<String, Object>>at(secret, "stringData").keySet()));
    }
    for (Service service : Service.values()) {
      List<Map<String, Object>> env =
          at(container(object("Deployment", "troupe-" + service.shortName())), "env");
      env.forEach(e -> keys.add((String) e.get("name")));
    }

    assertThat(keys).contains("TROUPE_CLUSTER_JOIN", "TROUPE_CLUSTER_HOST", "TROUPE_DB_URL");
    DeploymentFiles.assertDocumented(DeploymentFiles.troupeKeys(keys), "deploy/k8s");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "every pod joins through Hazelcast's Kubernetes DNS lookup of a headless Service that selects all pods, ready or not")
  void discovery(Service service) {
    Map<String, Object> deployment = object("Deployment", "troupe-" + service.shortName());
    ClusterConfig cluster = ClusterConfig.from(effectiveSettings(service, deployment));

    assertThat(cluster.kubernetes()).as("Kubernetes join").isNotNull();
    assertThat(cluster.kubernetes().byDns()).as("DNS lookup mode: no API access needed").isTrue();
    assertThat(cluster.host())
        .as("the pod's address, from the downward API")
        .isEqualTo("10.244.1.5");
    String serviceName = cluster.kubernetes().serviceDns().split("\\.")[0];
    Map<String, Object> headless = object("Service", serviceName);
    assertThat(valueAt(headless, "spec", "clusterIP"))
        .as(serviceName + " is headless")
        .isEqualTo("None");
    assertThat(valueAt(headless, "spec", "publishNotReadyAddresses"))
        .as(
            serviceName
                + " publishes pods before they are ready (they turn ready only once joined)")
        .isEqualTo(true);
    Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
    assertThat(podLabels).containsAllEntriesOf(at(headless, "spec", "selector"));
    List<Map<String, Object>> ports = at(headless, "spec", "ports");
    assertThat(ports).anySatisfy(p -> assertThat(p.get("port")).isEqualTo(cluster.port()));
    List<Map<String, Object>> containerPorts = at(container(deployment), "ports");
    assertThat(containerPorts)
        .anySatisfy(p -> assertThat(p.get("containerPort")).isEqualTo(cluster.port()));

    JoinConfig join = HazelcastSetup.config(cluster).getNetworkConfig().getJoin();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo(cluster.kubernetes().serviceDns());
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
  }

  @Test
  @DisplayName("the gateway Service sends to the gateway pods' HTTP port")
  void gatewayService() {
    Map<String, Object> gateway = object("Service", "troupe-gateway");
    Map<String, Object> pods =
        at(object("Deployment", "troupe-gateway"), "spec", "template", "metadata", "labels");

    assertThat(pods).containsAllEntriesOf(at(gateway, "spec", "selector"));
    List<Map<String, Object>> ports = at(gateway, "spec", "ports");
    assertThat(ports)
        .singleElement()
        .satisfies(p -> assertThat(p.get("targetPort")).isEqualTo("http"));
  }

  private Map<String, Object> object(String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata", "name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in deploy/k8s"));
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static String probe(Map<String, Object> container, String probe) {
    assertThat(valueAt(container, probe, "httpGet", "port")).as(probe + " port").isEqualTo("http");
    return at(container, probe, "httpGet", "path");
  }

  /**
   * What the node in the pod reads: the image's ENV, the ConfigMaps and Secrets it imports (the
   * example Secret standing in for the real one), then its env, with a sample pod address.
   */
  private Settings effectiveSettings(Service service, Map<String, Object> deployment) {
    Map<String, String> values =
        new TreeMap<>(Dockerfile.read(DeploymentFiles.dockerfile(service)).env());
    Map<String, Object> container = container(deployment);
    List<Map<String, Object>> envFrom = at(container, "envFrom");
    for (Map<String, Object> source : envFrom) {
      if (source.containsKey("configMapRef")) {
        Map<String, Object> data =
            at(object("ConfigMap", at(source, "configMapRef", "name")), "data");
        data.forEach((k, v) -> values.put(k, String.valueOf(v)));
      } else {
        String name = at(source, "secretRef", "name");
        Map<String, Object> secret =
            DeploymentFiles.yamlDocuments(dir.resolve("secret.example.yaml")).stream()
                .filter(s -> name.equals(at(s, "metadata", "name")))
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError("secret.example.yaml shows no Secret " + name));
        Map<String, Object> data = at(secret, "stringData");
        data.forEach((k, v) -> values.put(k, String.valueOf(v)));
      }
    }
    List<Map<String, Object>> env = at(container, "env");
    for (Map<String, Object> e : env) {
      String field = at(e, "valueFrom", "fieldRef", "fieldPath");
      values.put(
          (String) e.get("name"),
          field == null
              ? String.valueOf(e.get("value"))
              : switch (field) {
                case "status.podIP" -> "10.244.1.5";
                case "metadata.name" -> "troupe-" + service.shortName() + "-abc12";
                default -> throw new AssertionError("unexpected fieldRef " + field);
              });
    }
    return Settings.of(values);
  }
}
