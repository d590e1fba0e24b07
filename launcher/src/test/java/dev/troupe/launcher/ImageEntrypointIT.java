package dev.troupe.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.launcher.DeploymentFiles.Dockerfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What each image copies from its build stage exists after {@code mvn package} and is the runnable
 * launcher: the build stage runs the same Maven build in the repository's layout, so the path it
 * copies from maps onto this checkout.
 */
@DisplayName("the jar each image runs")
class ImageEntrypointIT {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Service.class)
  @DisplayName("exists after package at the path the Dockerfile copies, and starts as the launcher")
  void jarExistsAndRuns(Service service) throws Exception {
    Dockerfile file = Dockerfile.read(DeploymentFiles.dockerfile(service));
    Path jar = DeploymentFiles.ROOT.resolve(copiedFromBuild(file));

    assertThat(jar).as("the jar " + file.path() + " copies").isRegularFile();
    assertThat(jar.toAbsolutePath().normalize())
        .isEqualTo(Path.of(System.getProperty("troupe.jar")).toAbsolutePath().normalize());
    try (JarFile archive = new JarFile(jar.toFile())) {
      Attributes manifest = archive.getManifest().getMainAttributes();
      assertThat(manifest.getValue("Main-Class")).isEqualTo(Main.class.getName());
      assertThat(manifest.getValue("Add-Opens")).isNotBlank();
    }

    Process help =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--help")
            .redirectErrorStream(true)
            .start();
    String output = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(help.waitFor(60, TimeUnit.SECONDS)).as("java -jar troupe.jar --help ends").isTrue();
    assertThat(help.exitValue()).as(output).isZero();
    assertThat(output).contains("troupe node --services");
  }

  /**
   * The repository path of what {@code COPY --from=build <source> <dest>} copies: the source is
   * absolute in the build stage, under its WORKDIR, where the repository was copied.
   */
  private static String copiedFromBuild(Dockerfile file) throws IOException {
    List<Dockerfile.Instruction> workdirs =
        file.all("WORKDIR").stream().filter(i -> i.stage() == 1).toList();
    assertThat(workdirs).as("WORKDIR of the build stage").hasSize(1);
    String workdir = workdirs.get(0).arguments().replaceAll("/+$", "") + "/";
    assertThat(
            file.all("COPY").stream()
                .filter(i -> i.stage() == 1)
                .map(Dockerfile.Instruction::arguments))
        .as("the build stage copies the repository into its WORKDIR")
        .contains(". .");
    String copy =
        file.runtime("COPY").stream()
            .map(Dockerfile.Instruction::arguments)
            .filter(a -> a.startsWith("--from=build "))
            .findFirst()
            .orElseThrow();
    String source = copy.split("\\s+")[1];
    assertThat(source).startsWith(workdir);
    return source.substring(workdir.length());
  }
}
