package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.HTTP_PORT;
import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static dev.troupe.launcher.DeploymentFiles.at;
import static dev.troupe.launcher.DeploymentFiles.valueAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.PartitionGroupConfig.MemberGroupType;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import dev.troupe.db.DbConfig;
import dev.troupe.gateway.GatewayConfig;
import dev.troupe.launcher.DeploymentFiles.Dockerfile;
import dev.troupe.request.RequestConfig;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * deploy/k8s, checked statically (no Kubernetes cluster runs where the tests run): the manifests
 * are valid against the Kubernetes API's schema ({@link KubernetesSchema}), and the settings each
 * pod ends up with (its image's ENV, the ConfigMap, the Secret's example, its env) give Hazelcast's
 * Kubernetes join through the headless Service, a stop that fits the grace period, and cluster
 * ports that only Troupe pods reach.
 */
@DisplayName("deploy/k8s")
class KubernetesManifestsTest {
  /** The zone the tests give a pod's {@code topology.kubernetes.io/zone} label. */
  private static final String SAMPLE_ZONE = "zone-a";

  /**
   * What a pod's stop needs after its service's drain, within the launcher's stop timeout: the
   * other undeploys (the actor host passivates its actors) and the cluster leave.
   */
  private static final long REST_OF_STOP_SECONDS = 10;

  /** From the end of the launcher's stop to the process's end: logs flushed, the JVM exits. */
  private static final long EXIT_SECONDS = 5;

