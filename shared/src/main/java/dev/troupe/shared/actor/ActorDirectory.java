package dev.troupe.shared.actor;

import com.hazelcast.cluster.Member;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ownership and the directory of one host: which actors are live here, whether this node's member
 * owns an actor's partition, and the claim and release of the actors' cluster-wide activation
 * records ({@link ActivationRecords}). Confined to the host's event loop.
 */
final class ActorDirectory {
  private final Map<ActorId, Activation> live = new HashMap<>();
  private final Actors actors;
  private final ActivationRecords records;
  private final String self;
  private long activations;

  /**
   * @param self this node's member uuid, which starts the tag of every activation made here
   */
  ActorDirectory(Actors actors, ActivationRecords records, String self) {
    this.actors = actors;
    this.records = records;
    this.self = self;
  }

  /** The activation of {@code id} live here, or null. */
  Activation get(ActorId id) {
    return live.get(id);
  }

  int size() {
    return live.size();
  }

  /** The activations live here now (a copy: callers may stop them while they iterate). */
  List<Activation> all() {
    return new ArrayList<>(live.values());
  }

  /** A new activation of {@code id}, live here from now on; it holds no record yet. */
  Activation add(ActorId id, ActorType<Object, Object> type, RestartPolicy policy, long nowMs) {
    Activation a = new Activation(id, type, policy, self + "/" + (++activations), nowMs);
    live.put(id, a);
    return a;
  }

  /** {@code a} is no longer live here (unless a newer activation of its actor replaced it). */
  void remove(Activation a) {
    live.remove(a.id, a);
  }

  /** Whether this node's member owns {@code id}'s partition, so this host may serve it. */
  boolean owns(ActorId id) {
    try {
      Member owner = actors.owner(id);
      return owner != null && owner.localMember();
    } catch (RuntimeException e) {
      // This member is no longer active (it is leaving or was terminated): it owns nothing.
      return false;
    }
  }

  /** Completes with true when {@code a} now holds its actor's record; on this host's context. */
  Future<Boolean> claim(Activation a) {
    return records.claim(a.id, a.tag);
  }

  /** Frees {@code a}'s actor's record if {@code a} still holds it; on this host's context. */
  Future<Boolean> release(Activation a) {
    return records.release(a.id, a.tag);
  }

  /** The answer to a message this host cannot serve: the sender asks the owner again. */
  static TroupeException moved(ActorId id, String why) {
    return new TroupeException(ErrorCode.MOVED, "actor " + id + " " + why);
  }
}
