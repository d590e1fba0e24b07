package dev.troupe.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Troupe node as a real child process: {@code java -jar troupe.jar node --services ...} with
 * its own ports, restartable on the same ports. Every line it prints goes to a log file of its own
 * (one per start) for diagnosis; the ready line completes {@link #ready()}. Every process still
 * alive when the test JVM ends is killed by a shutdown hook, so a failed or aborted test leaves no
 * JVM.
 */
final class NodeProcess {
  private static final String READY_LINE = "Troupe ready in ";
  private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> ALIVE.forEach(Process::destroyForcibly), "node-process-reaper"));
  }

  private final String name;
  private final String services;
  private final Map<String, String> env;
  private final int httpPort;
  private final Path logDir;
  private final List<String> jvmArgs;
  private int starts;
  private Process process;
  private CompletableFuture<Void> ready;
  private Path log;

  /**
   * @param env the node's {@code TROUPE_*} settings, including its ports
   * @param httpPort the port serving its {@code /health/ready} (gateway or health server)
   * @param jvmArgs extra JVM options, such as Hazelcast system properties
   */
  NodeProcess(
      String name,
      String services,
      Map<String, String> env,
      int httpPort,
      Path logDir,
      String... jvmArgs) {
    this.jvmArgs = List.of(jvmArgs);
    this.name = name;
    this.services = services;
    this.env = Map.copyOf(env);
    this.httpPort = httpPort;
    this.logDir = logDir;
  }

  /** A port nobody listens on right now, on loopback. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  String name() {
    return name;
  }

  int httpPort() {
    return httpPort;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  /** Starts (or starts again) the process; {@link #ready()} completes on its ready line. */
  synchronized void start(Path jar) throws IOException {
    if (alive()) {
      throw new IllegalStateException(name + " is running");
    }
    starts++;
    log = logDir.resolve(name + "-" + starts + ".log");
    Files.createDirectories(logDir);
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4"));
    command.addAll(jvmArgs);
    command.addAll(CoverageAgent.jvmArgs());
    command.addAll(List.of("-jar", jar.toString(), "node", "--services", services));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("TROUPE_"));
    builder.environment().putAll(env);
    ready = new CompletableFuture<>();
    process = builder.start();
    ALIVE.add(process);
    Process started = process;
    CompletableFuture<Void> readyLine = ready;
    Path file = log;
    Thread pump = new Thread(() -> pump(started, file, readyLine), name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Completes when the process logs that it serves; fails when it ends first. */
  synchronized CompletableFuture<Void> ready() {
    return ready;
  }

  /** SIGKILL: no shutdown hook runs; the cluster learns of it only by missing heartbeats. */
  void kill() throws InterruptedException {
    Process p = process;
    p.destroyForcibly().waitFor();
    ALIVE.remove(p);
  }

  /** SIGTERM and wait for the exit; the shutdown hook drains and leaves. Returns the exit code. */
  int terminate(long timeoutSeconds) throws InterruptedException {
    Process p = process;
    // The handle sends SIGTERM without closing our end of the process's output.
    p.toHandle().destroy();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      ALIVE.remove(p);
      throw new AssertionError(
          name + " did not stop within " + timeoutSeconds + " s of SIGTERM; see " + log);
    }
    ALIVE.remove(p);
    return p.exitValue();
  }

  /** Kills the process if it still runs; for finally blocks. */
  void destroy() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (p != null) {
      ALIVE.remove(p);
    }
  }

  Path log() {
    return log;
  }

  private void pump(Process p, Path file, CompletableFuture<Void> readyLine) {
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out =
            Files.newBufferedWriter(
                file,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line);
        out.newLine();
        out.flush();
        if (line.contains(READY_LINE)) {
          readyLine.complete(null);
        }
      }
    } catch (IOException e) {
      readyLine.completeExceptionally(e);
    } finally {
      readyLine.completeExceptionally(
          new IllegalStateException(name + " ended before it was ready; see " + file));
    }
  }
}
