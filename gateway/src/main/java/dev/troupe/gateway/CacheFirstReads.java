package dev.troupe.gateway;

import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ReadDoc;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A document read that asks cache-service first and request-service only when the cache cannot
 * answer: a hit (a document, or an absence the cache recorded) costs one event-bus hop instead of
 * two. request-service still owns the read path's rules: a miss, a cache fault or a cache that does
 * not answer within {@code TROUPE_CACHE_TIMEOUT_MS} goes to it, and it reads the database, fills
 * the cache and coalesces concurrent misses as before.
 *
 * <p>Read-your-writes holds as through request-service: a write answers only after it moved the
 * cache entry forward to what it committed, or evicted it, so a hit is never older than a write
 * already acknowledged. Off with {@code TROUPE_GATEWAY_CACHE_READS=false} (every read then goes
 * through request-service).
 */
final class CacheFirstReads {
  private static final Logger LOG = LoggerFactory.getLogger(CacheFirstReads.class);

  private final Calls calls;
  private final boolean enabled;
  private final long cacheTimeoutMs;
  private final Counter hits;
  private final Counter misses;
  private final Counter faults;

  CacheFirstReads(Calls calls, boolean enabled, long cacheTimeoutMs, MeterRegistry registry) {
    this.calls = calls;
    this.enabled = enabled;
    this.cacheTimeoutMs = cacheTimeoutMs;
    this.hits = counter(registry, "hit");
    this.misses = counter(registry, "miss");
    this.faults = counter(registry, "fault");
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("troupe_gateway_cache_reads")
        .description(
            "document reads the gateway asked cache-service first: hit (a document or a recorded"
                + " absence), miss or fault (both then read through request-service)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** The document under {@code key} as its envelope text; fails NOT_FOUND when absent. */
  Future<ReadResult> get(RoutingContext ctx, DocKey key) {
    if (!enabled) {
      return throughPipeline(ctx, key);
    }
    String requestId = RequestIds.of(ctx);
    return calls
        .call(CacheContract.GET, key, requestId, cacheTimeoutMs)
        .compose(
            cached -> {
              if (!cached.hit()) {
                misses.increment();
                return throughPipeline(ctx, key);
              }
              hits.increment();
              return Future.succeededFuture(answer(key, cached));
            },
            fault -> {
              faults.increment();
              LOG.debug("cache get of {} failed, reading through request-service", key, fault);
              return throughPipeline(ctx, key);
            });
  }

  private Future<ReadResult> throughPipeline(RoutingContext ctx, DocKey key) {
    return calls.call(ctx, RequestContract.GET, new ReadDoc(key, true));
  }

  private static ReadResult answer(DocKey key, CacheLookup cached) {
    if (!cached.exists()) {
      throw TroupeException.notFound(key + " does not exist");
    }
    return new ReadResult(cached.document(), ReadResult.CacheStatus.HIT, true);
  }
}
