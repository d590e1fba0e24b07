package dev.troupe.shared.actor;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.StateStoreContract;
import java.util.Objects;

/**
 * The address of one actor: its type's name and its key. The key follows the document id rules (1
 * to 128 characters of {@code [A-Za-z0-9._~-]}), so it can name the actor anywhere (a path, an
 * address). Its state lives in db-service's state store ({@link StateStoreContract}), never as a
 * document.
 *
 * @param type an actor type name, {@code ^[a-z0-9][a-z0-9_-]{0,63}$}
 * @param key the actor's key within its type
 */
public record ActorId(String type, String key) {
  public ActorId {
    requireType(type);
    DocKey.requireId(key);
  }

  /** Fails with BAD_REQUEST unless {@code type} can name an actor type. */
  public static String requireType(String type) {
    return StateStoreContract.requireType(type);
  }

  /** Where this actor's state is stored. */
  public StateStoreContract.StateKey stateKey() {
    return new StateStoreContract.StateKey(type, key);
  }

  /**
   * The key that places this actor in the cluster: its Hazelcast partition decides the owner node,
   * and its activation record is stored under it (so the record lives on the owner too).
   */
  public String placementKey() {
    return type + "/" + key;
  }

  @Override
  public String toString() {
    return Objects.requireNonNull(placementKey());
  }
}
