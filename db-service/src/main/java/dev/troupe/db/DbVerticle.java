package dev.troupe.db;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.contract.Wire;
import dev.troupe.shared.metrics.Stages;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@link DbContract#ADDRESS}. Deployed by {@link DbService}: on H2 as a worker verticle on
 * the named {@code troupe-db} pool (JDBC blocks), on PostgreSQL on the event loops (the reactive
 * client does not). Its instances share one connection pool. Each committed change is published on
 * {@link DocEvents#ADDRESS}.
 */
public final class DbVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DbVerticle.class);
  private static final int DEFAULT_CHANGES = 100;
  private static final int MAX_CHANGES = 1000;

  private final Lanes<Write<?>> lanes;
  private Pool pool;
  private DocumentStore store;
  private MessageConsumer<JsonObject> consumer;
  private ActionRouter router;
  private long drainMs;
  private Counter batchReads;
  private Stages stages;
  private long expiry = -1;

  /** One instance of the node's {@code lanes}: the instances of one deployment share them. */
  DbVerticle(Lanes<Write<?>> lanes) {
    this.lanes = lanes;
  }

  @Override
  public Future<?> start() {
    DbConfig config = DbConfig.from(Settings.fromJson(config()));
    Backend backend = Backend.of(config);
    pool = backend.pool(vertx);
    // Each instance is a lane: it groups the writes of its share of the documents on its own
    // context, whichever instance the event bus handed them to.
    store =
        DocumentStore.open(
            vertx, context, backend, pool, Clock.systemUTC(), NodeRuntime.registryOf(vertx), lanes);
    stages = new Stages(NodeRuntime.registryOf(vertx));
    batchReads =
        Counter.builder("troupe_db_batch_reads")
            .description("getMany calls served, each one SELECT for all of its ids")
            .register(NodeRuntime.registryOf(vertx));
    // A call in flight waits at most for a connection, then for its statements.
    drainMs = (long) config.connectTimeoutMs() + config.statementTimeoutMs();
    router =
        ActionRouter.of("db")
            // Bulkheads: writes waiting for a group commit never refuse the reads of cache misses.
            .limit(InFlight.of("db", "read", config.maxInFlight(), NodeRuntime.registryOf(vertx)))
            .limit(
                InFlight.of("db", "write", config.maxInFlight(), NodeRuntime.registryOf(vertx)),
                DbContract.PUT,
                DbContract.DELETE,
                DbContract.PUT_MANY)
            .status(() -> failover(config))
            .on(DbContract.GET, this::get)
            .on(DbContract.PUT, this::put)
            .on(DbContract.DELETE, this::delete)
            .on(DbContract.LIST, this::list)
            .on(DbContract.GET_MANY, this::getMany)
            .on(DbContract.PUT_MANY, this::putMany)
            .on(DbContract.CHANGES, this::changes);
    consumer = Bus.consumer(vertx, DbContract.ADDRESS, Settings.fromJson(config()), router);
    expiry = vertx.setPeriodic(expiryIntervalMs(config), t -> expireIdempotencyKeys(config));
    return consumer.completion();
  }

  /**
   * What readiness says about this db-service: on embedded H2 it cannot fail over, and an operator
   * reading {@code /health/ready} should not have to know that from the docs.
   */
  private static JsonObject failover(DbConfig config) {
    return config.embedded()
        ? new JsonObject()
            .put("database", "embedded H2")
            .put(
                "failover",
                "none: the database is a file in one node's data dir; if that node dies, "
                    + "db-service is down until it comes back")
        : new JsonObject()
            .put("database", "PostgreSQL")
            .put(
                "failover",
                "every node running db-service serves; HA moves it off a node that dies");
  }

  /**
   * Sweeps a few times per TTL, at most every 10 minutes: a key lives between one TTL and a bit
   * more.
   */
  private static long expiryIntervalMs(DbConfig config) {
    return Math.min(600_000, config.idempotencyTtlSeconds() * 1000 / 4);
  }

  private void expireIdempotencyKeys(DbConfig config) {
    store
        .expireIdempotencyKeys(Instant.now().minusSeconds(config.idempotencyTtlSeconds()))
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.debug("{} idempotency key(s) expired", n);
              }
            })
        .onFailure(
            e ->
                LOG.warn(
                    "expiring idempotency keys failed; next sweep tries again: {}",
                    e.getMessage()));
  }

  /**
   * Takes no new calls, lets those in flight commit or roll back and answer (a graceful leave loses
   * none), then closes the group writer and the pool.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(expiry);
    Future<Void> unregistered =
        consumer == null
            ? Future.succeededFuture()
            : consumer.unregister().compose(v -> router.drained(vertx, drainMs));
    return unregistered
        .eventually(() -> store == null ? Future.succeededFuture() : store.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    return store.get(Wire.docKey(msg.body())).map(Wire::toJson);
  }

  private Future<JsonObject> put(Message<JsonObject> msg) {
    return store.put(Wire.putDoc(msg.body())).onSuccess(this::publish).map(Wire::toJson);
  }

  private Future<JsonObject> delete(Message<JsonObject> msg) {
    return store.delete(Wire.deleteDoc(msg.body())).onSuccess(this::publish).map(Wire::toJson);
  }

  private Future<JsonObject> list(Message<JsonObject> msg) {
    return store.list(Wire.listDocs(msg.body())).map(Wire::toJson);
  }

  /** One SELECT per call, whatever the number of ids (counted in {@code troupe_db_batch_reads}). */
  private Future<JsonObject> getMany(Message<JsonObject> msg) {
    KeyBatch batch = Wire.keyBatch(msg.body());
    batchReads.increment();
    return store.getMany(batch).map(Wire::toJson);
  }

  private Future<JsonObject> putMany(Message<JsonObject> msg) {
    return store
        .putMany(Wire.putMany(msg.body()))
        .onSuccess(result -> result.items().forEach(this::publish))
        .map(Wire::toJson);
  }

  private Future<JsonObject> changes(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    Object since = body.getValue("since", 0L);
    Object limit = body.getValue("limit", DEFAULT_CHANGES);
    if (!(since instanceof Integer || since instanceof Long) || ((Number) since).longValue() < 0) {
      throw TroupeException.badRequest("since must be an integer >= 0");
    }
    if (!(limit instanceof Integer || limit instanceof Long)
        || ((Number) limit).longValue() < 1
        || ((Number) limit).longValue() > MAX_CHANGES) {
      throw TroupeException.badRequest("limit must be an integer from 1 to " + MAX_CHANGES);
    }
    return store.changes(((Number) since).longValue(), ((Number) limit).intValue());
  }

  private void publish(PutResult result) {
    publish(
        Wire.changeEvent(
            DocumentStore.OP_PUT, result.document().key(), result.document().version()));
  }

  private void publish(DeleteResult result) {
    publish(Wire.changeEvent(DocumentStore.OP_DELETE, result.key(), result.version()));
  }

  /** The publish stage: after the commit, the change goes out on {@link DocEvents#ADDRESS}. */
  private void publish(JsonObject event) {
    long start = System.nanoTime();
    vertx.eventBus().publish(DocEvents.ADDRESS, event);
    stages.record(Stages.PUBLISH, System.nanoTime() - start, false);
  }
}