  /**
   * A preStop sleep shorter than this leaves endpoints and load balancers sending to a stopping
   * pod.
   */
  private static final long MIN_PRE_STOP_SECONDS = 5;

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
  }

  @Test
  @DisplayName(
      "every object, the example Secret's too, is valid against the Kubernetes API's schema: no unknown field, no value of the wrong type")
  void schema() {
    List<Map<String, Object>> all = new ArrayList<>(objects);
    all.addAll(DeploymentFiles.yamlDocuments(dir.resolve("secret.example.yaml")));

    assertThat(all)
        .allSatisfy(
            o ->
                assertThat(KubernetesSchema.violation(o))
                    .as("%s %s", o.get("kind"), valueAt(o, "metadata", "name"))
                    .isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "terminationGracePeriodSeconds covers the preStop sleep, the launcher's whole graceful stop and the exit; the service's drain leaves room in that stop for the leave")
  void stopFitsTheGracePeriod(Service service) {
    Map<String, Object> deployment = object("Deployment", "troupe-" + service.shortName());
    Settings settings = effectiveSettings(service, deployment);
    long grace =
        DeploymentFiles.<Number>at(
                deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")
            .longValue();
    long preStop = preStopSeconds(container(deployment));
    long drainMs = drainMs(service, settings);

    assertThat(drainMs)
        .as(
            "the %s drain (%d ms) leaves %d s of the launcher's %d s stop for the rest and the leave",
            service.shortName(), drainMs, REST_OF_STOP_SECONDS, Main.STOP_TIMEOUT_SECONDS)
        .isLessThanOrEqualTo(
            TimeUnit.SECONDS.toMillis(Main.STOP_TIMEOUT_SECONDS - REST_OF_STOP_SECONDS));
    assertThat(grace)
        .as(
            "terminationGracePeriodSeconds >= preStop %d s + the launcher's stop %d s + exit %d s",
            preStop, Main.STOP_TIMEOUT_SECONDS, EXIT_SECONDS)
        .isGreaterThanOrEqualTo(preStop + Main.STOP_TIMEOUT_SECONDS + EXIT_SECONDS);
    if (behindAService(deployment)) {
      assertThat(preStop)
          .as("a pod a Service sends requests to sleeps in preStop until the endpoints drop it")
          .isGreaterThanOrEqualTo(MIN_PRE_STOP_SECONDS);
    }
  }

  @Test
  @DisplayName(
      "one PodDisruptionBudget, maxUnavailable 1, over exactly the pods the discovery Service makes members")
  void disruptionBudget() {
    List<Map<String, Object>> budgets =
        objects.stream().filter(o -> "PodDisruptionBudget".equals(o.get("kind"))).toList();
    assertThat(budgets).as("one budget for the whole cluster").hasSize(1);
    Map<String, Object> budget = budgets.get(0);
    Map<String, Object> members = at(object("Service", "troupe-cluster"), "spec", "selector");

    assertThat(valueAt(budget, "spec", "maxUnavailable")).isEqualTo(1);
    assertThat(DeploymentFiles.<Map<String, Object>>at(budget, "spec"))
        .doesNotContainKey("minAvailable");
    assertThat(valueAt(budget, "spec", "selector", "matchExpressions")).isNull();
    assertThat(DeploymentFiles.<Map<String, Object>>at(budget, "spec", "selector", "matchLabels"))
        .isEqualTo(members);
    for (Service service : Service.values()) {
      assertThat(podLabels(object("Deployment", "troupe-" + service.shortName())))
          .as(service.shortName() + " pods are in the budget")
          .containsAllEntriesOf(members);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "pods spread over nodes (required) and zones (preferred), each Deployment's new pods among themselves")
  void topologySpread(Service service) {
    Map<String, Object> deployment = object("Deployment", "troupe-" + service.shortName());
    List<Map<String, Object>> constraints =
        at(deployment, "spec", "template", "spec", "topologySpreadConstraints");
    Map<String, Object> selector = at(deployment, "spec", "selector", "matchLabels");

    assertThat(constraints)
        .extracting(c -> c.get("topologyKey"), c -> c.get("whenUnsatisfiable"))
        .containsExactlyInAnyOrder(
            tuple("topology.kubernetes.io/zone", "ScheduleAnyway"),
            tuple("kubernetes.io/hostname", "DoNotSchedule"));
    assertThat(constraints)
        .allSatisfy(
            c -> {
              assertThat(c.get("maxSkew")).isEqualTo(1);
              assertThat(valueAt(c, "labelSelector", "matchLabels")).isEqualTo(selector);
              assertThat(DeploymentFiles.<List<String>>at(c, "matchLabelKeys"))
                  .containsExactly("pod-template-hash");
            });
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "a NetworkPolicy lets only Troupe pods reach the cluster ports (Hazelcast, event bus), and anyone the HTTP port")
  void networkPolicy(Service service) {
    Map<String, Object> deployment = object("Deployment", "troupe-" + service.shortName());
    ClusterConfig cluster = ClusterConfig.from(effectiveSettings(service, deployment));
    Map<String, Object> members = at(object("Service", "troupe-cluster"), "spec", "selector");
    Map<String, Object> labels = podLabels(deployment);
    List<Map<String, Object>> containerPorts = at(container(deployment), "ports");
    Set<Integer> clusterPorts = Set.of(cluster.port(), cluster.eventBusPort());
    assertThat(cluster.eventBusPort()).as("a fixed event bus port a policy can name").isPositive();

    List<Map<String, Object>> rules = new ArrayList<>();
    objects.stream()
        .filter(o -> "NetworkPolicy".equals(o.get("kind")))
        .filter(p -> selects(at(p, "spec", "podSelector", "matchLabels"), labels))
        .forEach(
            p -> {
              assertThat(DeploymentFiles.<List<String>>at(p, "spec", "policyTypes"))
                  .contains("Ingress");
              rules.addAll(DeploymentFiles.<List<Map<String, Object>>>at(p, "spec", "ingress"));
            });
    assertThat(rules)
        .as("ingress rules of the policies selecting " + service + " pods")
        .isNotEmpty();

    Set<Integer> openToMembers = new TreeSet<>();
    Set<Integer> openToAll = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      List<Map<String, Object>> ports = at(rule, "ports");
      assertThat(ports).as("a rule without ports opens every port").isNotNull().isNotEmpty();
      Set<Integer> numbers = new TreeSet<>();
      ports.forEach(p -> numbers.add(portNumber(p.get("port"), containerPorts)));
      List<Map<String, Object>> from = at(rule, "from");
      if (from == null || from.isEmpty()) {
        openToAll.addAll(numbers);
      } else {
        assertThat(from)
            .allSatisfy(
                peer -> {
                  assertThat(peer)
                      .as("peers are pods of this namespace")
                      .containsOnlyKeys("podSelector");
                  assertThat(valueAt(peer, "podSelector", "matchLabels")).isEqualTo(members);
                });
        openToMembers.addAll(numbers);
      }
    }
    assertThat(openToAll).as("ports open to any peer").doesNotContainAnyElementsOf(clusterPorts);
    assertThat(openToMembers).as("ports open to the members").containsAll(clusterPorts);
    assertThat(openToAll)
        .as("the HTTP port, for the API, probes and Prometheus")
        .contains(HTTP_PORT);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "each pod's zone comes from its topology label; zone-aware partition groups are off, and the ConfigMap's switch turns them on")
  void zones(Service service) {
    Settings settings =
        effectiveSettings(service, object("Deployment", "troupe-" + service.shortName()));
    ClusterConfig off = ClusterConfig.from(settings);
    Config on =
        HazelcastSetup.config(
            ClusterConfig.from(settings.with("TROUPE_CLUSTER_ZONE_AWARE", "true")));

    assertThat(off.zoneAware()).isFalse();
    assertThat(off.zone()).isEqualTo(SAMPLE_ZONE);
    assertThat(HazelcastSetup.config(off).getPartitionGroupConfig().isEnabled()).isFalse();
    assertThat(on.getPartitionGroupConfig().isEnabled()).isTrue();
    assertThat(on.getPartitionGroupConfig().getGroupType()).isEqualTo(MemberGroupType.ZONE_AWARE);
    assertThat(
            on.getMemberAttributeConfig().getAttribute(PartitionGroupMetaData.PARTITION_GROUP_ZONE))
        .isEqualTo(SAMPLE_ZONE);
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

  /**
   * How long a service's own drain may take on SIGTERM, with the settings its pod runs with: the
   * bound each verticle's stop() waits for its calls in flight.
   */
  private static long drainMs(Service service, Settings settings) {
    return switch (service) {
      // GatewayVerticle: the HTTP server's shutdown.
      case GATEWAY -> GatewayConfig.from(settings).drainMs();
      // RequestVerticle: a pipeline call waits for db-service, then cache-service.
      case REQUEST -> {
        RequestConfig request = RequestConfig.from(settings);
        yield request.dbTimeoutMs() + request.cacheTimeoutMs();
      }
      // DbVerticle and StateStoreVerticle, side by side: a connection, then a statement.
      case DB -> {
        DbConfig db = DbConfig.from(settings);
        yield (long) db.connectTimeoutMs() + db.statementTimeoutMs();
      }
      // CacheVerticle.DRAIN_MS.
      case CACHE -> 2_000;
      // ChatService holds nothing in flight: its room actors live on the actor host.
      case CHAT -> 0;
    };
  }

  /** The seconds a container's preStop hook takes: a sleep, or none. */
  private static long preStopSeconds(Map<String, Object> container) {
    Map<String, Object> preStop = at(container, "lifecycle", "preStop");
    if (preStop == null) {
      return 0;
    }
    Number sleep = at(preStop, "sleep", "seconds");
    if (sleep != null) {
      return sleep.longValue();
    }
    List<String> command = at(preStop, "exec", "command");
    assertThat(command)
        .as("a preStop hook whose length the stop budget can count: a sleep")
        .hasSize(2)
        .first()
        .isEqualTo("sleep");
    return Long.parseLong(command.get(1));
  }

  /** True when a Service with a cluster address (not the headless one) selects these pods. */
  private boolean behindAService(Map<String, Object> deployment) {
    return objects.stream()
        .filter(o -> "Service".equals(o.get("kind")))
        .filter(o -> !"None".equals(valueAt(o, "spec", "clusterIP")))
        .anyMatch(o -> selects(at(o, "spec", "selector"), podLabels(deployment)));
  }

  /** True when a label selector's {@code matchLabels} select a pod with {@code labels}. */
  private static boolean selects(Map<String, Object> matchLabels, Map<String, Object> labels) {
    return labels.entrySet().containsAll(matchLabels.entrySet());
  }

  private static Map<String, Object> podLabels(Map<String, Object> deployment) {
    return at(deployment, "spec", "template", "metadata", "labels");
  }

  /** A NetworkPolicy port: a number, or the name of one of the container's ports. */
  private static int portNumber(Object port, List<Map<String, Object>> containerPorts) {
    if (port instanceof Integer number) {
      return number;
    }
    return containerPorts.stream()
        .filter(p -> port.equals(p.get("name")))
        .map(p -> (Integer) p.get("containerPort"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port));
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
                case "metadata.labels['topology.kubernetes.io/zone']" -> SAMPLE_ZONE;
                default -> throw new AssertionError("unexpected fieldRef " + field);
              });
    }
    return Settings.of(values);
  }
}
