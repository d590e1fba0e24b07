package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.HTTP_PORT;
import static dev.troupe.launcher.DeploymentFiles.JAR_IN_IMAGE;
import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.launcher.DeploymentFiles.Dockerfile;
import dev.troupe.shared.config.ClusterConfig;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each service's Dockerfile, checked against the launcher: no Docker engine runs where the tests
 * run. {@link ImageEntrypointIT} checks the jar the images copy, after {@code package}.
 */
@DisplayName("each service's Dockerfile")
class DockerfilesTest {

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
    assertThat(entrypoint.subList(jar + 2, entrypoint.size()))
        .hasSize(3)
        .startsWith("node", "--services");
    assertThat(Service.parse(entrypoint.get(entrypoint.size() - 1))).containsExactly(service);
    assertThat(file.runtime("COPY"))
        .anySatisfy(
            copy ->
                assertThat(copy.arguments())
                    .startsWith("--from=build ")
                    .endsWith(" " + JAR_IN_IMAGE));

    assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(jvmModuleFlags(entrypoint))
        .as("--add-opens / --add-exports")
        .containsExactlyInAnyOrderElementsOf(manifestModuleFlags());
    String tunables = file.env().get("JDK_JAVA_OPTIONS");
    assertThat(tunables)
        .as("JDK_JAVA_OPTIONS")
        .contains("-XX:MaxRAMPercentage=")
        .containsPattern(
            "-Djava\\.util\\.concurrent\\.ForkJoinPool\\.common\\.parallelism=([2-9]|[1-9][0-9])");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "bounds the heap to half the container's memory and what grows outside it, as ./troupe does")
  void boundsMemory(Service service) {
    Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
    List<String> flags = List.of(file.env().get("JDK_JAVA_OPTIONS").split("\\s+"));

    Matcher percent =
        Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(String.join(" ", flags));
    assertThat(percent.find()).as("MaxRAMPercentage").isTrue();
    assertThat(Double.parseDouble(percent.group(1)))
        .as("heap share of the limit")
        .isLessThanOrEqualTo(50);
    assertThat(flags)
        .as("off-heap bounds the launcher script sets too")
        .containsAll(
            launcherScriptFlags().stream()
                .filter(
                    f ->
                        f.startsWith("-XX:Max")
                            || f.startsWith("-XX:Reserved")
                            || f.startsWith("-Djdk.nio."))
                .toList());
    assertThat(file.env()).containsEntry("MALLOC_ARENA_MAX", "2");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "serves HTTP on the port its health check probes, on all interfaces, in its container's cluster address")
  void healthCheck(Service service) {
    Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
    Map<String, String> env = file.env();

    String portKey = service == Service.GATEWAY ? "TROUPE_HTTP_PORT" : "TROUPE_HEALTH_PORT";
    assertThat(env)
        .containsEntry(portKey, String.valueOf(HTTP_PORT))
        .containsEntry("TROUPE_HTTP_HOST", "0.0.0.0")
        .containsEntry("TROUPE_CLUSTER_HOST", ClusterConfig.AUTO_HOST);
    if (service != Service.GATEWAY) {
      assertThat(env)
          .as("a gateway node serves health on its API port")
          .doesNotContainKey("TROUPE_HTTP_PORT");
    }
    assertThat(file.runtime("HEALTHCHECK"))
        .singleElement()
        .satisfies(
            check ->
                assertThat(check.arguments())
                    .contains("http://127.0.0.1:" + HTTP_PORT + "/health/live"));
    assertThat(file.runtime("EXPOSE"))
        .singleElement()
        .satisfies(
            expose ->
                assertThat(expose.arguments().split("\\s+"))
                    .contains(
                        String.valueOf(HTTP_PORT),
                        env.get("TROUPE_CLUSTER_PORT"),
                        env.get("TROUPE_EVENTBUS_PORT")));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName("sets only documented TROUPE_* keys")
  void keysDocumented(Service service) {
    Set<String> keys =
        DeploymentFiles.troupeKeys(
            Dockerfile.read(DeploymentFiles.dockerfile(service)).env().keySet());

    assertThat(keys).isNotEmpty();
    DeploymentFiles.assertDocumented(keys, DeploymentFiles.dockerfile(service).toString());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName(
      "has a `prebuilt` target: the same runtime image with the jar a host Maven run built, which .dockerignore lets in")
  void prebuiltTarget(Service service) {
    Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
    int prebuilt = file.stageNamed("prebuilt");

    assertThat(prebuilt).as("FROM ... AS prebuilt").isPositive().isLessThan(file.lastStage());
    for (String keyword : List.of("USER", "ENV", "HEALTHCHECK", "ENTRYPOINT", "EXPOSE")) {
      assertThat(file.image(prebuilt, keyword))
          .as(keyword + " of the prebuilt target, as in the default one")
          .isEqualTo(file.runtime(keyword));
    }
    assertThat(file.image(prebuilt, "COPY"))
        .singleElement()
        .satisfies(
            copy ->
                assertThat(copy.arguments())
                    .isEqualTo("launcher/target/troupe.jar " + JAR_IN_IMAGE));
    assertThat(file.image(prebuilt, "RUN"))
        .as("nothing of the build stage")
        .noneSatisfy(run -> assertThat(run.arguments()).contains("mvn"));
    assertThat(DeploymentFiles.read(ROOT.resolve(".dockerignore")).lines())
        .as(".dockerignore excludes target/ but lets the launcher's jar in, after that")
        .containsSubsequence("**/target", "!launcher/target/troupe.jar");
  }

  @Test
  @DisplayName("share one build stage word for word, so building all four runs Maven once")
  void sameBuildStage() {
    List<String> gateway = Dockerfile.read(DeploymentFiles.dockerfile(Service.GATEWAY)).stage(1);
    assertThat(gateway)
        .anySatisfy(i -> assertThat(i).startsWith("RUN").contains("mvn").contains("-pl launcher"));
    for (Service service : Service.values()) {
      Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
      assertThat(file.stage(1)).as(service + "'s build stage").isEqualTo(gateway);
      assertThat(file.globalArgs())
          .as(service + "'s base images")
          .isEqualTo(Dockerfile.read(DeploymentFiles.dockerfile(Service.GATEWAY)).globalArgs());
    }
  }

  /** The JVM options of {@code ./troupe}'s {@code java_opts=( ... )} array, one a line. */
  private static List<String> launcherScriptFlags() {
    String script = DeploymentFiles.read(ROOT.resolve("troupe"));
    Matcher m = Pattern.compile("(?s)\\njava_opts=\\((.*?)\\n\\)").matcher(script);
    assertThat(m.find()).as("java_opts=( ... ) in ./troupe").isTrue();
    List<String> flags = m.group(1).lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    assertThat(flags)
        .as("the launcher's bounds")
        .anyMatch(f -> f.startsWith("-XX:MaxDirectMemorySize="))
        .anyMatch(f -> f.startsWith("-XX:MaxMetaspaceSize="))
        .anyMatch(f -> f.startsWith("-Xmx"));
    return flags;
  }

  /** The ENTRYPOINT's exec form, as its argument list. */
  private static List<String> entrypoint(Dockerfile file) {
    assertThat(file.runtime("ENTRYPOINT")).as("ENTRYPOINT").hasSize(1);
    JsonArray array = new JsonArray(file.runtime("ENTRYPOINT").get(0).arguments());
    List<String> args = new ArrayList<>();
    array.forEach(a -> args.add((String) a));
    return args;
  }

  /**
   * {@code --add-opens X=ALL-UNNAMED} / {@code --add-exports X=ALL-UNNAMED} of a command line, as
   * {@code opens X}.
   */
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
}
