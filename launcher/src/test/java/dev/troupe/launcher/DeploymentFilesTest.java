package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static dev.troupe.launcher.DeploymentFiles.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.troupe.launcher.DeploymentFiles.Dockerfile;
import dev.troupe.shared.cluster.HazelcastSetup;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No Docker engine or Kubernetes cluster runs where the tests run, so the deployment files are
 * checked against what the code reads: the Dockerfiles start the services the launcher knows with
 * the flags the jar needs, every {@code TROUPE_*} key they set is documented, and the discovery
 * settings of docker-compose.yml and deploy/k8s give the Hazelcast join they are meant to.
 * {@code ImageEntrypointIT} checks the jar the images copy, after {@code package}.
 */
@DisplayName("deployment files")
class DeploymentFilesTest {
  private static final String JAR_IN_IMAGE = "/opt/troupe/troupe.jar";
  private static final int HTTP_PORT = 8080;

  @Nested
  @DisplayName("each service's Dockerfile")
  class Dockerfiles {

    @ParameterizedTest(name = "{0}")
    @EnumSource(Service.class)
    @DisplayName("builds on a JDK 17 and runs on a JRE 17 only, as a non-root user")
    void multiStageNonRoot(Service service) {
      Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));

      assertThat(file.lastStage()).as("stages").isGreaterThanOrEqualTo(2);
      assertThat(file.all("FROM").get(0).arguments()).as("first stage").endsWith("AS build");
      assertThat(file.baseImage(1)).as("build image").contains("17").doesNotContain("jre");
      assertThat(file.baseImage(file.lastStage())).as("runtime image").contains("17-jre");
      assertThat(file.runtime("USER")).as("USER of the final stage").hasSize(1);
      String user = file.runtime("USER").get(0).arguments().split(":")[0];
      assertThat(user).as("numeric uid, so Kubernetes' runAsNonRoot can check it").matches("[0-9]+");
      assertThat(Integer.parseInt(user)).as("uid").isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Service.class)
    @DisplayName("starts `troupe.jar node --services <its service>` with the JVM flags the jar needs")
    void startsItsService(Service service) {
      Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
      List<String> entrypoint = entrypoint(file);

      int jar = entrypoint.indexOf("-jar");
      assertThat(jar).as("-jar in " + entrypoint).isPositive();
      assertThat(entrypoint.get(jar + 1)).isEqualTo(JAR_IN_IMAGE);
      assertThat(entrypoint.subList(jar + 2, entrypoint.size())).hasSize(3).startsWith("node", "--services");
      assertThat(Service.parse(entrypoint.get(entrypoint.size() - 1))).containsExactly(service);
      assertThat(file.runtime("COPY")).anySatisfy(copy ->
          assertThat(copy.arguments()).startsWith("--from=build ").endsWith(" " + JAR_IN_IMAGE));

      assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError");
      assertThat(jvmModuleFlags(entrypoint)).as("--add-opens / --add-exports")
          .containsExactlyInAnyOrderElementsOf(manifestModuleFlags());
      String tunables = file.env().get("JDK_JAVA_OPTIONS");
      assertThat(tunables).as("JDK_JAVA_OPTIONS")
          .contains("-XX:MaxRAMPercentage=")
          .containsPattern("-Djava\\.util\\.concurrent\\.ForkJoinPool\\.common\\.parallelism=([2-9]|[1-9][0-9])");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Service.class)
    @DisplayName("serves HTTP on the port its health check probes, on all interfaces, in its container's cluster address")
    void healthCheck(Service service) {
      Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
      Map<String, String> env = file.env();

      String portKey = service == Service.GATEWAY ? "TROUPE_HTTP_PORT" : "TROUPE_HEALTH_PORT";
      assertThat(env).containsEntry(portKey, String.valueOf(HTTP_PORT))
          .containsEntry("TROUPE_HTTP_HOST", "0.0.0.0")
          .containsEntry("TROUPE_CLUSTER_HOST", ClusterConfig.AUTO_HOST);
      if (service != Service.GATEWAY) {
        assertThat(env).as("a gateway node serves health on its API port").doesNotContainKey("TROUPE_HTTP_PORT");
      }
      assertThat(file.runtime("HEALTHCHECK")).singleElement().satisfies(check ->
          assertThat(check.arguments()).contains("http://127.0.0.1:" + HTTP_PORT + "/health/live"));
      assertThat(file.runtime("EXPOSE")).singleElement().satisfies(expose ->
          assertThat(expose.arguments().split("\\s+")).contains(String.valueOf(HTTP_PORT),
              env.get("TROUPE_CLUSTER_PORT"), env.get("TROUPE_EVENTBUS_PORT")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Service.class)
    @DisplayName("sets only documented TROUPE_* keys")
    void keysDocumented(Service service) {
      Set<String> keys = DeploymentFiles.troupeKeys(Dockerfile.read(DeploymentFiles.dockerfile(service)).env().keySet());

      assertThat(keys).isNotEmpty();
      DeploymentFiles.assertDocumented(keys, DeploymentFiles.dockerfile(service).toString());
    }

    @Test
    @DisplayName("share one build stage word for word, so building all four runs Maven once")
    void sameBuildStage() {
      List<String> gateway = Dockerfile.read(DeploymentFiles.dockerfile(Service.GATEWAY)).stage(1);
      assertThat(gateway).anySatisfy(i -> assertThat(i).startsWith("RUN").contains("mvn").contains("-pl launcher"));
      for (Service service : Service.values()) {
        Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
        assertThat(file.stage(1)).as(service + "'s build stage").isEqualTo(gateway);
        assertThat(file.globalArgs()).as(service + "'s base images")
            .isEqualTo(Dockerfile.read(DeploymentFiles.dockerfile(Service.GATEWAY)).globalArgs());
      }
    }
  }

  @Nested
  @DisplayName("docker-compose.yml")
  class Compose {
    private final Map<String, Object> compose = DeploymentFiles.yaml(ROOT.resolve("docker-compose.yml"));
    private final Map<String, Object> services = at(compose, "services");

    @Test
    @DisplayName("runs PostgreSQL, the four services with two gateways, Prometheus and Grafana, built from their Dockerfiles")
    void services() {
      assertThat(services).containsKeys("postgres", "prometheus", "grafana");
      for (Service service : Service.values()) {
        Map<String, Object> s = at(services, service.shortName());
        assertThat(s).as(service.shortName()).isNotNull();
        assertThat(ROOT.resolve((String) at(s, "build", "context")).normalize()).isEqualTo(ROOT);
        assertThat(ROOT.resolve((String) at(s, "build", "dockerfile"))).isEqualTo(DeploymentFiles.dockerfile(service));
        assertThat((Object) at(s, "stop_grace_period")).as("time to drain before SIGKILL").isEqualTo("45s");
      }
      assertThat((Object) at(services, "gateway", "deploy", "replicas")).isEqualTo(2);
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
    @DisplayName("every node joins one cluster by TCP-IP through one-container services by name, on their cluster port")
    void discovery() {
      Map<String, Integer> clusterPorts = new HashMap<>();
      Set<String> clusterNames = new TreeSet<>();
      List<ClusterConfig> configs = new ArrayList<>();
      for (Service service : Service.values()) {
        ClusterConfig cluster = ClusterConfig.from(effectiveSettings(service));
        assertThat(cluster.kubernetes()).as(service + ": TCP-IP join").isNull();
        assertThat(cluster.host()).as(service + ": the container's own address").isEqualTo(ClusterConfig.AUTO_HOST);
        clusterPorts.put(service.shortName(), cluster.port());
        clusterNames.add(cluster.name());
        configs.add(cluster);
      }
      assertThat(clusterNames).as("cluster names").hasSize(1);

      for (ClusterConfig cluster : configs) {
        assertThat(cluster.members()).isNotEmpty().allSatisfy(member -> {
          String[] hostPort = member.split(":");
          assertThat(services).as("member " + member + " is a compose service").containsKey(hostPort[0]);
          assertThat(clusterPorts).as("member " + member + " runs Troupe").containsKey(hostPort[0]);
          assertThat(Integer.parseInt(hostPort[1])).as(member + "'s port").isEqualTo(clusterPorts.get(hostPort[0]));
          Object replicas = at(services, hostPort[0], "deploy", "replicas");
          assertThat(replicas == null ? 1 : (Integer) replicas).as(member + ": one container per name").isEqualTo(1);
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
    @DisplayName("starts one seed node first, so two nodes never start a cluster each")
    void oneSeed() {
      List<String> seeds = new ArrayList<>();
      for (Service service : Service.values()) {
        Map<String, Object> dependsOn = at(services, service.shortName(), "depends_on");
        boolean waitsForNode = dependsOn != null && dependsOn.entrySet().stream().anyMatch(d ->
            Stream.of(Service.values()).anyMatch(s -> s.shortName().equals(d.getKey()))
                && "service_healthy".equals(at(d.getValue(), "condition")));
        if (!waitsForNode) {
          seeds.add(service.shortName());
        }
      }

      assertThat(seeds).as("Troupe services that wait for no healthy Troupe service").hasSize(1);
      assertThat(ClusterConfig.from(effectiveSettings(Service.GATEWAY)).members())
          .as("the seed is a member everyone joins through").contains(seeds.get(0) + ":5701");
    }

    @Test
    @DisplayName("the db node uses the compose PostgreSQL")
    void database() {
      assertThat(environment(Service.DB).get("TROUPE_DB_URL")).matches("postgresql://[^@]+@postgres:5432/.+");
      assertThat((Object) at(services, "db", "depends_on", "postgres", "condition")).isEqualTo("service_healthy");
    }

    @Test
    @DisplayName("Prometheus scrapes /metrics of every Troupe service on its HTTP port, and mounted files exist")
    void prometheus() {
      List<String> mounts = new ArrayList<>();
      for (Object service : services.values()) {
        List<String> volumes = at(service, "volumes");
        if (volumes != null) {
          volumes.stream().filter(v -> v.startsWith("./")).map(v -> v.split(":")[0]).forEach(mounts::add);
        }
      }
      assertThat(mounts).contains("./deploy/prometheus/prometheus.yml")
          .allSatisfy(m -> assertThat(ROOT.resolve(m)).exists());

      Map<String, Object> prometheus = DeploymentFiles.yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
      List<Map<String, Object>> jobs = at(prometheus, "scrape_configs");
      Map<String, Object> troupe = jobs.stream().filter(j -> "troupe".equals(j.get("job_name"))).findFirst().orElseThrow();
      assertThat(troupe.get("metrics_path")).isEqualTo("/metrics");
      List<Map<String, Object>> dns = at(troupe, "dns_sd_configs");
      assertThat(dns).singleElement().satisfies(d -> {
        assertThat(d.get("port")).isEqualTo(HTTP_PORT);
        List<String> names = at(d, "names");
        assertThat(names).containsExactlyInAnyOrderElementsOf(
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

    /** What the node in the container reads: the image's ENV, overridden by the compose environment. */
    private Settings effectiveSettings(Service service) {
      Map<String, String> values = new TreeMap<>(Dockerfile.read(DeploymentFiles.dockerfile(service)).env());
      values.putAll(environment(service));
      return Settings.of(values);
    }
  }

  @Nested
  @DisplayName("deploy/k8s")
  class Kubernetes {
    private final Path dir = ROOT.resolve("deploy/k8s");
    private final List<Map<String, Object>> objects = new ArrayList<>();
    private final Map<String, Object> kustomization = DeploymentFiles.yaml(dir.resolve("kustomization.yaml"));

    Kubernetes() throws IOException {
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
        files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).collect(Collectors.toSet());
      }
      files.removeAll(Set.of("kustomization.yaml", "secret.example.yaml"));

      assertThat((List<String>) at(kustomization, "resources")).containsExactlyInAnyOrderElementsOf(files);
    }

    @Test
    @DisplayName("every object has apiVersion, kind and a name")
    void wellFormed() {
      assertThat(objects).isNotEmpty().allSatisfy(o -> {
        assertThat(o.get("apiVersion")).as("apiVersion of " + o).isInstanceOf(String.class);
        assertThat(o.get("kind")).as("kind of " + o).isInstanceOf(String.class);
        assertThat((Object) at(o, "metadata", "name")).as("name of " + o).isInstanceOf(String.class);
      });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Service.class)
    @DisplayName("a Deployment per service runs its image with probes on the health endpoints, resources and a non-root user")
    void deployment(Service service) {
      Map<String, Object> deployment = object("Deployment", "troupe-" + service.shortName());
      Map<String, Object> container = container(deployment);
      Dockerfile image = Dockerfile.read(DeploymentFiles.dockerfile(service));

      Map<String, Object> selector = at(deployment, "spec", "selector", "matchLabels");
      Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
      assertThat(podLabels).containsAllEntriesOf(selector);
      assertThat((String) container.get("image")).startsWith("troupe/" + service.shortName() + ":");
      assertThat(container).as("the image's entrypoint is used").doesNotContainKeys("command", "args");

      List<Map<String, Object>> ports = at(container, "ports");
      assertThat(ports).anySatisfy(p -> {
        assertThat(p.get("name")).isEqualTo("http");
        assertThat(p.get("containerPort")).isEqualTo(HTTP_PORT);
      });
      assertThat(probe(container, "livenessProbe")).isEqualTo("/health/live");
      assertThat(probe(container, "startupProbe")).isEqualTo("/health/live");
      assertThat(probe(container, "readinessProbe")).isEqualTo("/health/ready");

      assertThat((Object) at(container, "resources", "requests", "cpu")).isNotNull();
      assertThat((Object) at(container, "resources", "requests", "memory")).isNotNull();
      assertThat((Object) at(container, "resources", "limits", "memory")).isNotNull();

      String uid = image.runtime("USER").get(0).arguments().split(":")[0];
      assertThat((Object) at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
      assertThat((Object) at(deployment, "spec", "template", "spec", "securityContext", "runAsUser"))
          .isEqualTo(Integer.parseInt(uid));
      assertThat((Object) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")).isEqualTo(45);
    }

    @Test
    @DisplayName("sets only documented TROUPE_* keys (ConfigMap, Secret example, Deployments)")
    void keysDocumented() {
      Set<String> keys = new TreeSet<>();
      objects.stream().filter(o -> "ConfigMap".equals(o.get("kind")))
          .forEach(o -> keys.addAll(DeploymentFiles.troupeKeys(DeploymentFiles.<Map<String, Object>>at(o, "data").keySet())));
      for (Map<String, Object> secret : DeploymentFiles.yamlDocuments(dir.resolve("secret.example.yaml"))) {
        keys.addAll(DeploymentFiles.troupeKeys(DeploymentFiles.<Map<String, Object>>at(secret, "stringData").keySet()));
      }
      for (Service service : Service.values()) {
        List<Map<String, Object>> env = at(container(object("Deployment", "troupe-" + service.shortName())), "env");
        env.forEach(e -> keys.add((String) e.get("name")));
      }

      assertThat(keys).contains("TROUPE_CLUSTER_JOIN", "TROUPE_CLUSTER_HOST", "TROUPE_DB_URL");
      DeploymentFiles.assertDocumented(DeploymentFiles.troupeKeys(keys), "deploy/k8s");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Service.class)
    @DisplayName("every pod joins through Hazelcast's Kubernetes DNS lookup of a headless Service that selects all pods, ready or not")
    void discovery(Service service) {
      Map<String, Object> deployment = object("Deployment", "troupe-" + service.shortName());
      ClusterConfig cluster = ClusterConfig.from(effectiveSettings(service, deployment));

      assertThat(cluster.kubernetes()).as("Kubernetes join").isNotNull();
      assertThat(cluster.kubernetes().byDns()).as("DNS lookup mode: no API access needed").isTrue();
      assertThat(cluster.host()).as("the pod's address, from the downward API").isEqualTo("10.244.1.5");
      String serviceName = cluster.kubernetes().serviceDns().split("\\.")[0];
      Map<String, Object> headless = object("Service", serviceName);
      assertThat((Object) at(headless, "spec", "clusterIP")).as(serviceName + " is headless").isEqualTo("None");
      assertThat((Object) at(headless, "spec", "publishNotReadyAddresses"))
          .as(serviceName + " publishes pods before they are ready (they turn ready only once joined)").isEqualTo(true);
      Map<String, Object> podLabels = at(deployment, "spec", "template", "metadata", "labels");
      assertThat(podLabels).containsAllEntriesOf(at(headless, "spec", "selector"));
      List<Map<String, Object>> ports = at(headless, "spec", "ports");
      assertThat(ports).anySatisfy(p -> assertThat(p.get("port")).isEqualTo(cluster.port()));
      List<Map<String, Object>> containerPorts = at(container(deployment), "ports");
      assertThat(containerPorts).anySatisfy(p -> assertThat(p.get("containerPort")).isEqualTo(cluster.port()));

      JoinConfig join = HazelcastSetup.config(cluster).getNetworkConfig().getJoin();
      assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
      assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo(cluster.kubernetes().serviceDns());
      assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    }

    @Test
    @DisplayName("the gateway Service sends to the gateway pods' HTTP port")
    void gatewayService() {
      Map<String, Object> gateway = object("Service", "troupe-gateway");
      Map<String, Object> pods = at(object("Deployment", "troupe-gateway"), "spec", "template", "metadata", "labels");

      assertThat(pods).containsAllEntriesOf(at(gateway, "spec", "selector"));
      List<Map<String, Object>> ports = at(gateway, "spec", "ports");
      assertThat(ports).singleElement().satisfies(p -> assertThat(p.get("targetPort")).isEqualTo("http"));
    }

    private Map<String, Object> object(String kind, String name) {
      return objects.stream()
          .filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata", "name")))
          .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in deploy/k8s"));
    }

    private static Map<String, Object> container(Map<String, Object> deployment) {
      List<Map<String, Object>> containers = at(deployment, "spec", "template", "spec", "containers");
      assertThat(containers).hasSize(1);
      return containers.get(0);
    }

    private static String probe(Map<String, Object> container, String probe) {
      assertThat((Object) at(container, probe, "httpGet", "port")).as(probe + " port").isEqualTo("http");
      return at(container, probe, "httpGet", "path");
    }

    /**
     * What the node in the pod reads: the image's ENV, the ConfigMaps and Secrets it imports (the
     * example Secret standing in for the real one), then its env, with a sample pod address.
     */
    private Settings effectiveSettings(Service service, Map<String, Object> deployment) {
      Map<String, String> values = new TreeMap<>(Dockerfile.read(DeploymentFiles.dockerfile(service)).env());
      Map<String, Object> container = container(deployment);
      List<Map<String, Object>> envFrom = at(container, "envFrom");
      for (Map<String, Object> source : envFrom) {
        if (source.containsKey("configMapRef")) {
          Map<String, Object> data = at(object("ConfigMap", at(source, "configMapRef", "name")), "data");
          data.forEach((k, v) -> values.put(k, String.valueOf(v)));
        } else {
          String name = at(source, "secretRef", "name");
          Map<String, Object> secret = DeploymentFiles.yamlDocuments(dir.resolve("secret.example.yaml")).stream()
              .filter(s -> name.equals(at(s, "metadata", "name"))).findFirst()
              .orElseThrow(() -> new AssertionError("secret.example.yaml shows no Secret " + name));
          Map<String, Object> data = at(secret, "stringData");
          data.forEach((k, v) -> values.put(k, String.valueOf(v)));
        }
      }
      List<Map<String, Object>> env = at(container, "env");
      for (Map<String, Object> e : env) {
        String field = at(e, "valueFrom", "fieldRef", "fieldPath");
        values.put((String) e.get("name"), field == null ? String.valueOf(e.get("value"))
            : switch (field) {
              case "status.podIP" -> "10.244.1.5";
              case "metadata.name" -> "troupe-" + service.shortName() + "-abc12";
              default -> throw new AssertionError("unexpected fieldRef " + field);
            });
      }
      return Settings.of(values);
    }
  }

  @Nested
  @DisplayName("Grafana")
  class Grafana {

    @Test
    @DisplayName("the dashboard charts every troupe_* meter the code registers, from the provisioned data source")
    void dashboard() throws IOException {
      JsonObject dashboard = new JsonObject(DeploymentFiles.read(ROOT.resolve("deploy/grafana/dashboards/troupe.json")));
      Map<String, Object> datasources = DeploymentFiles.yaml(ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
      List<Map<String, Object>> list = at(datasources, "datasources");
      String uid = (String) list.get(0).get("uid");

      StringBuilder expressions = new StringBuilder();
      JsonArray panels = dashboard.getJsonArray("panels");
      for (int i = 0; i < panels.size(); i++) {
        JsonObject panel = panels.getJsonObject(i);
        if ("row".equals(panel.getString("type"))) {
          continue;
        }
        assertThat(panel.getJsonObject("datasource").getString("uid")).as(panel.getString("title")).isEqualTo(uid);
        JsonArray targets = panel.getJsonArray("targets");
        assertThat(targets).as(panel.getString("title")).isNotEmpty();
        targets.forEach(t -> expressions.append(((JsonObject) t).getString("expr")).append('\n'));
      }

      Set<String> uncharted = new TreeSet<>();
      for (String meter : registeredMeters()) {
        if (!Pattern.compile("\\b" + meter + "(_total|_sum|_count|_max)?\\b").matcher(expressions).find()) {
          uncharted.add(meter);
        }
      }
      assertThat(registeredMeters()).contains("troupe_inflight", "troupe_stage_seconds", "troupe_cache_hits");
      assertThat(uncharted).as("troupe_* meters in no panel of the dashboard").isEmpty();
    }

    private Set<String> registeredMeters() throws IOException {
      Pattern builder = Pattern.compile("(?:Counter|Gauge|Timer|DistributionSummary|FunctionCounter|FunctionTimer)"
          + "\\.builder\\(\\s*\"(troupe_[a-z0-9_]+)\"");
      Set<String> meters = new TreeSet<>();
      try (Stream<Path> files = Files.walk(ROOT)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/")
            && !p.toString().contains("/bench/")).toList()) {
          Matcher m = builder.matcher(Files.readString(file));
          while (m.find()) {
            meters.add(m.group(1));
          }
        }
      }
      return meters;
    }
  }

  /** The ENTRYPOINT's exec form, as its argument list. */
  static List<String> entrypoint(Dockerfile file) {
    assertThat(file.runtime("ENTRYPOINT")).as("ENTRYPOINT").hasSize(1);
    JsonArray array = new JsonArray(file.runtime("ENTRYPOINT").get(0).arguments());
    List<String> args = new ArrayList<>();
    array.forEach(a -> args.add((String) a));
    return args;
  }

  /** {@code --add-opens X=ALL-UNNAMED} / {@code --add-exports X=ALL-UNNAMED} of a command line, as {@code opens X}. */
  private static List<String> jvmModuleFlags(List<String> command) {
    List<String> flags = new ArrayList<>();
    for (int i = 0; i + 1 < command.size(); i++) {
      String flag = command.get(i);
      if (flag.equals("--add-opens") || flag.equals("--add-exports")) {
        String value = command.get(i + 1);
        assertThat(value).endsWith("=ALL-UNNAMED");
        flags.add(flag.substring("--add-".length()) + " " + value.substring(0, value.indexOf('=')));
      }
    }
    return flags;
  }

  /** The Add-Opens / Add-Exports the launcher's shaded jar manifest carries (launcher/pom.xml). */
  private static List<String> manifestModuleFlags() {
    String pom = DeploymentFiles.read(ROOT.resolve("launcher/pom.xml"));
    List<String> flags = new ArrayList<>();
    for (String entry : List.of("Add-Opens", "Add-Exports")) {
      Matcher m = Pattern.compile("<" + entry + ">([^<]+)</" + entry + ">").matcher(pom);
      assertThat(m.find()).as(entry + " in launcher/pom.xml").isTrue();
      String kind = entry.equals("Add-Opens") ? "opens" : "exports";
      for (String module : m.group(1).trim().split("\\s+")) {
        flags.add(kind + " " + module);
      }
    }
    return flags;
  }

  /** A cluster config as ClusterBootstrap hands it to Hazelcast: {@code auto} resolved to an address. */
  private static ClusterConfig resolved(ClusterConfig c) {
    return new ClusterConfig(c.name(), "172.18.0.5", c.port(), c.members(), c.eventBusPort(), c.heartbeatSeconds(),
        c.failureTimeoutSeconds(), c.portAutoIncrement(), c.quorum(), c.kubernetes());
  }
}
