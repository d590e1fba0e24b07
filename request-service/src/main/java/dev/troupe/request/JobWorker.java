package dev.troupe.request;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.jobs.ChunkLoop;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.function.BooleanSupplier;

/**
 * One job worker of the built-in types (import, export, warmup; user types run in their
 * registrants' own workers, {@code dev.troupe.shared.jobs.JobTypes}): its {@link ChunkLoop} claims
 * a chunk from the durable queue in db-service, this worker works on it, the loop records the
 * outcome and claims the next, until none is left; then it waits for a {@link
 * JobsContract#QUEUED_EVENTS} event or its next poll. While it works, the loop renews the chunk's
 * lease; a worker that dies stops renewing, and once the lease expires another worker, on any node,
 * takes the chunk over. Work is therefore done at least once, and each kind is idempotent: an
 * import writes its lines without preconditions (a document written twice is still there once), an
 * export page replaces nothing until its chunk completes, a warmup fill never moves the cache
 * backwards.
 *
 * <p>Metrics: the loop's ({@link ChunkLoop}: {@code troupe_jobs_chunks_total{type,outcome}}, {@code
 * troupe_jobs_chunk_seconds{type}}, {@code troupe_jobs_items_total{type}}).
 */
public final class JobWorker extends VerticleBase {
  /**
   * A failure the next attempt may not have (the database busy or away) gives the chunk back to the
   * queue; any other fails the job. The store fails it anyway after {@code
   * TROUPE_JOBS_MAX_ATTEMPTS}.
   */
  static final ChunkLoop.ReleasePolicy TRANSIENT_RETRIED =
      failure -> {
        ErrorCode code = Failures.code(failure);
        return code != ErrorCode.UNAVAILABLE
            && code != ErrorCode.OVERLOADED
            && code != ErrorCode.TIMEOUT;
      };

  private JobsConfig config;
  private CallPolicy db;
  private CallPolicy cache;
  private BatchPipeline batches;
  private String owner;
  private ChunkLoop loop;
  private MessageConsumer<Object> wakeups;

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    RequestConfig requests = RequestConfig.from(settings);
    config = JobsConfig.from(settings);
    MeterRegistry registry = NodeRuntime.registryOf(vertx);
    db = requests.calls(vertx, "db-service", requests.dbTimeoutMs(), registry);
    // A chunk's cache fill carries up to a thousand entries, more than an interactive request's
    // cache deadline allows for on a busy node; a job can wait, and a fill that times out leaves
    // the entries to their TTL instead of moving them forward. So jobs give the cache the
    // database's deadline.
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
    loop =
        new ChunkLoop(
            vertx,
            new Bus(vertx, requests.dbTimeoutMs()),
            registry,
            new ChunkLoop.Claims(
                owner, JobsContract.BUILT_IN, config.leaseMs(), config.maxAttempts()),
            this::run,
            TRANSIENT_RETRIED);
    vertx.setPeriodic(config.pollMs(), id -> loop.work());
    wakeups = vertx.eventBus().consumer(JobsContract.QUEUED_EVENTS, m -> loop.work());
    return wakeups.completion().onSuccess(v -> loop.work());
  }

  @Override
  public Future<?> stop() {
    // A chunk in work is left to its lease: it is taken over once the lease expires.
    if (loop != null) {
      loop.stop();
    }
    return wakeups == null ? Future.succeededFuture() : wakeups.unregister();
  }

  private String nodeName() {
    try {
      return NodeRuntime.of(vertx).nodeName();
    } catch (IllegalStateException e) {
      return "local";
    }
  }

  /** The work on one chunk of a built-in type; the loop records its outcome. */
  private Future<ChunkOutcome> run(JobChunk chunk, String requestId, BooleanSupplier lost) {
    return switch (chunk.type()) {
      case JobsContract.IMPORT -> importLines(chunk, requestId);
      case JobsContract.EXPORT -> page(chunk, requestId, false);
      default -> page(chunk, requestId, true);
    };
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
