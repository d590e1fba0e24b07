package dev.troupe.shared.actor;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.StateStoreContract;
import dev.troupe.shared.contract.TroupeException;

/**
 * The address of one actor: its type's name and its key, and for a child actor its parent. The key
 * follows the document id rules (1 to 128 characters of {@code [A-Za-z0-9._~-]}), so it can name
 * the actor anywhere (a path, an address). A top-level actor's state lives in db-service's state
 * store ({@link StateStoreContract}), never as a document; a child's state lives in memory only.
 *
 * <p>A child ({@link ActorContext#spawn}) is named within its parent's address space: its id is
 * (type, name, parent id), it is placed with its top-level ancestor ({@link #root}), and a message
 * to it goes to that ancestor's host, which hands it to the child if it is live.
 *
 * @param type an actor type name, {@code ^[a-z0-9][a-z0-9_-]{0,63}$}
 * @param key the actor's key within its type (a child's name within its parent)
 * @param parent the parent of a child actor; null for a top-level actor
 */
public record ActorId(String type, String key, ActorId parent) {
  /** How deep a child may be below its top-level ancestor. */
  public static final int MAX_DEPTH = 8;

  public ActorId {
    requireType(type);
    DocKey.requireId(key);
    if (parent != null && parent.depth() >= MAX_DEPTH) {
      throw TroupeException.badRequest("an actor may have at most " + MAX_DEPTH + " ancestors");
    }
  }

  /** A top-level actor. */
  public ActorId(String type, String key) {
    this(type, key, null);
  }

  /** Fails with BAD_REQUEST unless {@code type} can name an actor type. */
  public static String requireType(String type) {
    return StateStoreContract.requireType(type);
  }

  /** The child named {@code name}, of type {@code type}, of this actor. */
  public ActorId child(String type, String name) {
    return new ActorId(type, name, this);
  }

  /** Whether this is a child actor. */
  public boolean isChild() {
    return parent != null;
  }

  /** The top-level ancestor (this actor itself when it is top-level). */
  public ActorId root() {
    return parent == null ? this : parent.root();
  }

  /** How many ancestors this actor has (0: top-level). */
  public int depth() {
    return parent == null ? 0 : parent.depth() + 1;
  }

  /** Where this top-level actor's state is stored (a child's state is not stored). */
  public StateStoreContract.StateKey stateKey() {
    if (parent != null) {
      throw new IllegalStateException("child actor " + this + " has no stored state");
    }
    return new StateStoreContract.StateKey(type, key);
  }

  /**
   * The key that places this actor in the cluster: its Hazelcast partition decides the owner node,
   * and its activation record is stored under it (so the record lives on the owner too). A child is
   * placed with its top-level ancestor.
   */
  public String placementKey() {
    ActorId root = root();
    return root.type + "/" + root.key;
  }

  @Override
  public String toString() {
    return parent == null ? type + "/" + key : parent + "/" + type + "/" + key;
  }
}
