package dev.troupe.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code load} run: its own Vert.x with a few event loops, a probe, the preload the scenario
 * needs, then warm-up and the measured window (closed or open loop), then the drain.
 */
final class LoadRun {
  private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

  /** Time given to the workers to receive their start before the schedule begins. */
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final LoadOptions options;

  LoadRun(LoadOptions options) {
    this.options = options;
  }

  LoadResult run() throws Exception {
    Vertx vertx =
        Vertx.builder()
            .with(
                new VertxOptions().setEventLoopPoolSize(options.eventLoops()).setWorkerPoolSize(1))
            .build();
    try {
      return run(vertx);
    } finally {
      await(vertx.close(), 10_000);
    }
  }

  private LoadResult run(Vertx vertx) throws Exception {
    UniqueIds ids = RequestSource.idsFor(options);
    List<LoadWorker> workers = Collections.synchronizedList(new ArrayList<>());
    int n = options.eventLoops();
    AtomicLong instance = new AtomicLong();
    // one instance per event loop; Vert.x gives the instances of a deployment distinct event loops
    await(
        vertx.deployVerticle(
            () -> {
              int i = (int) instance.getAndIncrement();
              LoadWorker worker =
                  new LoadWorker(
                      options,
                      new RequestSource(options, ids, options.seed() + 7919L * i),
                      share(options.connections(), n, i));
              workers.add(worker);
              return worker;
            },
            new DeploymentOptions().setInstances(n)),
        10_000);

    try {
      await(workers.get(0).probe(), options.timeoutMs() + 1000);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot reach http://"
              + options.host()
              + ":"
              + options.port()
              + ": "
              + e.getCause().getMessage());
    }
    long preloaded = preload(workers, ids);
    if (preloaded > 0 && options.settleNanos() > 0) {
      LOG.info("settling for {} before the clock starts", seconds(options.settleNanos()));
      TimeUnit.NANOSECONDS.sleep(options.settleNanos());
    }

    long opening = System.nanoTime();
    List<Future<Integer>> opened = new ArrayList<>();
    for (LoadWorker w : workers) {
      opened.add(w.openConnections());
    }
    await(Future.all(opened), options.timeoutMs() + 5_000);
    LOG.info(
        "opened {} connections in {} ms",
        options.connections(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opening));

    String startedAt = Instant.now().toString();
    long start = System.nanoTime() + START_DELAY_NANOS;
    long measureFrom = start + options.warmupNanos();
    long endAt = measureFrom + options.durationNanos();
    LOG.info(
        "{} {} loop against {}:{}: {} warm-up, then {} measured",
        options.scenario().cliName,
        options.mode(),
        options.host(),
        options.port(),
        seconds(options.warmupNanos()),
        seconds(options.durationNanos()));

