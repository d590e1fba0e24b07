package dev.troupe.db;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ChangesQuery;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.metrics.Stages;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

  private final Lanes<Write<?>> lanes;
  private Pool pool;
  private DocumentStore store;
  private MessageConsumer<JsonObject> consumer;
  private ActionRouter router;
  private long drainMs;
  private Counter batchReads;
  private Stages stages;
  private long expiry = -1;
  private long prune = -1;

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
            vertx,
            context,
            backend,
            pool,
            Clock.systemUTC(),
            NodeRuntime.registryOf(vertx),
            lanes,
            this::publish);
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
            .on(DbContract.LIST, store::list)
            .on(DbContract.GET_MANY, this::getMany)
            .on(DbContract.PUT_MANY, this::putMany)
            .on(DbContract.CHANGES, this::changes);
    consumer = Bus.consumer(vertx, DbContract.ADDRESS, Settings.fromJson(config()), router);
    expiry = vertx.setPeriodic(expiryIntervalMs(config), t -> expireIdempotencyKeys(config));
    prune =
        vertx.setPeriodic(config.changesPruneIntervalSeconds() * 1000L, t -> pruneChanges(config));
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
   * Applies the change log's retention. Every instance of every node sweeps: the DELETEs are
   * idempotent, and whichever runs first leaves the others nothing to do.
   */
  private void pruneChanges(DbConfig config) {
    if (config.changesRetentionSeconds() == 0 && config.changesRetentionCount() == 0) {
      return;
    }
    Instant before =
        config.changesRetentionSeconds() == 0
            ? null
            : Instant.now().minusSeconds(config.changesRetentionSeconds());
    store
        .pruneChanges(before, config.changesRetentionCount())
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.debug("{} change log row(s) pruned", n);
              }
            })
        .onFailure(
            e ->
                LOG.warn(
                    "pruning the change log failed; next sweep tries again: {}", e.getMessage()));
  }

  /**
   * Takes no new calls, lets those in flight commit or roll back and answer (a graceful leave loses
   * none), then closes the group writer and the pool.
   */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(expiry);
    vertx.cancelTimer(prune);
    Future<Void> unregistered =
        consumer == null
            ? Future.succeededFuture()
            : consumer.unregister().compose(v -> router.drained(vertx, drainMs));
    return unregistered
        .eventually(() -> store == null ? Future.succeededFuture() : store.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<Lookup> get(DocKey key) {
    return store.get(key);
  }

  private Future<PutResult> put(PutDoc put) {
    return store.put(put);
  }

  private Future<DeleteResult> delete(DeleteDoc delete) {
    return store.delete(delete);
  }

  /** One SELECT per call, whatever the number of ids (counted in {@code troupe_db_batch_reads}). */
  private Future<LookupBatch> getMany(KeyBatch batch) {
    batchReads.increment();
    return store.getMany(batch);
  }

  private Future<PutManyResult> putMany(PutMany put) {
    return store.putMany(put);
  }

  private Future<JsonObject> changes(ChangesQuery query) {
    return store.changes(query.since(), query.limit());
  }

  /**
   * The publish stage: after a group's commit, its changes go out on {@link DocEvents#ADDRESS}, in
   * sequence order. The store calls it on this verticle's context.
   */
  private void publish(List<JsonObject> events) {
    long start = System.nanoTime();
    events.forEach(event -> vertx.eventBus().publish(DocEvents.ADDRESS, event));
    stages.record(Stages.PUBLISH, System.nanoTime() - start, false);
  }
}
