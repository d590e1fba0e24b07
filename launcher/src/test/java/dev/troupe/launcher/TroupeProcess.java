package dev.troupe.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar troupe.jar up} as a real child process, on loopback, with its own cluster name.
 */
final class TroupeProcess implements AutoCloseable {
  private static final Pattern READY =
      Pattern.compile("Troupe ready in \\d+ ms: .* HTTP on port (\\d+)");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> httpPort = new CompletableFuture<>();
  private final Thread reader;

  private TroupeProcess(Process process) {
    this.process = process;
    reader = new Thread(this::pump, "troupe-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  static TroupeProcess start(Path dataDir) throws IOException {
    Path jar = Path.of(System.getProperty("troupe.jar", "target/troupe.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run mvn package (or verify) first");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4",
                "-Xmx512m"));
    command.addAll(CoverageAgent.jvmArgs());
    command.addAll(List.of("-jar", jar.toString(), "up"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("TROUPE_"));
    env.put("TROUPE_DATA_DIR", dataDir.toString());
    env.put("TROUPE_HTTP_PORT", "0");
    env.put("TROUPE_CLUSTER_NAME", "process-test-" + UUID.randomUUID());
    int clusterPort = freePort();
    env.put("TROUPE_CLUSTER_PORT", String.valueOf(clusterPort));
    env.put("TROUPE_CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort);
    env.put("TROUPE_CLUSTER_PORT_AUTO_INCREMENT", "true");
    return new TroupeProcess(builder.start());
  }

  /** Waits for the one "ready" log line and returns the HTTP port it names. */
  int awaitReady(long timeoutSeconds) throws Exception {
    try {
      return httpPort.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Troupe did not get ready; its output:\n" + output(), e);
    }
  }

  /** Sends SIGTERM and waits for the process to exit; returns the exit code. */
  int terminate(long timeoutSeconds) throws InterruptedException {
    // Process.destroy() would also close our end of its output; the handle only sends SIGTERM.
    process.toHandle().destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "Troupe did not stop within " + timeoutSeconds + " s of SIGTERM:\n" + output());
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed by Troupe. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  String output() {
    return String.join("\n", lines);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor();
    }
  }

  private void pump() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(line);
        Matcher m = READY.matcher(line);
        if (m.find()) {
          httpPort.complete(Integer.parseInt(m.group(1)));
        }
      }
    } catch (IOException e) {
      lines.add("[output closed: " + e + "]");
    } finally {
      httpPort.completeExceptionally(
          new IllegalStateException("the process ended before it was ready"));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
