package dev.troupe.cache;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.CachedLookups;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.StoredDoc;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cache-service: serves {@link CacheContract#ADDRESS} from a Hazelcast {@link IMap} of the node's
 * cluster member. Entries are version-ordered (see {@link FillIfNewer}). Deploy it by name ({@code
 * dev.troupe.cache.CacheVerticle}).
 */
public final class CacheVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CacheVerticle.class);
  private static final String STATS_MAP = "troupe-cache-stats";
  private static final long STATS_PUBLISH_MS = 5_000;
  private static final long STATS_TTL_SECONDS = 30;

  /**
   * Map operations take milliseconds; a call still running after this is stuck on a lost member.
   */
  private static final long DRAIN_MS = 2_000;

  private CacheConfig config;
  private IMap<String, CachedLookup> map;
  private MessageConsumer<JsonObject> consumer;
  private ActionRouter router;
  private CacheStats stats;
  private IMap<String, String> published;
  private String nodeName;
  private long publisher;

  @Override
  public Future<?> start() {
    config = CacheConfig.from(Settings.fromJson(config()));
    NodeRuntime runtime = NodeRuntime.of(vertx);
    nodeName = runtime.nodeName();
    // Adding a map config and creating the proxies are cluster operations that block.
    return vertx
        .executeBlocking(
            () -> {
              published = runtime.hazelcast().getMap(STATS_MAP);
              return openMap(runtime.hazelcast());
            })
        .compose(
            opened -> {
              map = opened;
              stats = new CacheStats(map, runtime.registry());
              publisher = vertx.setPeriodic(STATS_PUBLISH_MS, id -> publishStats());
              router =
                  ActionRouter.of("cache")
                      .limit(InFlight.of("cache", config.maxInFlight(), runtime.registry()))
                      .on(CacheContract.GET, this::get)
                      .on(CacheContract.FILL, this::fill)
                      .on(CacheContract.EVICT, this::evict)
                      .on(CacheContract.GET_MANY, this::getMany)
                      .on(CacheContract.FILL_MANY, this::fillMany)
                      .on(CacheContract.EVICT_MANY, this::evictMany)
                      .on(CacheContract.STATS, this::stats);
              consumer =
                  Bus.consumer(vertx, CacheContract.ADDRESS, Settings.fromJson(config()), router);
              return consumer.completion();
            });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(publisher);
    return consumer == null
        ? Future.succeededFuture()
        : consumer.unregister().compose(v -> router.drained(vertx, DRAIN_MS));
  }

  private IMap<String, CachedLookup> openMap(HazelcastInstance hazelcast) {
    hazelcast
        .getConfig()
        .addMapConfig(
            new MapConfig(config.mapName())
                .setBackupCount(config.backups())
                .setTimeToLiveSeconds(config.ttlSeconds())
                .setMaxIdleSeconds(config.maxIdleSeconds())
                .setEvictionConfig(
                    new EvictionConfig()
                        .setEvictionPolicy(config.eviction())
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                        .setSize(config.maxEntriesPerNode())));
    return hazelcast.getMap(config.mapName());
  }

  private void publishStats() {
    OnContext.of(
            published.setAsync(
                nodeName, stats.local().encode(), STATS_TTL_SECONDS, TimeUnit.SECONDS),
            context)
        .onFailure(e -> LOG.debug("could not publish cache stats: {}", e.getMessage()));
  }

  /** This node's figures and the cluster's (the sum of every node's last published figures). */
  private Future<JsonObject> stats(JsonObject request) {
    JsonObject local = stats.local();
    return vertx
        .executeBlocking(
            () -> {
              Map<String, JsonObject> nodes = new HashMap<>();
              published.forEach((node, json) -> nodes.put(node, new JsonObject(json)));
              nodes.put(nodeName, local);
              return nodes;
            })
        .map(
            nodes ->
                new JsonObject()
                    .put("node", local.copy().put("name", nodeName))
                    .put("cluster", CacheStats.sum(nodes.values())));
  }

  /**
   * The entry of the key, its document as the envelope text the entry holds ({@link StoredDoc}),
   * unparsed: a hit passes it through request-service to the gateway's response as it is.
   */
  private Future<CacheLookup> get(DocKey key) {
    return OnContext.of(map.getAsync(key.asString()), context)
        .map(
            cached -> {
              if (cached == null) {
                stats.miss();
                return CacheLookup.MISS;
              }
              stats.hit();
              return lookup(cached);
            });
  }

  private static CacheLookup lookup(CachedLookup cached) {
    return cached.envelope() == null
        ? CacheLookup.absent(cached.version())
        : CacheLookup.found(new StoredDoc(cached.version(), cached.envelope()));
  }

  private static CachedLookup entry(Lookup lookup) {
    return new CachedLookup(
        lookup.version(), lookup.exists() ? DocWire.toJson(lookup.document()).encode() : null);
  }

  private long ttl(Lookup lookup) {
    return lookup.exists() ? config.ttlFor(lookup.key().collection()) : config.negativeTtlSeconds();
  }

  private Future<Boolean> fill(Lookup lookup) {
    return OnContext.of(
            map.submitToKey(lookup.key().asString(), new FillIfNewer(entry(lookup), ttl(lookup))),
            context)
        .map(
            stored -> {
              if (Boolean.TRUE.equals(stored)) {
                stats.fill();
              }
              return Boolean.TRUE.equals(stored);
            });
  }

  /**
   * The entries held for the batch's ids ({@link CachedLookups}): one asynchronous read per id, the
   * same operation as {@code get}, joined before the reply. Documents go out as the envelope text
   * the entry holds, unparsed: a batch read passes them through to the gateway's response as they
   * are. Not {@code IMap.submitToKeys}: Hazelcast 5.3 sends every partition's operation the whole
   * key set and each hashes every key to find its own, so a batch of {@code k} keys costs {@code k}
   * times the partitions it touches (a profile of 100-id reads spent 64% of the CPU there,
   * MurmurHash alone 13%).
   */
  private Future<CachedLookups> getMany(KeyBatch batch) {
    int size = batch.ids().size();
    List<CompletableFuture<CachedLookup>> reads = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      reads.add(map.getAsync(batch.key(i).asString()).toCompletableFuture());
    }
    return OnContext.of(CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)), context)
        .map(
            all -> {
              Map<String, String> envelopes = new LinkedHashMap<>(size * 2);
              Map<String, Long> absent = new LinkedHashMap<>();
              for (int i = 0; i < size; i++) {
                CachedLookup cached = reads.get(i).join();
                if (cached == null) {
                  stats.miss();
                } else {
                  stats.hit();
                  if (cached.envelope() == null) {
                    absent.put(batch.ids().get(i), cached.version());
                  } else {
                    envelopes.put(batch.ids().get(i), cached.envelope());
                  }
                }
              }
              return new CachedLookups(envelopes, absent);
            });
  }

  /**
   * Fills a batch, each entry only if newer (see {@link FillIfNewer}), one operation per key like
   * {@code getMany}.
   */
  private Future<Long> fillMany(LookupBatch batch) {
    Map<String, Lookup> newest = new HashMap<>();
    for (Lookup lookup : batch.items()) {
      newest.merge(lookup.key().asString(), lookup, (a, b) -> b.version() > a.version() ? b : a);
    }
    List<CompletableFuture<Boolean>> fills = new ArrayList<>(newest.size());
    newest.forEach(
        (key, lookup) ->
            fills.add(
                map.submitToKey(key, new FillIfNewer(entry(lookup), ttl(lookup)))
                    .toCompletableFuture()));
    return OnContext.of(CompletableFuture.allOf(fills.toArray(CompletableFuture[]::new)), context)
        .map(
            all -> {
              long stored =
                  fills.stream().map(CompletableFuture::join).filter(Boolean.TRUE::equals).count();
              stats.fills(stored);
              return stored;
            });
  }

  private Future<Void> evictMany(KeyBatch batch) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < batch.ids().size(); i++) {
      keys.add(batch.key(i).asString());
    }
    List<CompletableFuture<CachedLookup>> removals = new ArrayList<>(keys.size());
    keys.forEach(key -> removals.add(map.removeAsync(key).toCompletableFuture()));
    return OnContext.of(
            CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)), context)
        .mapEmpty();
  }

  private Future<Void> evict(DocKey key) {
    return OnContext.of(map.removeAsync(key.asString()), context).mapEmpty();
  }
}
