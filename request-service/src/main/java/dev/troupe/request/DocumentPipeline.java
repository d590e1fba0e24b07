package dev.troupe.request;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.ChangesQuery;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.ReadResult.CacheStatus;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The document pipeline. Reads are cache-aside: cache, then on a miss the database and a fill.
 * Writes commit to the database first, then move the cache forward to the committed version, then
 * answer. The cache is an optimisation only: when it fails or is slow, reads go to the database and
 * writes still answer (the entry is evicted, or expires), never a client error.
 */
final class DocumentPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(DocumentPipeline.class);

  private final CallPolicy db;
  private final InFlight dbReads;
  private final CallPolicy cache;
  private final Counter cacheFaults;
  private final Counter coalesced;
  private final Stages stages;

  /**
   * Database reads in flight after a cache miss, by key. Confined to this verticle's event loop.
   */
  private final Map<DocKey, Future<Lookup>> loading = new HashMap<>();

  /** A pipeline whose database reads are not bounded by this node's db-read bulkhead (tests). */
  DocumentPipeline(CallPolicy db, CallPolicy cache, MeterRegistry registry) {
    this(db, cache, InFlight.of("request", "db-read", Integer.MAX_VALUE, registry), registry);
  }

  /** {@code dbReads}: the bulkhead a read takes a slot of while it waits for the database. */
  DocumentPipeline(CallPolicy db, CallPolicy cache, InFlight dbReads, MeterRegistry registry) {
    this.dbReads = dbReads;
    this.db = db;
    this.cache = cache;
    this.stages = new Stages(registry);
    this.cacheFaults =
        Counter.builder("troupe_request_cache_faults")
            .description(
                "cache calls that failed or timed out; the pipeline fell back to the database")
            .register(registry);
    this.coalesced =
        Counter.builder("troupe_request_coalesced_reads")
            .description(
                "cache misses that joined a database read already in flight for the same key")
            .register(registry);
  }

  Future<ReadResult> get(DocKey key, String requestId) {
    return stages
        .run(Stages.CACHE, () -> cache.call(CacheContract.GET, key, requestId))
        .compose(
            cached ->
                cached.hit()
                    ? Future.succeededFuture(found(key, cached))
                    : readThrough(key, requestId, CacheStatus.MISS),
            fault -> {
              cacheFault(CacheContract.GET, key, fault);
              return readThrough(key, requestId, CacheStatus.BYPASS);
            });
  }

  /**
   * A read the cache did not answer takes a slot of the db-read bulkhead while it waits for the
   * database, also when it joins a read of the same key in flight: the reads waiting for the
   * database are bounded on their own, and the rest of the read bulkhead stays free for cache hits.
   */
  private Future<ReadResult> readThrough(DocKey key, String requestId, CacheStatus status) {
    if (!dbReads.tryAcquire()) {
      return Future.failedFuture(Stages.named(Stages.DB, dbReads.refusal()));
    }
    Future<Lookup> read =
        status == CacheStatus.BYPASS ? dbGet(key, requestId) : loadAndFill(key, requestId);
    return read.onComplete(done -> dbReads.release()).map(lookup -> found(lookup, status));
  }

  /**
   * Single flight: concurrent misses of one key share one database read and one fill, so a stampede
   * on a cold key costs the database one read per request-service instance.
   */
  private Future<Lookup> loadAndFill(DocKey key, String requestId) {
    Future<Lookup> inFlight = loading.get(key);
    if (inFlight != null) {
      coalesced.increment();
      return inFlight;
    }
    Future<Lookup> load =
        dbGet(key, requestId).compose(lookup -> fill(lookup, requestId).map(lookup));
    loading.put(key, load);
    load.onComplete(done -> loading.remove(key, load));
    return load;
  }

  private Future<Lookup> dbGet(DocKey key, String requestId) {
    return stages.run(Stages.DB, () -> db.call(DbContract.GET, key, requestId));
  }

  Future<PutResult> put(PutDoc put, String requestId) {
    return stages
        .run(Stages.DB, () -> db.call(DbContract.PUT, put, requestId))
        .compose(
            result -> fill(Lookup.found(result.document()), requestId).map(result),
            failure -> evictAfterFailedWrite(put.key(), failure, requestId));
  }

  Future<DeleteResult> delete(DeleteDoc delete, String requestId) {
    return stages
        .run(Stages.DB, () -> db.call(DbContract.DELETE, delete, requestId))
        .compose(
            result -> fill(Lookup.absent(result.key(), result.version()), requestId).map(result),
            failure -> evictAfterFailedWrite(delete.key(), failure, requestId));
  }

  /**
   * A write that failed may still have been committed: its answer can be lost with a node that dies
   * after the commit, or arrive after the deadline. The cache would then keep serving the version
   * before it until its TTL, and every {@code If-Match} on what readers see would get 412. So after
   * a fault, and after a 412 (the stored version is not the one the client read, possibly from the
   * cache), the entry is evicted and the next read fills it from the database. Fails with {@code
   * failure} whatever the eviction does.
   */
  private <T> Future<T> evictAfterFailedWrite(DocKey key, Throwable failure, String requestId) {
    return evictAfterFailedWrite(
        cache, CacheContract.EVICT, key, key.toString(), failure, requestId);
  }

  /**
   * The eviction after a failed write (see above), for one key ({@code EVICT}) or a batch ({@code
   * EVICT_MANY}): sends {@code evict} with {@code keys} when {@code failure} leaves the write's
   * outcome open, then fails with {@code failure} whatever the eviction does.
   */
  static <K, T> Future<T> evictAfterFailedWrite(
      CallPolicy cache,
      Action<K, Void> evict,
      K keys,
      String what,
      Throwable failure,
      String requestId) {
    ErrorCode code = Failures.code(failure);
    if (code != ErrorCode.TIMEOUT
        && code != ErrorCode.UNAVAILABLE
        && code != ErrorCode.INTERNAL
        && code != ErrorCode.PRECONDITION_FAILED) {
      return Future.failedFuture(failure);
    }
    return cache
        .call(evict, keys, requestId)
        .transform(
            evicted -> {
              if (evicted.failed()) {
                LOG.warn(
                    "could not evict {} after a failed write; it expires by TTL: {}",
                    what,
                    evicted.cause().getMessage());
              }
              return Future.failedFuture(failure);
            });
  }

  Future<DocPage> list(ListDocs list, String requestId) {
    return stages.run(Stages.DB, () -> db.call(DbContract.LIST, list, requestId));
  }

  /** A page of the change log, as db-service has it: read only, nothing cached. */
  Future<JsonObject> changes(ChangesQuery query, String requestId) {
    return stages.run(Stages.DB, () -> db.call(DbContract.CHANGES, query, requestId));
  }

  /**
   * Moves the cache forward to {@code lookup}. Never fails: when the cache cannot be updated, the
   * entry is evicted instead so no node keeps serving an older version.
   */
  private Future<Void> fill(Lookup lookup, String requestId) {
    return stages
        .run(Stages.FILL, () -> cache.call(CacheContract.FILL, lookup, requestId))
        .<Void>mapEmpty()
        .recover(
            fault -> {
              cacheFault(CacheContract.FILL, lookup.key(), fault);
              return cache
                  .call(CacheContract.EVICT, lookup.key(), requestId)
                  .recover(
                      evictFault -> {
                        LOG.warn(
                            "could not evict {} after a failed fill; it expires by TTL: {}",
                            lookup.key(),
                            evictFault.getMessage());
                        return Future.succeededFuture();
                      });
            });
  }

  /** A database read: its document is encoded here once, as a cached one is by the cache. */
  private static ReadResult found(Lookup lookup, CacheStatus status) {
    if (!lookup.exists()) {
      throw TroupeException.notFound(lookup.key() + " does not exist");
    }
    return new ReadResult(lookup.document(), status);
  }

  /** A cache hit: its envelope text passes on unparsed. */
  private static ReadResult found(DocKey key, CacheLookup cached) {
    if (!cached.exists()) {
      throw TroupeException.notFound(key + " does not exist");
    }
    return new ReadResult(cached.document(), CacheStatus.HIT);
  }

  private void cacheFault(Action<?, ?> action, DocKey key, Throwable fault) {
    cacheFaults.increment();
    LOG.warn(
        "cache {} of {} failed, using the database: {}", action.name(), key, fault.getMessage());
  }
}
