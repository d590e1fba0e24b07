package dev.troupe.db;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.StateStoreContract;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * Serves {@link StateStoreContract#ADDRESS}: actor state and chat messages, Troupe's own state.
 * Deployed by {@link DbService} next to the {@link DbVerticle}s, on the same threads and the same
 * shared pool. Publishes nothing: these writes are not document changes. Like the documents, it
 * bounds the calls in flight ({@code TROUPE_DB_MAX_IN_FLIGHT}, its own budget) and lets those in
 * flight answer before it stops.
 */
public final class StateStoreVerticle extends VerticleBase {
  private final Lanes<StateSaves.Save> lanes;
  private Pool pool;
  private StateStore store;
  private MessageConsumer<JsonObject> consumer;
  private ActionRouter router;
  private long drainMs;

  /** One instance of the node's {@code lanes}: the instances of one deployment share them. */
  StateStoreVerticle(Lanes<StateSaves.Save> lanes) {
    this.lanes = lanes;
  }

  @Override
  public Future<?> start() {
    DbConfig config = DbConfig.from(Settings.fromJson(config()));
    Backend backend = Backend.of(config);
    pool = backend.pool(vertx);
    store =
        StateStore.open(
            vertx, context, backend, pool, Clock.systemUTC(), NodeRuntime.registryOf(vertx), lanes);
    drainMs = (long) config.connectTimeoutMs() + config.statementTimeoutMs();
    router =
        ActionRouter.of("state-store")
            .limit(InFlight.of("state-store", config.maxInFlight(), NodeRuntime.registryOf(vertx)))
            .on(StateStoreContract.LOAD, key -> store.load(key))
            .on(StateStoreContract.SAVE, this::save)
            .on(StateStoreContract.PUT_MESSAGE, this::putMessage)
            .on(StateStoreContract.MESSAGES, range -> store.messages(range));
    consumer = Bus.consumer(vertx, StateStoreContract.ADDRESS, Settings.fromJson(config()), router);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered =
        consumer == null
            ? Future.succeededFuture()
            : consumer.unregister().compose(v -> router.drained(vertx, drainMs));
    return unregistered
        .eventually(() -> store == null ? Future.succeededFuture() : store.close())
        .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<StateStoreContract.Saved> save(StateStoreContract.SaveState save) {
    return store.save(save).map(StateStoreContract.Saved::new);
  }

  private Future<JsonObject> putMessage(StateStoreContract.StoredMessage message) {
    return store.putMessage(message).map(v -> new JsonObject());
  }
}
