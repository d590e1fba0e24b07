package dev.troupe.request;

import dev.troupe.shared.config.Settings;

/**
 * request-service settings.
 *
 * @param dbTimeoutMs deadline of each call to db-service ({@code TROUPE_DB_TIMEOUT_MS}, default 8000; above the database's own statement timeout)
 * @param cacheTimeoutMs deadline of each call to cache-service; past it the read goes to the database
 *     ({@code TROUPE_CACHE_TIMEOUT_MS}, default 500)
 * @param instances verticle instances, spread over the event loops; concurrent misses of one key are
 *     coalesced per instance ({@code TROUPE_REQUEST_INSTANCES}, default 1)
 */
public record RequestConfig(long dbTimeoutMs, long cacheTimeoutMs, int instances) {
  public static RequestConfig from(Settings s) {
    return new RequestConfig(
        s.longValue("TROUPE_DB_TIMEOUT_MS", 8_000, 1, 600_000),
        s.longValue("TROUPE_CACHE_TIMEOUT_MS", 500, 1, 600_000),
        s.integer("TROUPE_REQUEST_INSTANCES", 1, 1, 256));
  }
}
