package dev.troupe.request;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.ClaimChunk;
import dev.troupe.shared.contract.ClaimedChunk;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.ReleaseChunk;
import dev.troupe.shared.contract.RenewLease;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One job worker: claims a chunk of a built-in type (import, export, warmup; user types run in
 * their registrants' own workers, {@code dev.troupe.shared.jobs.JobTypes}) from the durable queue
 * in db-service, works on it, records the outcome, and claims the next, until none is left; then it
 * waits for a {@link JobsContract#QUEUED_EVENTS} event or its next poll. While it works, it renews
 * the chunk's lease; a worker that dies stops renewing, and once the lease expires another worker,
 * on any node, takes the chunk over. Work is therefore done at least once, and each kind is
 * idempotent: an import writes its lines without preconditions (a document written twice is still
 * there once), an export page replaces nothing until its chunk completes, a warmup fill never moves
 * the cache backwards.
 *
 * <p>Metrics: {@code troupe_jobs_chunks_total{type,outcome}}, {@code
 * troupe_jobs_chunk_seconds{type}}, {@code troupe_jobs_items_total{type}} (lines or documents
 * processed).
 */
public final class JobWorker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobWorker.class);

  private JobsConfig config;
  private Bus store;
  private CallPolicy db;
  private CallPolicy cache;
  private BatchPipeline batches;
  private MeterRegistry registry;
  private String owner;
  private boolean busy;
  private boolean stopped;
  private boolean claimsFailing;
  private MessageConsumer<Object> wakeups;

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    RequestConfig requests = RequestConfig.from(settings);
    config = JobsConfig.from(settings);
    registry = NodeRuntime.registryOf(vertx);
    store = new Bus(vertx, requests.dbTimeoutMs());
    db = requests.calls(vertx, "db-service", requests.dbTimeoutMs(), registry);
    // A chunk's cache fill carries up to a thousand entries, more than an interactive request's
    // cache
    // deadline allows for on a busy node; a job can wait, and a fill that times out leaves the
    // entries
    // to their TTL instead of moving them forward. So jobs give the cache the database's deadline.
    cache =
        requests.calls(
            vertx,
            "cache-service",
            Math.max(requests.cacheTimeoutMs(), requests.dbTimeoutMs()),
            registry);
    batches = new BatchPipeline(db, cache, requests, registry);
    // Unique per worker, so a worker that restarts on the same node never mistakes an old claim for
    // its own.
    owner = nodeName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    vertx.setPeriodic(config.pollMs(), id -> work());
    wakeups = vertx.eventBus().consumer(JobsContract.QUEUED_EVENTS, m -> work());
    return wakeups.completion().onSuccess(v -> work());
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    // A chunk in work is left to its lease: it is taken over once the lease expires.
    return wakeups == null ? Future.succeededFuture() : wakeups.unregister();
  }

  private String nodeName() {
    try {
      return NodeRuntime.of(vertx).nodeName();
    } catch (IllegalStateException e) {
      return "local";
    }
  }

  /** Claims and works on chunks one after another until the queue has none; a no-op while busy. */
  private void work() {
    if (busy || stopped) {
      return;
    }
    busy = true;
    claim()
        .compose(chunk -> chunk == null ? Future.succeededFuture(false) : run(chunk).map(true))
        .onComplete(
            ar -> {
              busy = false;
              if (ar.failed()) {
                // Said once per outage (db-service not there yet, or away), not at every poll.
                if (!claimsFailing) {
                  LOG.warn("job worker {} cannot claim work: {}", owner, ar.cause().getMessage());
                }
                claimsFailing = true;
                return;
              }
              if (claimsFailing) {
                LOG.info("job worker {} claims work again", owner);
              }
              claimsFailing = false;
              if (ar.result()) {
                work();
              }
            });
  }

  private Future<JobChunk> claim() {
    return store
        .call(
            JobStoreContract.CLAIM,
            new ClaimChunk(owner, config.leaseMs(), JobsContract.BUILT_IN),
            null)
        .map(ClaimedChunk::chunk);
  }

  /**
   * Works on one chunk with its lease renewed meanwhile; records the outcome, or gives the chunk
   * back.
   */
  private Future<Void> run(JobChunk chunk) {
    long renewal = vertx.setPeriodic(Math.max(1, config.leaseMs() / 3), id -> renew(chunk));
    Timer.Sample sample = Timer.start(registry);
    String requestId = "job-" + chunk.jobId() + "-" + chunk.seq();
    Future<ChunkOutcome> work =
        switch (chunk.type()) {
          case JobsContract.IMPORT -> importLines(chunk, requestId);
          case JobsContract.EXPORT -> page(chunk, requestId, false);
          default -> page(chunk, requestId, true);
        };
    return work.compose(
            outcome ->
                store
                    .call(JobStoreContract.COMPLETE, outcome, requestId)
                    .map(
                        done -> {
                          Counter.builder("troupe_jobs_items")
                              .description("lines or documents processed by job workers")
                              .tag("type", chunk.type())
                              .register(registry)
                              .increment((double) outcome.processed());
                          return "done";
                        }))
        .recover(failure -> release(chunk, failure, requestId).map("failed"))
        .onComplete(
            ar -> {
              vertx.cancelTimer(renewal);
              sample.stop(
                  Timer.builder("troupe_jobs_chunk_seconds")
                      .description("time to work on one job chunk")
                      .tag("type", chunk.type())
                      .register(registry));
              Counter.builder("troupe_jobs_chunks")
                  .description("job chunks worked on, by outcome")
                  .tag("type", chunk.type())
                  .tag("outcome", ar.succeeded() ? ar.result() : "failed")
                  .register(registry)
                  .increment();
            })
        .mapEmpty();
  }

  private void renew(JobChunk chunk) {
    store
        .call(
            JobStoreContract.RENEW,
            new RenewLease(chunk.jobId(), chunk.seq(), owner, config.leaseMs()),
            null)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "could not renew the lease of job {} chunk {}: {}",
                    chunk.jobId(),
                    chunk.seq(),
                    ar.cause().getMessage());
              } else if (!ar.result()) {
                LOG.info(
                    "job {} chunk {} is no longer {}'s (cancelled, or taken over); its outcome will be ignored",
                    chunk.jobId(),
                    chunk.seq(),
                    owner);
              }
            });
  }

  /**
   * A failure the next attempt may not have (the database busy or away) gives the chunk back to the
   * queue; any other fails the job. The store fails it anyway after {@code
   * TROUPE_JOBS_MAX_ATTEMPTS}.
   */
  private Future<Void> release(JobChunk chunk, Throwable failure, String requestId) {
    ErrorCode code = Failures.code(failure);
    boolean fatal =
        code != ErrorCode.UNAVAILABLE && code != ErrorCode.OVERLOADED && code != ErrorCode.TIMEOUT;
    LOG.warn(
        "job {} chunk {} failed ({}): {}",
        chunk.jobId(),
        chunk.seq(),
        code,
        Failures.message(failure));
    return store
        .call(
            JobStoreContract.RELEASE,
            new ReleaseChunk(
                chunk.jobId(),
                chunk.seq(),
                owner,
                Failures.message(failure),
                fatal,
                config.maxAttempts()),
            requestId)
        .mapEmpty();
  }

  /**
   * Parses the chunk's lines and writes the good ones in one transaction. A bad line is an error of
   * its line number, not of the job; of two lines with one id, the later wins, as it would written
   * one after the other.
   */
  private Future<ChunkOutcome> importLines(JobChunk chunk, String requestId) {
    ImportLines lines = ImportLines.parse(chunk);
    Future<?> written =
        lines.items().isEmpty()
            ? Future.succeededFuture()
            : batches.putMany(new PutMany(chunk.collection(), lines.items()), requestId);
    return written.map(
        done ->
            new ChunkOutcome(
                chunk.jobId(), chunk.seq(), owner, chunk.lines(), lines.errors(), null, null));
  }

  /** One page of the collection: exported as NDJSON lines, or filled into the cache. */
  private Future<ChunkOutcome> page(JobChunk chunk, String requestId, boolean warmup) {
    ListDocs list =
        new ListDocs(
            chunk.collection(),
            config.pageSize(),
            chunk.payload().isEmpty() ? null : chunk.payload());
    return db.call(DbContract.LIST, list, requestId)
        .compose(
            page -> {
              if (page.items().isEmpty()) {
                return Future.succeededFuture(outcome(chunk, page, null));
              }
              if (!warmup) {
                StringBuilder ndjson = new StringBuilder(page.items().size() * 64);
                for (Document doc : page.items()) {
                  ndjson
                      .append(
                          new JsonObject()
                              .put("id", doc.key().id())
                              .put("data", doc.data())
                              .encode())
                      .append('\n');
                }
                return Future.succeededFuture(outcome(chunk, page, ndjson.toString()));
              }
              List<Lookup> found = page.items().stream().map(Lookup::found).toList();
              return cache
                  .call(CacheContract.FILL_MANY, new LookupBatch(found), requestId)
                  .map(filled -> outcome(chunk, page, null));
            });
  }

  private ChunkOutcome outcome(JobChunk chunk, DocPage page, String result) {
    return new ChunkOutcome(
        chunk.jobId(), chunk.seq(), owner, page.items().size(), List.of(), result, page.next());
  }

  /** The lines of an import chunk: the writes of its good lines, and an error per bad line. */
  record ImportLines(List<PutMany.Item> items, List<LineError> errors) {
    static ImportLines parse(JobChunk chunk) {
      Map<String, PutMany.Item> byId = new LinkedHashMap<>();
      List<LineError> errors = new ArrayList<>();
      String payload = chunk.payload();
      long line = chunk.firstLine();
      int start = 0;
      while (start < payload.length()) {
        int end = payload.indexOf('\n', start);
        if (end < 0) {
          end = payload.length();
        }
        String text = payload.substring(start, end).strip();
        if (!text.isEmpty()) {
          try {
            PutMany.Item item = item(text);
            byId.remove(item.id());
            byId.put(item.id(), item);
          } catch (TroupeException e) {
            errors.add(new LineError(line, e.getMessage()));
          }
        }
        line++;
        start = end + 1;
      }
      return new ImportLines(List.copyOf(byId.values()), errors);
    }

    private static PutMany.Item item(String text) {
      JsonObject json;
      try {
        json = new JsonObject(text);
      } catch (DecodeException | ClassCastException e) {
        throw TroupeException.badRequest("not a JSON object");
      }
      if (!(json.getValue("id") instanceof String id)) {
        throw TroupeException.badRequest("id must be a string");
      }
      if (!(json.getValue("data") instanceof JsonObject data)) {
        throw TroupeException.badRequest("data must be a JSON object");
      }
      return new PutMany.Item(id, data, Precondition.NONE);
    }
  }
}
