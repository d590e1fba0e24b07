package dev.troupe.cache;

import dev.troupe.shared.config.Settings;

/**
 * cache-service settings.
 *
 * @param mapName the Hazelcast map holding cached documents ({@code TROUPE_CACHE_MAP}, default {@code troupe-docs})
 * @param ttlSeconds how long a cached document lives ({@code TROUPE_CACHE_TTL_SECONDS}, default 300; 0 = forever)
 * @param negativeTtlSeconds how long a cached absence (404) lives ({@code TROUPE_CACHE_NEGATIVE_TTL_SECONDS}, default 10,
 *     at least 2: Hazelcast keeps expiry times in whole seconds, so a TTL of N lasts between N-1 and N seconds)
 * @param maxEntriesPerNode entries kept per node before LRU eviction ({@code TROUPE_CACHE_MAX_ENTRIES}, default 100000)
 * @param backups synchronous backup copies of each entry ({@code TROUPE_CACHE_BACKUPS}, default 1)
 * @param maxInFlight requests cache-service works on at once per node; more are refused at once
 *     (request-service then reads the database) ({@code TROUPE_CACHE_MAX_IN_FLIGHT}, default 2048)
 */
public record CacheConfig(String mapName, int ttlSeconds, int negativeTtlSeconds, int maxEntriesPerNode,
    int backups, int maxInFlight) {

  public static CacheConfig from(Settings s) {
    return new CacheConfig(
        s.string("TROUPE_CACHE_MAP", "troupe-docs"),
        s.integer("TROUPE_CACHE_TTL_SECONDS", 300, 0, Integer.MAX_VALUE),
        s.integer("TROUPE_CACHE_NEGATIVE_TTL_SECONDS", 10, 2, Integer.MAX_VALUE),
        s.integer("TROUPE_CACHE_MAX_ENTRIES", 100_000, 1, Integer.MAX_VALUE),
        s.integer("TROUPE_CACHE_BACKUPS", 1, 0, 6),
        s.integer("TROUPE_CACHE_MAX_IN_FLIGHT", 2048, 1, 1_000_000));
  }
}
