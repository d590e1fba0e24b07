package dev.troupe.shared.actor;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.TroupeException;
import java.util.Objects;

/**
 * The address of one actor: its type's name and its key. The key is also the id of the actor's state
 * document, so it follows the document id rules (1 to 128 characters of {@code [A-Za-z0-9._~-]}).
 *
 * @param type an actor type name, {@code ^[a-z0-9][a-z0-9_-]{0,57}$}
 * @param key the actor's key within its type
 */
public record ActorId(String type, String key) {
  /** State documents of actor type {@code t} live in collection {@code actor-t}; clients must not write there. */
  public static final String COLLECTION_PREFIX = "actor-";
  private static final int MAX_TYPE = 64 - COLLECTION_PREFIX.length();

  public ActorId {
    requireType(type);
    DocKey.requireId(key);
  }

  /** Fails with BAD_REQUEST unless {@code type} can name an actor type. */
  public static String requireType(String type) {
    if (type == null || type.length() > MAX_TYPE) {
      throw TroupeException.badRequest("an actor type name is 1 to " + MAX_TYPE + " characters, got "
          + (type == null ? "nothing" : type.length()));
    }
    DocKey.requireCollection(type);
    return type;
  }

  /** The collection holding the state documents of actors of {@code type}. */
  public static String collection(String type) {
    return COLLECTION_PREFIX + type;
  }

  /** The key of this actor's state document. */
  public DocKey stateKey() {
    return new DocKey(collection(type), key);
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
