package dev.troupe.request;

import dev.troupe.shared.bus.RetryConfig;
import dev.troupe.shared.config.Settings;

/**
 * request-service settings.
 *
 * @param dbTimeoutMs deadline of each call to db-service ({@code TROUPE_DB_TIMEOUT_MS}, default 8000; above the database's own statement timeout)
 * @param cacheTimeoutMs deadline of each call to cache-service; past it the read goes to the database
 *     ({@code TROUPE_CACHE_TIMEOUT_MS}, default 500)
 * @param instances verticle instances, spread over the event loops; concurrent misses of one key are
 *     coalesced per instance ({@code TROUPE_REQUEST_INSTANCES}, default 1)
 * @param batchSize ids per sub-batch of a getMany ({@code _mget}); the sub-batches are read in parallel
 *     ({@code TROUPE_BATCH_SIZE}, default 100)
 * @param batchDeadlineMs a getMany joins its sub-batches within this time; a sub-batch still out then has
 *     failed ({@code TROUPE_BATCH_DEADLINE_MS}, default 5000)
 * @param maxInFlight requests request-service works on at once per node; more are refused at once with
 *     503 and Retry-After ({@code TROUPE_REQUEST_MAX_IN_FLIGHT}, default 1024)
 * @param breakerFailures faults in a row after which the circuit to a downstream service opens
 *     ({@code TROUPE_BREAKER_FAILURES}, default 5)
 * @param breakerResetMs how long an open circuit refuses calls before it lets a trial call through
 *     ({@code TROUPE_BREAKER_RESET_MS}, default 5000)
 * @param retry retries of idempotent calls to db- and cache-service ({@code TROUPE_RETRY_*})
 */
public record RequestConfig(long dbTimeoutMs, long cacheTimeoutMs, int instances, int batchSize,
    long batchDeadlineMs, int maxInFlight, int breakerFailures, long breakerResetMs, RetryConfig retry) {
  public static RequestConfig from(Settings s) {
    return new RequestConfig(
        s.longValue("TROUPE_DB_TIMEOUT_MS", 8_000, 1, 600_000),
        s.longValue("TROUPE_CACHE_TIMEOUT_MS", 500, 1, 600_000),
        s.integer("TROUPE_REQUEST_INSTANCES", 1, 1, 256),
        s.integer("TROUPE_BATCH_SIZE", 100, 1, 1000),
        s.longValue("TROUPE_BATCH_DEADLINE_MS", 5_000, 1, 600_000),
        s.integer("TROUPE_REQUEST_MAX_IN_FLIGHT", 1024, 1, 1_000_000),
        s.integer("TROUPE_BREAKER_FAILURES", 5, 1, 1_000_000),
        s.longValue("TROUPE_BREAKER_RESET_MS", 5_000, 1, 3_600_000),
        RetryConfig.from(s));
  }
}
