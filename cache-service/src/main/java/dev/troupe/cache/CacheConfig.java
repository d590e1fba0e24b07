package dev.troupe.cache;

import com.hazelcast.config.EvictionPolicy;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.DocKey;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * cache-service settings.
 *
 * @param mapName the Hazelcast map holding cached documents ({@code TROUPE_CACHE_MAP}, default
 *     {@code troupe-docs})
 * @param ttlSeconds how long a cached document lives ({@code TROUPE_CACHE_TTL_SECONDS}, default
 *     300; 0 = forever)
 * @param negativeTtlSeconds how long a cached absence (404) lives ({@code
 *     TROUPE_CACHE_NEGATIVE_TTL_SECONDS}, default 10, at least 2: Hazelcast keeps expiry times in
 *     whole seconds, so a TTL of N lasts between N-1 and N seconds)
 * @param maxEntriesPerNode entries kept per node before LRU eviction ({@code
 *     TROUPE_CACHE_MAX_ENTRIES}, default 100000)
 * @param backups synchronous backup copies of each entry ({@code TROUPE_CACHE_BACKUPS}, default 1)
 * @param maxIdleSeconds an entry not read for this long is dropped ({@code
 *     TROUPE_CACHE_MAX_IDLE_SECONDS}, default 0: never)
 * @param eviction which entries go first when a node is full: {@code LRU} or {@code LFU} ({@code
 *     TROUPE_CACHE_EVICTION}, default LRU)
 * @param collectionTtls time to live per collection, overriding {@code ttlSeconds} ({@code
 *     TROUPE_CACHE_COLLECTION_TTLS}, e.g. {@code sessions=30,catalog=3600}; default none)
 * @param maxInFlight requests cache-service works on at once per node; more are refused at once
 *     (request-service then reads the database) ({@code TROUPE_CACHE_MAX_IN_FLIGHT}, default 2048)
 */
public record CacheConfig(
    String mapName,
    int ttlSeconds,
    int negativeTtlSeconds,
    int maxEntriesPerNode,
    int backups,
    int maxIdleSeconds,
    EvictionPolicy eviction,
    Map<String, Integer> collectionTtls,
    int maxInFlight) {

  /** The time to live of a document of {@code collection}. */
  public int ttlFor(String collection) {
    return collectionTtls.getOrDefault(collection, ttlSeconds);
  }

  private static EvictionPolicy eviction(String value) {
    return switch (value.toUpperCase(Locale.ROOT)) {
      case "LRU" -> EvictionPolicy.LRU;
      case "LFU" -> EvictionPolicy.LFU;
      default ->
          throw new IllegalArgumentException(
              "TROUPE_CACHE_EVICTION must be LRU or LFU, got '" + value + "'");
    };
  }

  private static Map<String, Integer> collectionTtls(List<String> entries) {
    Map<String, Integer> ttls = new HashMap<>();
    for (String entry : entries) {
      String[] parts = entry.split("=", 2);
      try {
        int seconds = Integer.parseInt(parts.length == 2 ? parts[1].trim() : "");
        if (seconds < 0) {
          throw new NumberFormatException();
        }
        ttls.put(DocKey.requireCollection(parts[0].trim()), seconds);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "TROUPE_CACHE_COLLECTION_TTLS entries are collection=seconds (seconds >= 0), got '"
                + entry
                + "'");
      }
    }
    return Map.copyOf(ttls);
  }

  public static CacheConfig from(Settings s) {
    return new CacheConfig(
        s.string("TROUPE_CACHE_MAP", "troupe-docs"),
        s.integer("TROUPE_CACHE_TTL_SECONDS", 300, 0, Integer.MAX_VALUE),
        s.integer("TROUPE_CACHE_NEGATIVE_TTL_SECONDS", 10, 2, Integer.MAX_VALUE),
        s.integer("TROUPE_CACHE_MAX_ENTRIES", 100_000, 1, Integer.MAX_VALUE),
        s.integer("TROUPE_CACHE_BACKUPS", 1, 0, 6),
        s.integer("TROUPE_CACHE_MAX_IDLE_SECONDS", 0, 0, Integer.MAX_VALUE),
        eviction(s.string("TROUPE_CACHE_EVICTION", "LRU")),
        collectionTtls(s.list("TROUPE_CACHE_COLLECTION_TTLS", List.of())),
        s.integer("TROUPE_CACHE_MAX_IN_FLIGHT", 2048, 1, 1_000_000));
  }
}
