package dev.troupe.shared.actor;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.StateStoreContract;
import dev.troupe.shared.contract.StateStoreContract.SaveState;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Actor state in db-service's state store ({@link StateStoreContract}), one row per actor: never a
 * document, so no public route reaches it and no cache holds a copy. Every write is conditional on
 * the version read or last written ({@code 0} for the first), so a state write from an activation
 * that missed a newer write fails with PRECONDITION_FAILED instead of overwriting it.
 */
final class ActorStore {
  /** A state as read: its data (null when never written) and version ({@code 0}: absent). */
  record Loaded(JsonObject data, long version) {}

  private final Bus bus;

  ActorStore(Bus bus) {
    this.bus = bus;
  }

  Future<Loaded> load(ActorId id) {
    return bus.call(StateStoreContract.LOAD, id.stateKey(), null)
        .map(state -> new Loaded(state.data(), state.version()));
  }

  /**
   * Writes (a copy of: the body is handed over to the bus) {@code state} over {@code version}
   * ({@code 0}: not stored), and {@code messages} in the same transaction; completes with the new
   * version once db-service committed them.
   */
  Future<Long> save(ActorId id, JsonObject state, long version, List<StoredMessage> messages) {
    return bus.call(
            StateStoreContract.SAVE,
            new SaveState(id.stateKey(), version, state.copy(), messages),
            null)
        .map(StateStoreContract.Saved::version);
  }
}
