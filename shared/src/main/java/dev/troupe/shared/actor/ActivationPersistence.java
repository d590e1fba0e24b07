package dev.troupe.shared.actor;

import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An activation's state at the store: read on activation and restart, written after each message
 * that changes it. Every write is fenced by the version the activation last read or wrote, so a
 * stale activation cannot overwrite newer state ({@link #stale}).
 */
final class ActivationPersistence {
  private final ActorStore store;

  ActivationPersistence(ActorStore store) {
    this.store = store;
  }

  /** Reads the actor's state (its initial state when none is stored) and version into {@code a}. */
  Future<Void> load(Activation a) {
    return store
        .load(a.id)
        .map(
            loaded -> {
              a.state =
                  loaded.data() == null
                      ? a.type.initialState(a.id.key())
                      : a.type.decodeState(loaded.data());
              a.version = loaded.version();
              return null;
            });
  }

  /**
   * Writes {@code state} ({@code encoded}) over the version {@code a} holds, with {@code messages}
   * in the same transaction; once stored, {@code a} holds the new state and version.
   */
  Future<Void> save(Activation a, Object state, JsonObject encoded, List<StoredMessage> messages) {
    return store
        .save(a.id, encoded, a.version, messages)
        .map(
            version -> {
              a.state = state;
              a.version = version;
              return null;
            });
  }

  /** Whether a failed {@link #save} found the state written elsewhere: {@code a} is stale. */
  static boolean stale(Throwable failure) {
    return Failures.code(failure) == ErrorCode.PRECONDITION_FAILED;
  }
}