    List<Future<Void>> finished = new ArrayList<>();
    if (options.open()) {
      for (LoadWorker w : workers) {
        finished.add(w.startOpen(measureFrom, endAt));
      }
      Thread pacer = new Thread(new Pacer(workers, options.rate(), start, endAt), "bench-pacer");
      pacer.setDaemon(true);
      pacer.start();
    } else {
      for (LoadWorker w : workers) {
        finished.add(w.startClosed(w.connections(), start, measureFrom, endAt));
      }
    }
    // past the window, give what is in flight one request timeout (and a second) to finish
    long drainDeadline = endAt + TimeUnit.MILLISECONDS.toNanos(options.timeoutMs() + 1000);
    try {
      await(
          Future.all(finished),
          Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainDeadline - System.nanoTime())));
    } catch (TimeoutException e) {
      LOG.warn(
          "requests still unanswered {} ms after the end of the window; counting them as unfinished",
          options.timeoutMs() + 1000);
    }

    Stats total = new Stats();
    for (LoadWorker w : workers) {
      total.add(await(w.snapshot(), 5_000));
    }
    double durationSec = measuredSeconds(total, measureFrom, endAt);
    if (total.idsExhausted) {
      LOG.warn(
          "the scenario ran out of ids after {} of {} (--preload / --id-count); the window was cut short at {} s",
          ids.used(),
          ids.count(),
          durationSec);
    }
    return LoadResult.of(options, total, durationSec, preloaded, startedAt);
  }

  /**
   * The measured window: normally its planned length. An open-loop server that fell behind finishes
   * later, and that longer time is what its throughput is divided by; a run that ran out of unique
   * ids stopped at its last answer.
   */
  private double measuredSeconds(Stats total, long measureFrom, long endAt) {
    long window = endAt - measureFrom;
    long last = total.lastCompletionNanos - measureFrom;
    long nanos;
    if (total.idsExhausted) {
      nanos = Math.max(0, Math.min(window, last));
    } else if (options.open()) {
      nanos = Math.max(window, last);
    } else {
      nanos = window;
    }
    return nanos / 1e9;
  }

  private long preload(List<LoadWorker> workers, UniqueIds ids) throws Exception {
    List<RequestSource.Req> docs = new ArrayList<>();
    if (options.scenario().needsKeys()) {
      for (int i = 0; i < options.keys(); i++) {
        docs.add(putDoc(LoadOptions.keyId(i)));
      }
    } else if (options.scenario() == Scenario.MISS) {
      LongStream.range(0, options.preload()).forEach(i -> docs.add(putDoc(ids.id(i))));
    }
    if (!docs.isEmpty()) {
      LOG.info("preloading {} docs into collection '{}'", docs.size(), options.collection());
      return preload(workers, docs);
    }
    long sent = 0;
    for (List<RequestSource.Req> phase : RequestSource.chatPreload(options)) {
      LOG.info(
          "preparing {} chat rooms: {} {} requests",
          options.rooms(),
          phase.size(),
          phase.get(0).method());
      sent += preload(workers, phase);
    }
    return sent;
  }

  private RequestSource.Req putDoc(String id) {
    return new RequestSource.Req(HttpMethod.PUT, options.docPath(id), RequestSource.PUT_BODY);
  }

  /**
   * Sends {@code requests}, spread over the workers, and waits for every answer; fails on the first
   * non-2xx.
   */
  private long preload(List<LoadWorker> workers, List<RequestSource.Req> requests)
      throws Exception {
    if (requests.isEmpty()) {
      return 0;
    }
    long began = System.nanoTime();
    AtomicLong progress = new AtomicLong();
    List<Future<Long>> parts = new ArrayList<>();
    int n = workers.size();
    for (int w = 0; w < n; w++) {
      int from = (int) ((long) requests.size() * w / n);
      int to = (int) ((long) requests.size() * (w + 1) / n);
      parts.add(workers.get(w).preload(requests.subList(from, to), progress));
    }
    Future<?> all = Future.all(parts);
    while (true) {
      try {
        await(all, 5_000);
        break;
      } catch (TimeoutException e) {
        LOG.info("preloaded {} of {}", progress.get(), requests.size());
      } catch (ExecutionException e) {
        throw new IllegalStateException("preload failed: " + e.getCause().getMessage());
      }
    }
    LOG.info(
        "preloaded {} in {} ms",
        requests.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    return requests.size();
  }

  /** Worker {@code i}'s share of {@code total}, spread as evenly as it goes. */
  static int share(int total, int parts, int i) {
    return total / parts + (i < total % parts ? 1 : 0);
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1fs", nanos / 1e9);
  }

  /**
   * Waits for one step of the run. Called only from the command's main thread, which drives the
   * generator's own Vert.x from outside it; never from an event loop.
   */
  static <T> T await(Future<T> future, long timeoutMs)
      throws ExecutionException, TimeoutException, InterruptedException {
    return future.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Runs the load, prints the result line and writes the JSON. */
  static int main(Args args) throws Exception {
    LoadOptions options = LoadOptions.from(args);
    args.requireAllUsed();
    LoadResult result = new LoadRun(options).run();
    // stdout carries only the lines bench/run reads (RESULT ..., READY ...); logs go to stderr.
    System.out.println(result.summaryLine());
    if (options.out() != null) {
      Path parent = options.out().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(options.out(), result.toJson().encodePrettily() + "\n");
    }
    return 0;
  }
}
