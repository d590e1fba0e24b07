package dev.troupe.testkit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM of the test's own class path running a main class as a child process: a service that joins
 * the cluster (a lite member, a node of its own) and that a test can kill with SIGKILL, as a crash
 * would. Every line it prints goes to a log file; {@link #line} waits for one. Every process still
 * alive when the test JVM ends is killed by a shutdown hook, so a failed test leaves no JVM behind.
 *
 * <pre>{@code
 * JvmProcess worker = JvmProcess.start("worker", Main.class.getName(), env, logDir);
 * worker.line(l -> l.contains("READY"))          // Future<String>
 *     .compose(ready -> ...);
 * worker.send("put books dune {}");              // a line on its stdin
 * worker.kill();                                 // SIGKILL
 * }</pre>
 */
public final class JvmProcess {
  /** The JVM flags Hazelcast needs on Java 17 (docs/operations.md, "JVM flags"). */
  public static final List<String> HAZELCAST_FLAGS =
      List.of(
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.nio=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private static final Set<Process> ALIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> ALIVE.forEach(Process::destroyForcibly), "jvm-process-reaper"));
  }

  private record Waiter(Predicate<String> test, Promise<String> promise) {}

  private final String name;
  private final Process process;
  private final Writer input;
  private final Path log;
  private final List<String> lines = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private boolean ended;

  private JvmProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.input = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.log = log;
    ALIVE.add(process);
    Thread pump = new Thread(this::pump, name + "-output");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts {@code mainClass} with {@code args} in a JVM of this one's class path, Hazelcast's flags
   * and {@code env} added to this process's environment (without its {@code TROUPE_*} variables).
   * Its output goes to {@code logDir/<name>.log}.
   */
  public static JvmProcess start(
      String name, String mainClass, Map<String, String> env, Path logDir, String... args)
      throws IOException {
    return start(name, List.of(), mainClass, env, logDir, args);
  }

  /**
   * As {@link #start(String, String, Map, Path, String...)}, with {@code jvmOptions} (a {@code
   * -javaagent:...} for coverage, a system property) before the main class.
   */
  public static JvmProcess start(
      String name,
      List<String> jvmOptions,
      String mainClass,
      Map<String, String> env,
      Path logDir,
      String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dhazelcast.phone.home.enabled=false",
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4"));
    command.addAll(HAZELCAST_FLAGS);
    command.addAll(jvmOptions);
    // Surefire's class path is a manifest jar naming every entry: the child sees the same classes.
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("TROUPE_"));
    builder.environment().putAll(env);
    Files.createDirectories(logDir);
    return new JvmProcess(name, builder.start(), logDir.resolve(name + ".log"));
  }

  public String name() {
    return name;
  }

  /** The file its output goes to. */
  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /**
   * The first line, printed already or to come, that {@code test} accepts; fails when the process
   * ends first.
   */
  public synchronized Future<String> line(Predicate<String> test) {
    for (String line : lines) {
      if (test.test(line)) {
        return Future.succeededFuture(line);
      }
    }
    if (ended) {
      return Future.failedFuture(name + " ended without printing the line; see " + log);
    }
    Promise<String> promise = Promise.promise();
    waiters.add(new Waiter(test, promise));
    return promise.future();
  }

  /** Every line it printed so far. */
  public synchronized List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * Writes {@code line} and a newline to its standard input, for a process that reads commands.
   *
   * @throws UncheckedIOException when the process no longer reads its input (it ended)
   */
  public void send(String line) {
    // Its own lock: a full pipe blocks the writer, never the output pump's waiters.
    synchronized (input) {
      try {
        input.write(line + "\n");
        input.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(name + " does not read its input; see " + log, e);
      }
    }
  }

  /** SIGKILL, and waits for the process to end: no shutdown hook of it runs. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
    ALIVE.remove(process);
  }

  /** Kills the process if it still runs; for finally blocks and after-all hooks. */
  public void destroy() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ALIVE.remove(process);
  }

  private void pump() {
    try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line + "\n");
        out.flush();
        arrived(line);
      }
    } catch (IOException e) {
      // The process ended, or its log cannot be written: the waiters fail below.
    }
    List<Waiter> left;
    synchronized (this) {
      ended = true;
      left = new ArrayList<>(waiters);
      waiters.clear();
    }
    left.forEach(w -> w.promise().tryFail(name + " ended first; see " + log));
  }

  /** Completes the waiters {@code line} satisfies, outside the lock: they may wait again. */
  private void arrived(String line) {
    List<Waiter> satisfied = new ArrayList<>();
    synchronized (this) {
      lines.add(line);
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter waiter = it.next();
        if (waiter.test().test(line)) {
          it.remove();
          satisfied.add(waiter);
        }
      }
    }
    satisfied.forEach(waiter -> waiter.promise().tryComplete(line));
  }
}
