package dev.troupe.db;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.Wire;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;

/**
 * Serves {@link DbContract#ADDRESS}. Deployed by {@link DbService} as a worker verticle on the named
 * {@code troupe-db} pool, because the JDBC driver blocks; its instances share one connection pool.
 * Each committed change is published on {@link DocEvents#ADDRESS}.
 */
public final class DbVerticle extends VerticleBase {
  static final String POOL_NAME = "troupe-db";

  private Pool pool;
  private DocumentStore store;
  private MessageConsumer<JsonObject> consumer;

  @Override
  public Future<?> start() {
    DbConfig config = DbConfig.from(Settings.fromJson(config()));
    pool = JDBCPool.pool(vertx,
        new JDBCConnectOptions().setJdbcUrl(config.h2Url()).setUser("sa").setPassword(""),
        new PoolOptions().setMaxSize(config.poolSize()).setShared(true).setName(POOL_NAME));
    store = new DocumentStore(pool, Clock.systemUTC());
    consumer = vertx.eventBus().consumer(DbContract.ADDRESS, ActionRouter.of("db")
        .on(DbContract.GET, this::get)
        .on(DbContract.PUT, this::put)
        .on(DbContract.DELETE, this::delete)
        .on(DbContract.LIST, this::list));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<JsonObject> get(Message<JsonObject> msg) {
    return store.get(Wire.docKey(msg.body())).map(Wire::toJson);
  }

  private Future<JsonObject> put(Message<JsonObject> msg) {
    return store.put(Wire.putDoc(msg.body()))
        .onSuccess(this::publish)
        .map(Wire::toJson);
  }

  private Future<JsonObject> delete(Message<JsonObject> msg) {
    return store.delete(Wire.deleteDoc(msg.body()))
        .onSuccess(this::publish)
        .map(Wire::toJson);
  }

  private Future<JsonObject> list(Message<JsonObject> msg) {
    return store.list(Wire.listDocs(msg.body())).map(Wire::toJson);
  }

  private void publish(PutResult result) {
    vertx.eventBus().publish(DocEvents.ADDRESS,
        Wire.changeEvent(DocumentStore.OP_PUT, result.document().key(), result.document().version()));
  }

  private void publish(DeleteResult result) {
    vertx.eventBus().publish(DocEvents.ADDRESS,
        Wire.changeEvent(DocumentStore.OP_DELETE, result.key(), result.version()));
  }
}
