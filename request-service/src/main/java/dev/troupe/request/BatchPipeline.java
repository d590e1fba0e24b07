package dev.troupe.request;

import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.EncodedMultiGetResult;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.MultiGetResult;
import dev.troupe.shared.contract.MultiGetResult.FailedPart;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fork-join over documents. {@code getMany} splits the ids into sub-batches of {@code
 * TROUPE_BATCH_SIZE}, reads them all at once (the cache with one call per sub-batch, the database
 * with one query per sub-batch for what the cache lacked, then a fill) and joins them before {@code
 * TROUPE_BATCH_DEADLINE_MS}. {@code putMany} is one database transaction followed by one cache
 * update.
 */
final class BatchPipeline {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPipeline.class);

  private final CallPolicy db;
  private final CallPolicy cache;
  private final int batchSize;
  private final long deadlineMs;
  private final DistributionSummary fanOut;
  private final Counter failedParts;
  private final Counter cacheFaults;
  private final Stages stages;

  BatchPipeline(CallPolicy db, CallPolicy cache, RequestConfig config, MeterRegistry registry) {
    this.db = db;
    this.cache = cache;
    this.batchSize = config.batchSize();
    this.deadlineMs = config.batchDeadlineMs();
    this.stages = new Stages(registry);
    this.fanOut =
        DistributionSummary.builder("troupe_request_fanout_width")
            .description("sub-batches one getMany was split into and read in parallel")
            .register(registry);
    this.failedParts =
        Counter.builder("troupe_request_batch_failed_parts")
            .description("getMany sub-batches that failed or missed the batch deadline")
            .register(registry);
    this.cacheFaults =
        Counter.builder("troupe_request_cache_faults")
            .description(
                "cache calls that failed or timed out; the pipeline fell back to the database")
            .register(registry);
  }

  /** The documents as objects (a {@link MultiGet} without {@code encoded}). */
  Future<MultiGetResult> getMany(MultiGet request, String requestId) {
    return read(request, requestId).map(Joined::decoded);
  }

  /**
   * The documents as the JSON text of their envelopes (a {@link MultiGet} with {@code encoded}).
   */
  Future<EncodedMultiGetResult> getManyEncoded(MultiGet request, String requestId) {
    return read(request, requestId).map(Joined::encoded);
  }

  private Future<Joined> read(MultiGet request, String requestId) {
    KeyBatch keys = request.keys();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
    List<KeyBatch> parts = new ArrayList<>();
    for (int from = 0; from < keys.ids().size(); from += batchSize) {
      parts.add(keys.slice(from, Math.min(keys.ids().size(), from + batchSize)));
    }
    fanOut.record(parts.size());
    List<Future<Map<String, Found>>> reads = new ArrayList<>(parts.size());
    parts.forEach(part -> reads.add(read(part, deadline, requestId)));
    return Future.join(reads)
        .transform(
            joined -> {
              try {
                return Future.succeededFuture(join(request, parts, reads));
              } catch (TroupeException e) {
                return Future.failedFuture(e);
              }
            });
  }

  private Joined join(
      MultiGet request, List<KeyBatch> parts, List<Future<Map<String, Found>>> reads) {
    Map<String, Found> found = new LinkedHashMap<>(request.keys().ids().size() * 2);
    List<String> missing = new ArrayList<>();
    List<FailedPart> failed = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      KeyBatch part = parts.get(i);
      Future<Map<String, Found>> read = reads.get(i);
      if (read.failed()) {
        failedParts.increment();
        ErrorCode code = Failures.code(read.cause());
        String message =
            "part "
                + (i + 1)
                + " of "
                + parts.size()
                + " ("
                + part.ids().size()
                + " ids, "
                + part.ids().get(0)
                + " to "
                + part.ids().get(part.ids().size() - 1)
                + ") failed: "
                + Failures.message(read.cause());
        if (!request.partial()) {
          throw new TroupeException(code, Failures.stage(read.cause()), message, null);
        }
        failed.add(new FailedPart(part.ids(), code, message));
        continue;
      }
      for (String id : part.ids()) {
        Found doc = read.result().get(id);
        if (doc != null && doc.exists()) {
          found.put(id, doc);
        } else {
          missing.add(id);
        }
      }
    }
    return new Joined(found, missing, failed);
  }

  /**
   * One sub-batch: the cache, then the database for what it lacked (and a fill), by the deadline.
   * The cache may take {@code TROUPE_CACHE_TIMEOUT_MS} or half of what is left of the batch
   * deadline, whichever is longer: a hundred keys read under load take longer than one, and a
   * sub-batch given up on too early turns cache hits into database reads, and timeouts into an open
   * cache breaker, just when the node is busiest. A cache that is gone fails at once (no handler,
   * open breaker), whatever this budget.
   */
  private Future<Map<String, Found>> read(KeyBatch part, long deadline, String requestId) {
    long remaining = remainingMs(deadline);
    long cacheBudget = Math.max(1, Math.min(remaining, Math.max(cache.timeoutMs(), remaining / 2)));
    return stages
        .run(Stages.CACHE, () -> cache.call(CacheContract.GET_MANY, part, requestId, cacheBudget))
        .compose(
            held -> {
              Map<String, Found> byId = new HashMap<>(part.ids().size() * 2);
              held.envelopes().forEach((id, text) -> byId.put(id, Found.text(text)));
              held.absent().keySet().forEach(id -> byId.put(id, Found.ABSENT));
              List<String> misses = part.ids().stream().filter(id -> !held.holds(id)).toList();
              if (misses.isEmpty()) {
                return Future.succeededFuture(byId);
              }
              return dbRead(new KeyBatch(part.collection(), misses), deadline, requestId)
                  .compose(loaded -> fill(loaded, requestId).map(loaded))
                  .map(
                      loaded -> {
                        byId.putAll(byId(loaded));
                        return byId;
                      });
            },
            fault -> {
              cacheFaults.increment();
              LOG.warn(
                  "cache getMany failed, reading {} ids from the database: {}",
                  part.ids().size(),
                  fault.getMessage());
              return dbRead(part, deadline, requestId).map(BatchPipeline::byId);
            });
  }

  private Future<LookupBatch> dbRead(KeyBatch batch, long deadline, String requestId) {
    long remaining = remainingMs(deadline);
    if (remaining <= 0) {
      return Future.failedFuture(
          new TroupeException(ErrorCode.TIMEOUT, Stages.DB, "the batch deadline passed", null));
    }
    return stages.run(
        Stages.DB,
        () -> db.call(DbContract.GET_MANY, batch, requestId, Math.min(db.timeoutMs(), remaining)));
  }

  /** Fills what was read; a read-fill never has to succeed (entries only ever move forward). */
  private Future<Void> fill(LookupBatch loaded, String requestId) {
    return stages
        .run(Stages.FILL, () -> cache.call(CacheContract.FILL_MANY, loaded, requestId))
        .<Void>mapEmpty()
        .recover(
            fault -> {
              cacheFaults.increment();
              LOG.warn(
                  "cache fillMany of {} entries failed: {}",
                  loaded.items().size(),
                  fault.getMessage());
              return Future.succeededFuture();
            });
  }

  /**
   * One transaction in the database, then the cache moves forward to the committed versions; when
   * that fails the entries are evicted, so no node keeps serving an older version.
   */
  Future<PutManyResult> putMany(PutMany put, String requestId) {
    KeyBatch keys =
        new KeyBatch(put.collection(), put.items().stream().map(PutMany.Item::id).toList());
    return stages
        .run(Stages.DB, () -> db.call(DbContract.PUT_MANY, put, requestId))
        .compose(
            result -> {
              List<Lookup> written =
                  result.items().stream().map(PutResult::document).map(Lookup::found).toList();
              return stages
                  .run(
                      Stages.FILL,
                      () ->
                          cache
                              .call(CacheContract.FILL_MANY, new LookupBatch(written), requestId)
                              .<Void>mapEmpty())
                  .recover(
                      fault -> {
                        cacheFaults.increment();
                        LOG.warn(
                            "cache fillMany after a batch write failed, evicting instead: {}",
                            fault.getMessage());
                        return cache.call(CacheContract.EVICT_MANY, keys, requestId);
                      })
                  .recover(
                      fault -> {
                        LOG.warn(
                            "could not evict a written batch; its entries expire by TTL: {}",
                            fault.getMessage());
                        return Future.succeededFuture();
                      })
                  .map(result);
            },
            failure ->
                DocumentPipeline.evictAfterFailedWrite(
                    cache,
                    CacheContract.EVICT_MANY,
                    keys,
                    "a batch of " + put.items().size() + " in " + put.collection(),
                    failure,
                    requestId));
  }

  private static Map<String, Found> byId(LookupBatch batch) {
    Map<String, Found> byId = new HashMap<>(batch.items().size() * 2);
    batch
        .items()
        .forEach(
            lookup ->
                byId.put(
                    lookup.key().id(),
                    lookup.exists() ? Found.document(lookup.document()) : Found.ABSENT));
    return byId;
  }

  /**
   * What a sub-batch learned of one id: a document, as the cache's envelope text or as the
   * database's {@link Document}, or that it does not exist. Each form is turned into the other only
   * when the caller asked for the other: a fully cached {@code _mget} from the gateway never parses
   * a document.
   */
  private static final class Found {
    static final Found ABSENT = new Found(null, null);
    private final String text;
    private final Document document;

    private Found(String text, Document document) {
      this.text = text;
      this.document = document;
    }

    static Found text(String text) {
      return new Found(text, null);
    }

    static Found document(Document document) {
      return new Found(null, document);
    }

    boolean exists() {
      return text != null || document != null;
    }

    String asText() {
      return text != null ? text : DocWire.toJson(document).encode();
    }

    Document asDocument() {
      return document != null ? document : DocWire.document(new JsonObject(text));
    }
  }

  /** A batch read's parts joined, in the order asked; becomes either answer. */
  private record Joined(Map<String, Found> found, List<String> missing, List<FailedPart> failed) {
    MultiGetResult decoded() {
      Map<String, Document> docs = new LinkedHashMap<>(found.size() * 2);
      found.forEach((id, doc) -> docs.put(id, doc.asDocument()));
      return new MultiGetResult(docs, missing, failed);
    }

    EncodedMultiGetResult encoded() {
      Map<String, String> texts = new LinkedHashMap<>(found.size() * 2);
      found.forEach((id, doc) -> texts.put(id, doc.asText()));
      return new EncodedMultiGetResult(texts, missing, failed);
    }
  }

  private static long remainingMs(long deadlineNanos) {
    return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
  }
}
