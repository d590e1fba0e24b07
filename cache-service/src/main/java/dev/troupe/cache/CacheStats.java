package dev.troupe.cache;

import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.List;

/**
 * The cache's numbers on one node: Troupe's own counters (hits, misses, fills) and Hazelcast's
 * (entries owned here, evictions, expirations), as Micrometer meters and as JSON for the {@code
 * stats} action. Cluster-wide figures are the sums of every node's last published JSON.
 */
final class CacheStats {
  static final List<String> FIELDS =
      List.of("hits", "misses", "fills", "entries", "backupEntries", "evictions", "expirations");

  private final IMap<String, CachedLookup> map;
  private final Counter hits;
  private final Counter misses;
  private final Counter fills;

  CacheStats(IMap<String, CachedLookup> map, MeterRegistry registry) {
    this.map = map;
    hits =
        Counter.builder("troupe_cache_hits")
            .description("cache lookups that found an entry")
            .register(registry);
    misses =
        Counter.builder("troupe_cache_misses")
            .description("cache lookups that found nothing")
            .register(registry);
    fills =
        Counter.builder("troupe_cache_fills")
            .description("entries stored (newer than cached)")
            .register(registry);
    Gauge.builder("troupe_cache_entries", map, m -> m.getLocalMapStats().getOwnedEntryCount())
        .description("cache entries owned by this node (backups not counted)")
        .register(registry);
    FunctionCounter.builder(
            "troupe_cache_evictions", map, m -> m.getLocalMapStats().getEvictionCount())
        .description("entries evicted on this node to stay under TROUPE_CACHE_MAX_ENTRIES")
        .register(registry);
    FunctionCounter.builder(
            "troupe_cache_expirations", map, m -> m.getLocalMapStats().getExpirationCount())
        .description("entries expired on this node by TTL")
        .register(registry);
  }

  void hit() {
    hits.increment();
  }

  void miss() {
    misses.increment();
  }

  void fill() {
    fills.increment();
  }

  void fills(long count) {
    fills.increment((double) count);
  }

  /** This node's figures. */
  JsonObject local() {
    LocalMapStats stats = map.getLocalMapStats();
    return new JsonObject()
        .put("hits", (long) hits.count())
        .put("misses", (long) misses.count())
        .put("fills", (long) fills.count())
        .put("entries", stats.getOwnedEntryCount())
        .put("backupEntries", stats.getBackupEntryCount())
        .put("evictions", stats.getEvictionCount())
        .put("expirations", stats.getExpirationCount());
  }

  /** The sum of several nodes' figures. */
  static JsonObject sum(Collection<JsonObject> nodes) {
    JsonObject total = new JsonObject();
    FIELDS.forEach(f -> total.put(f, nodes.stream().mapToLong(n -> n.getLong(f, 0L)).sum()));
    return total.put("nodes", nodes.size());
  }
}
