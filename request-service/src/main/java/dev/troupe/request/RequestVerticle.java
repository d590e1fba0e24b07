package dev.troupe.request;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ChangesQuery;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.MultiGetReply;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.ReadDoc;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * request-service: serves {@link RequestContract#ADDRESS} through the {@link DocumentPipeline}.
 * Validation happens as the body is read (each action's codec), so every sender, in any language,
 * gets the same rules. Admission is per kind of work ({@link RequestConfig.Bulkheads}). Deploy it
 * by name ({@code dev.troupe.request.RequestVerticle}).
 */
public final class RequestVerticle extends VerticleBase {
  private DocumentPipeline pipeline;
  private BatchPipeline batches;
  private MessageConsumer<JsonObject> consumer;
  private ActionRouter router;
  private long drainMs;

  @Override
  public Future<?> start() {
    RequestConfig config = RequestConfig.from(Settings.fromJson(config()));
    MeterRegistry registry = NodeRuntime.of(vertx).registry();
    CallPolicy db = config.calls(vertx, "db-service", config.dbTimeoutMs(), registry);
    CallPolicy cache = config.calls(vertx, "cache-service", config.cacheTimeoutMs(), registry);
    RequestConfig.Bulkheads limits = config.bulkheads();
    InFlight reads = InFlight.of("request", "read", limits.read(), registry);
    InFlight dbReads = InFlight.of("request", "db-read", limits.dbRead(), registry);
    InFlight writes = InFlight.of("request", "write", limits.write(), registry);
    InFlight batchCalls = InFlight.of("request", "batch", limits.batch(), registry);
    pipeline = new DocumentPipeline(db, cache, dbReads, registry);
    batches = new BatchPipeline(db, cache, config, registry);
    // A request in flight waits at most for the database, then the cache fill.
    drainMs = config.dbTimeoutMs() + config.cacheTimeoutMs();
    router =
        ActionRouter.of("request")
            // Bulkheads: a get holds a read slot, and a db-read slot only once the cache missed, so
            // writes
            // (or misses) piling up behind a slow database never refuse a read the cache answers.
            .limit(reads, RequestContract.GET)
            .limit(dbReads, RequestContract.LIST, RequestContract.CHANGES)
            .limit(writes, RequestContract.PUT, RequestContract.DELETE)
            .limit(batchCalls, RequestContract.GET_MANY, RequestContract.PUT_MANY)
            .status(
                () ->
                    new JsonObject()
                        .put(
                            "circuits",
                            new JsonObject()
                                .put("db-service", db.state().name())
                                .put("cache-service", cache.state().name())))
            .on(RequestContract.GET, this::get)
            .on(RequestContract.PUT, this::put)
            .on(RequestContract.DELETE, this::delete)
            .on(RequestContract.LIST, this::list)
            .on(RequestContract.GET_MANY, this::getMany)
            .on(RequestContract.PUT_MANY, this::putMany)
            .on(RequestContract.CHANGES, this::changes);
    consumer = Bus.consumer(vertx, RequestContract.ADDRESS, Settings.fromJson(config()), router);
    return consumer.completion();
  }

  /** Takes no new requests, then lets those in flight finish (a graceful leave loses none). */
  @Override
  public Future<?> stop() {
    return consumer == null
        ? Future.succeededFuture()
        : consumer.unregister().compose(v -> router.drained(vertx, drainMs));
  }

  private Future<ReadResult> get(ReadDoc read, Message<JsonObject> msg) {
    return pipeline.get(read.key(), Bus.requestId(msg)).map(result -> result.answering(read));
  }

  private Future<PutResult> put(PutDoc put, Message<JsonObject> msg) {
    return pipeline.put(put, Bus.requestId(msg));
  }

  private Future<DeleteResult> delete(DeleteDoc delete, Message<JsonObject> msg) {
    return pipeline.delete(delete, Bus.requestId(msg));
  }

  private Future<DocPage> list(ListDocs list, Message<JsonObject> msg) {
    return pipeline.list(list, Bus.requestId(msg));
  }

  private Future<MultiGetReply> getMany(MultiGet get, Message<JsonObject> msg) {
    return get.encoded()
        ? batches.getManyEncoded(get, Bus.requestId(msg)).map(MultiGetReply.class::cast)
        : batches.getMany(get, Bus.requestId(msg)).map(MultiGetReply.class::cast);
  }

  private Future<JsonObject> changes(ChangesQuery query, Message<JsonObject> msg) {
    return pipeline.changes(query, Bus.requestId(msg));
  }

  private Future<PutManyResult> putMany(PutMany put, Message<JsonObject> msg) {
    return batches.putMany(put, Bus.requestId(msg));
  }
}
