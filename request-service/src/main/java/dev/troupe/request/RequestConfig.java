package dev.troupe.request;

import dev.troupe.shared.bus.BreakerConfig;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.RetryConfig;
import dev.troupe.shared.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * request-service settings.
 *
 * @param dbTimeoutMs deadline of each call to db-service ({@code TROUPE_DB_TIMEOUT_MS}, default
 *     8000; above the database's own statement timeout)
 * @param cacheTimeoutMs deadline of each call to cache-service; past it the read goes to the
 *     database ({@code TROUPE_CACHE_TIMEOUT_MS}, default 500)
 * @param instances verticle instances, spread over the event loops; concurrent misses of one key
 *     are coalesced per instance ({@code TROUPE_REQUEST_INSTANCES}, default 1)
 * @param batchSize ids per sub-batch of a getMany ({@code _mget}); the sub-batches are read in
 *     parallel ({@code TROUPE_BATCH_SIZE}, default 100)
 * @param batchDeadlineMs a getMany joins its sub-batches within this time; a sub-batch still out
 *     then has failed ({@code TROUPE_BATCH_DEADLINE_MS}, default 5000)
 * @param bulkheads what request-service works on at once per node, per kind of work; more of a kind
 *     is refused at once with 503 and Retry-After, whatever the other kinds do ({@link Bulkheads})
 * @param breaker the circuit to each downstream service ({@code TROUPE_BREAKER_*})
 * @param retry retries of idempotent calls to db- and cache-service ({@code TROUPE_RETRY_*})
 */
public record RequestConfig(
    long dbTimeoutMs,
    long cacheTimeoutMs,
    int instances,
    int batchSize,
    long batchDeadlineMs,
    Bulkheads bulkheads,
    BreakerConfig breaker,
    RetryConfig retry) {
  public static RequestConfig from(Settings s) {
    return new RequestConfig(
        s.longValue("TROUPE_DB_TIMEOUT_MS", 8_000, 1, 600_000),
        s.longValue("TROUPE_CACHE_TIMEOUT_MS", 500, 1, 600_000),
        s.integer("TROUPE_REQUEST_INSTANCES", 1, 1, 256),
        s.integer("TROUPE_BATCH_SIZE", 100, 1, 1000),
        s.longValue("TROUPE_BATCH_DEADLINE_MS", 5_000, 1, 600_000),
        Bulkheads.from(s),
        BreakerConfig.from(s),
        RetryConfig.from(s));
  }

  /** A policy of calls to {@code downstream} with these settings and {@code timeoutMs}. */
  public CallPolicy calls(Vertx vertx, String downstream, long timeoutMs, MeterRegistry registry) {
    return new CallPolicy(
        vertx, downstream, new Bus(vertx, timeoutMs), breaker, retry, f -> true, registry);
  }

  /**
   * The bulkheads of request-service: separate in-flight limits per node for each kind of work, so
   * that one kind piling up (writes waiting for a slow database) never refuses another (reads the
   * cache answers).
   *
   * @param read gets on their way through the cache, plus the misses among them while they wait for
   *     the database, which are at most {@code dbRead}: at least {@code read - dbRead} slots are
   *     always there for cache hits ({@code TROUPE_REQUEST_READ_MAX_IN_FLIGHT}, default 2048)
   * @param dbRead reads that wait for the database: a get the cache could not answer (a permit
   *     taken only on the miss) and a list ({@code TROUPE_REQUEST_DB_READ_MAX_IN_FLIGHT}, default
   *     512)
   * @param write puts and deletes ({@code TROUPE_REQUEST_WRITE_MAX_IN_FLIGHT}, default 512)
   * @param batch {@code _mget} and {@code _mput} calls, each up to thousands of documents ({@code
   *     TROUPE_REQUEST_BATCH_MAX_IN_FLIGHT}, default 64)
   * @param jobs calls of the job API: create, upload, submit, status ({@code
   *     TROUPE_REQUEST_JOBS_MAX_IN_FLIGHT}, default 256)
   */
  public record Bulkheads(int read, int dbRead, int write, int batch, int jobs) {
    static Bulkheads from(Settings s) {
      return new Bulkheads(
          s.integer("TROUPE_REQUEST_READ_MAX_IN_FLIGHT", 2048, 1, 1_000_000),
          s.integer("TROUPE_REQUEST_DB_READ_MAX_IN_FLIGHT", 512, 1, 1_000_000),
          s.integer("TROUPE_REQUEST_WRITE_MAX_IN_FLIGHT", 512, 1, 1_000_000),
          s.integer("TROUPE_REQUEST_BATCH_MAX_IN_FLIGHT", 64, 1, 1_000_000),
          s.integer("TROUPE_REQUEST_JOBS_MAX_IN_FLIGHT", 256, 1, 1_000_000));
    }
  }
}
