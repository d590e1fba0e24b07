package dev.troupe.shared.metrics;

import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The named stages of a request: {@code validate} and {@code authorize} at the gateway, {@code
 * cache}, {@code db} and {@code fill} in request-service, {@code publish} in db-service. Each
 * stage's latency is {@code troupe_stage_seconds{stage}}, its failures {@code
 * troupe_stage_failures_total{stage}}; the latency is a histogram ({@link LatencyHistograms}), so
 * Prometheus computes its percentiles across nodes. A failure leaves its stage named ({@link
 * TroupeException#stage()}, carried across the bus by {@link dev.troupe.shared.bus.BusFault}); the
 * gateway turns it into the {@code stage} member of the problem.
 */
public final class Stages {
  public static final String VALIDATE = "validate";
  public static final String AUTHORIZE = "authorize";
  public static final String CACHE = "cache";
  public static final String DB = "db";
  public static final String FILL = "fill";
  public static final String PUBLISH = "publish";
  public static final List<String> ALL = List.of(VALIDATE, AUTHORIZE, CACHE, DB, FILL, PUBLISH);

  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public Stages(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Runs {@code work} as {@code stage}: timed, and a failure named after the stage. */
  public <T> Future<T> run(String stage, Supplier<Future<T>> work) {
    long start = System.nanoTime();
    Future<T> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.transform(
        ar -> {
          timer(stage).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
          if (ar.succeeded()) {
            return Future.succeededFuture(ar.result());
          }
          failures(stage).increment();
          return Future.failedFuture(named(stage, ar.cause()));
        });
  }

  /** Records a stage that did not go through {@link #run}, such as a synchronous check. */
  public void record(String stage, long nanos, boolean failed) {
    timer(stage).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    if (failed) {
      failures(stage).increment();
    }
  }

  /** {@code failure} named after {@code stage}, unless an earlier stage named it. */
  public static TroupeException named(String stage, Throwable failure) {
    if (Failures.stage(failure) != null) {
      return Failures.normalise(failure);
    }
    return new TroupeException(Failures.code(failure), stage, Failures.message(failure), failure);
  }

  private Timer timer(String stage) {
    return timers.computeIfAbsent(
        stage,
        s ->
            LatencyHistograms.buckets(
                    Timer.builder("troupe_stage_seconds")
                        .description("time spent in one stage of a request")
                        .tag("stage", s))
                .register(registry));
  }

  private Counter failures(String stage) {
    return failures.computeIfAbsent(
        stage,
        s ->
            Counter.builder("troupe_stage_failures")
                .description("requests that failed in this stage")
                .tag("stage", s)
                .register(registry));
  }
}
