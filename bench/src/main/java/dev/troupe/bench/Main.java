package dev.troupe.bench;

import io.vertx.core.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code java -jar troupe-bench.jar COMMAND [--flag value ...]}: the load generator, the two
 * baseline servers and the report writer of the benchmarks. Machine-readable lines ({@code READY
 * ...}, {@code RESULT ...}, the report summary) go to stdout; logs go to stderr.
 *
 * <p>Exit status: 0 done, 1 failed (unreachable server, failed preload, ...), 2 bad command line.
 */
public final class Main {
  static final String USAGE =
      "usage: java -jar troupe-bench.jar COMMAND [options]\n\n"
          + LoadOptions.USAGE
          + "\n  scenarios:\n"
          + Scenario.help()
          + "\n\n"
          + BareServer.USAGE
          + "\n\n"
          + OneHop.USAGE
          + "\n\n"
          + ImportRun.USAGE
          + "\n\n"
          + MgetVersusGets.USAGE
          + "\n\n"
          + ChatDeliveryOptions.USAGE
          + "\n\n"
          + Report.USAGE
          + "\n";

  private Main() {}

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("troupe-bench: " + e.getMessage());
      System.err.println(USAGE);
      status = 2;
    } catch (Exception e) {
      System.err.println(
          "troupe-bench: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      status = 1;
    }
    System.exit(status);
  }

  static int run(String[] args) throws Exception {
    if (args.length == 0
        || args[0].equals("--help")
        || args[0].equals("-h")
        || args[0].equals("help")) {
      System.out.println(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    Args options = Args.parse(args, 1);
    return switch (args[0]) {
      case "load" -> LoadRun.main(options);
      case "bare-server" -> BareServer.main(options);
      case "one-hop" -> OneHop.main(options);
      case "import" -> ImportRun.main(options);
      case MgetVersusGets.SCENARIO -> MgetVersusGets.main(options);
      case "chat-delivery" -> ChatDeliveryRun.main(options);
      case "report" -> Report.main(options);
      default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
    };
  }

  /**
   * Prints the ready line, then blocks until SIGTERM or Ctrl-C, when {@code close} runs (bounded to
   * 30 s) before the JVM exits.
   */
  static void serveUntilStopped(Supplier<Future<?>> close, String readyLine) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    LoadRun.await(close.get(), 30_000);
                  } catch (Exception e) {
                    System.err.println("troupe-bench: did not stop cleanly: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "bench-shutdown"));
    System.out.println(readyLine);
    System.out.flush();
    boolean interrupted = false;
    while (true) {
      try {
        stopped.await(1, TimeUnit.DAYS);
        if (stopped.getCount() == 0) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
