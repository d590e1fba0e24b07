package dev.troupe.launcher;

import ch.qos.logback.classic.LoggerContext;
import dev.troupe.shared.config.Settings;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code troupe} command.
 *
 * <pre>
 * troupe up                                  all services on one node
 * troupe node --services gateway,request     the chosen services on one node
 *   [--config FILE]                          YAML config (same as TROUPE_CONFIG)
 * </pre>
 *
 * Stops cleanly on SIGTERM or Ctrl-C: the gateway stops taking requests, services undeploy, the
 * node leaves the cluster, the database closes.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  /**
   * How long the graceful stop (drains, undeploys, the cluster leave) may take before the process
   * exits anyway. deploy/k8s's terminationGracePeriodSeconds covers it (KubernetesManifestsTest).
   */
  static final long STOP_TIMEOUT_SECONDS = 30;

  /** Exit status when a service's supervisor gave up (EX_SOFTWARE). */
  static final int EXIT_SUPERVISOR_GAVE_UP = 70;

  private static final String USAGE =
      """
      usage: troupe up [--config FILE]
             troupe node --services gateway,request,cache,db [--config FILE]
      Configuration comes from TROUPE_* environment variables (see README.md).""";

  private Main() {}

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("troupe: " + e.getMessage());
      System.err.println(USAGE);
      status = 2;
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  private static int run(String[] args) {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      System.out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    Set<Service> services;
    switch (args[0]) {
      case "up" -> services = EnumSet.allOf(Service.class);
      case "node" -> services = null;
      default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
    }
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--services" -> {
          if (!args[0].equals("node")) {
            throw new IllegalArgumentException("--services belongs to 'troupe node'");
          }
          services = Service.parse(value);
        }
        case "--config" -> env.put(Settings.CONFIG_FILE, value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (services == null) {
      throw new IllegalArgumentException("'troupe node' needs --services");
    }
    return serve(Settings.load(env), services);
  }

  private static int serve(Settings settings, Set<Service> services) {
    long started = System.nanoTime();
    CompletableFuture<TroupeNode> node =
        TroupeNode.start(settings, services).toCompletionStage().toCompletableFuture();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node, stopped), "troupe-shutdown"));
    TroupeNode running;
    try {
      running = node.join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      LOG.error("Troupe failed to start: {}", cause.getMessage(), cause);
      return 1;
    }
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    int port = running.httpPort();
    LOG.info(
        "Troupe ready in {} ms: services [{}], cluster member {}{}",
        ms,
        Service.names(services),
        running.memberAddress(),
        port > 0 ? ", HTTP on port " + port : "");
    // A supervisor that gave up has made the node leave already; exiting non-zero (from this
    // thread,
    // never an event loop, since exit runs the shutdown hook) lets the process supervisor restart
    // it.
    running.failure().onComplete(failed -> stopped.countDown());
    awaitUninterruptibly(stopped);
    return running.failure().isComplete() ? EXIT_SUPERVISOR_GAVE_UP : 0;
  }

  private static void stop(CompletableFuture<TroupeNode> node, CountDownLatch stopped) {
    try {
      if (node.isDone() && !node.isCompletedExceptionally()) {
        TroupeNode running = node.join();
        running
            .close()
            .toCompletionStage()
            .toCompletableFuture()
            .get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info("Troupe stopped");
      }
    } catch (Exception e) {
      LOG.warn("Troupe did not stop cleanly within {} s: {}", STOP_TIMEOUT_SECONDS, e.toString());
    } finally {
      // Logging is asynchronous (it must never block an event loop): flush it before the JVM ends.
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
        logging.stop();
      }
      stopped.countDown();
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
