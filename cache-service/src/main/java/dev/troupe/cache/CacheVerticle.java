package dev.troupe.cache;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Wire;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * cache-service: serves {@link CacheContract#ADDRESS} from a Hazelcast {@link IMap} of the node's
 * cluster member. Entries are version-ordered (see {@link FillIfNewer}). Deploy it by name
 * ({@code dev.troupe.cache.CacheVerticle}).
 */
public final class CacheVerticle extends VerticleBase {
  private CacheConfig config;
  private IMap<String, CachedLookup> map;
  private MessageConsumer<JsonObject> consumer;
  private Counter hits;
  private Counter misses;
  private Counter fills;

  @Override
  public Future<?> start() {
    config = CacheConfig.from(Settings.fromJson(config()));
    NodeRuntime runtime = NodeRuntime.of(vertx);
    registerMeters(runtime.registry());
    // Adding a map config and creating the proxy are cluster operations that block.
    return vertx.executeBlocking(() -> openMap(runtime.hazelcast()))
        .compose(opened -> {
          map = opened;
          consumer = vertx.eventBus().consumer(CacheContract.ADDRESS, ActionRouter.of("cache")
              .on(CacheContract.GET, this::get)
              .on(CacheContract.FILL, this::fill)
              .on(CacheContract.EVICT, this::evict));
          return consumer.completion();
        });
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private IMap<String, CachedLookup> openMap(HazelcastInstance hazelcast) {
    hazelcast.getConfig().addMapConfig(new MapConfig(config.mapName())
        .setBackupCount(config.backups())
        .setTimeToLiveSeconds(config.ttlSeconds())
        .setEvictionConfig(new EvictionConfig()
            .setEvictionPolicy(EvictionPolicy.LRU)
            .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
            .setSize(config.maxEntriesPerNode())));
    return hazelcast.getMap(config.mapName());
  }

  private void registerMeters(MeterRegistry registry) {
    hits = Counter.builder("troupe_cache_hits").description("cache lookups that found an entry").register(registry);
    misses = Counter.builder("troupe_cache_misses").description("cache lookups that found nothing").register(registry);
    fills = Counter.builder("troupe_cache_fills").description("entries stored (newer than cached)").register(registry);
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    DocKey key = Wire.docKey(msg.body());
    return OnContext.of(map.getAsync(key.asString()), context).map(cached -> {
      if (cached == null) {
        misses.increment();
        return Wire.toJson(CacheLookup.MISS);
      }
      hits.increment();
      Lookup lookup = cached.envelope() == null
          ? Lookup.absent(key, cached.version())
          : Lookup.found(Wire.document(new JsonObject(cached.envelope())));
      return Wire.toJson(new CacheLookup(lookup));
    });
  }

  private Future<JsonObject> fill(Message<JsonObject> msg) {
    Lookup lookup = Wire.lookup(msg.body());
    CachedLookup entry = new CachedLookup(lookup.version(),
        lookup.exists() ? Wire.toJson(lookup.document()).encode() : null);
    long ttl = lookup.exists() ? config.ttlSeconds() : config.negativeTtlSeconds();
    return OnContext.of(map.submitToKey(lookup.key().asString(), new FillIfNewer(entry, ttl)), context)
        .map(stored -> {
          if (Boolean.TRUE.equals(stored)) {
            fills.increment();
          }
          return new JsonObject().put("stored", Boolean.TRUE.equals(stored));
        });
  }

  private Future<JsonObject> evict(Message<JsonObject> msg) {
    DocKey key = Wire.docKey(msg.body());
    return OnContext.of(map.removeAsync(key.asString()), context).map(removed -> new JsonObject());
  }
}
