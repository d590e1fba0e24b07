package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js for the tests of the Node client ({@code clients/node}, {@code examples/node-client}):
 * skips when {@code node} is not installed, and fails instead under {@code CI=true}.
 */
final class NodeJs {
  static final Path PACKAGE = Path.of("..", "clients", "node");
  private static final long NPM_CI_SECONDS = 120;

  private NodeJs() {}

  /** Skips the test class without {@code node}, or fails it under {@code CI=true}. */
  static void require() {
    String reason = missing();
    if (reason != null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true and " + reason);
      }
      Assumptions.abort(reason);
    }
  }

  private static String missing() {
    try {
      Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!version.waitFor(30, TimeUnit.SECONDS) || version.exitValue() != 0) {
        return "'node --version' did not succeed";
      }
      return null;
    } catch (IOException e) {
      return "node is not installed (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Runs {@code npm ci} in {@code dir} when it has no {@code node_modules}: offline and without dev
   * dependencies, so it only links what the lock file names from this repository (the example
   * depends on {@code file:../../clients/node}, which has no runtime dependencies).
   */
  static void installIfMissing(Path dir) throws IOException, InterruptedException {
    assertThat(dir.resolve("package-lock.json")).exists();
    if (Files.isDirectory(dir.resolve("node_modules"))) {
      return;
    }
    Path log = log("npm-ci-" + dir.getFileName());
    Process npm =
        new ProcessBuilder("npm", "ci", "--omit=dev", "--offline", "--no-audit", "--no-fund")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!npm.waitFor(NPM_CI_SECONDS, TimeUnit.SECONDS)) {
      npm.destroyForcibly();
      fail("npm ci in " + dir + " took more than " + NPM_CI_SECONDS + " s; " + tail(log));
    }
    assertThat(npm.exitValue()).as("exit status of npm ci in " + dir + "; " + tail(log)).isZero();
  }

  /**
   * A file under {@code target/} for a process's output: written there, not to the test JVM's own
   * streams (which surefire reads as its channel).
   */
  static Path log(String name) throws IOException {
    Path dir = Path.of("target", "node-logs");
    Files.createDirectories(dir);
    return dir.resolve(name + ".log");
  }

  /** The last lines of {@code log}, to show in a failure. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return log
          + " ends with:\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return log + " cannot be read: " + e.getMessage();
    }
  }

  /** Adds each line {@code process} prints on stdout, parsed as JSON, to {@code lines}. */
  static Thread readLines(Process process, BlockingQueue<JsonObject> lines) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  lines.add(parse(line));
                }
              } catch (IOException e) {
                // The process ended; the test sees the missing lines.
              }
            },
            "node-stdout");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private static JsonObject parse(String line) {
    try {
      return new JsonObject(line);
    } catch (DecodeException e) {
      return new JsonObject().put("unparsed", line);
    }
  }

  /** Ends {@code process} (if it still runs), forcibly after ten seconds. */
  static void stop(Process process) throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
