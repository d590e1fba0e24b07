package dev.troupe.cache;

import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.RateLimitContract;
import dev.troupe.shared.contract.TakeTokens;
import dev.troupe.shared.contract.TokenDemand;
import dev.troupe.shared.contract.TokenGrant;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cluster-wide rate-limit buckets ({@link RateLimitContract#ADDRESS}): one Hazelcast map entry
 * per client that spent tokens recently, changed only by {@link TakeTokensProcessor} on the key's
 * partition owner, so takes from any number of gateways are serialised per client. A batch of
 * clients is one {@code submitToKeys}: one round trip per partition owner, not per client. Deployed
 * by {@link CacheService} next to the document cache.
 */
public final class RateLimitVerticle extends VerticleBase {
  static final String MAP = "troupe-rate-limits";

  /**
   * Beyond this many buckets per node, the least recently used ones go (as if full: a fresh burst).
   */
  private static final int MAX_BUCKETS_PER_NODE = 1_000_000;

  private IMap<String, TokenBucket> buckets;
  private MessageConsumer<JsonObject> consumer;

  @Override
  public Future<?> start() {
    NodeRuntime runtime = NodeRuntime.of(vertx);
    // Adding a map config and creating the proxy are cluster operations that block.
    return vertx
        .executeBlocking(() -> openMap(runtime.hazelcast()))
        .compose(
            map -> {
              buckets = map;
              consumer =
                  Bus.consumer(
                      vertx,
                      RateLimitContract.ADDRESS,
                      Settings.fromJson(config()),
                      ActionRouter.of("ratelimit").on(RateLimitContract.TAKE, this::take));
              return consumer.completion();
            });
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private static IMap<String, TokenBucket> openMap(HazelcastInstance hazelcast) {
    // One backup: losing a member loses no budget; losing two at once refills the buckets they
    // held.
    hazelcast
        .getConfig()
        .addMapConfig(
            new MapConfig(MAP)
                .setBackupCount(1)
                .setEvictionConfig(
                    new EvictionConfig()
                        .setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_NODE)
                        .setSize(MAX_BUCKETS_PER_NODE)));
    return hazelcast.getMap(MAP);
  }

  private Future<List<TokenGrant>> take(TakeTokens take) {
    Set<String> keys = new LinkedHashSet<>();
    take.demands().forEach(d -> keys.add(d.client()));
    TakeTokensProcessor processor =
        new TakeTokensProcessor(
            take.ratePerSec(), take.burst(), System.currentTimeMillis(), take.demands());
    return OnContext.of(buckets.submitToKeys(keys, processor), context)
        .map(results -> grants(take, results));
  }

  private static List<TokenGrant> grants(TakeTokens take, Map<String, TokenBucket.Take> results) {
    List<TokenGrant> grants = new ArrayList<>(take.demands().size());
    for (TokenDemand demand : take.demands()) {
      TokenBucket.Take result = results.get(demand.client());
      // A key missing from the results was not processed: grant nothing, report it empty.
      grants.add(
          result == null
              ? new TokenGrant(demand.client(), 0, 0)
              : new TokenGrant(demand.client(), result.granted(), result.tokensAfter()));
    }
    return grants;
  }
}
