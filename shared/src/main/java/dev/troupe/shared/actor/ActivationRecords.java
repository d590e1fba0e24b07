package dev.troupe.shared.actor;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The cluster-wide record of which activation of an actor is live: a Hazelcast map from the actor's
 * placement key to {@code <member uuid>/<activation number>}. An activation processes messages only
 * after its claim succeeded, and its host releases the record only after it stopped processing, so
 * at most one activation per actor holds the record at any time.
 *
 * <p>Claims and releases are entry processors: they run atomically on the partition owner of the
 * key, the same partition that places the actor, so a claim executes where the actor is meant to
 * live. A claim succeeds when the record is free, held by an earlier activation of this same member
 * (one that is no longer live here), or held by a member that is no longer in the cluster (a node
 * that died without releasing).
 */
final class ActivationRecords {
  static final String MAP = "troupe-actors";

  private final HazelcastInstance hazelcast;
  private final IMap<String, String> map;
  private final Context context;

  private ActivationRecords(
      HazelcastInstance hazelcast, IMap<String, String> map, Context context) {
    this.hazelcast = hazelcast;
    this.map = map;
    this.context = context;
  }

  /** Opens the map off the event loop (creating its proxy may wait on the cluster). */
  static Future<ActivationRecords> open(HazelcastInstance hazelcast, Context context) {
    return context
        .owner()
        .executeBlocking(() -> hazelcast.<String, String>getMap(MAP))
        .map(map -> new ActivationRecords(hazelcast, map, context));
  }

  /** Completes with true when {@code tag} now holds {@code id}'s record; on this host's context. */
  Future<Boolean> claim(ActorId id, String tag) {
    try {
      Set<String> live =
          hazelcast.getCluster().getMembers().stream()
              .map(Member::getUuid)
              .map(UUID::toString)
              .collect(Collectors.toSet());
      String self = hazelcast.getCluster().getLocalMember().getUuid().toString();
      return Future.fromCompletionStage(
          map.submitToKey(id.placementKey(), new Claim(tag, self, live)), context);
    } catch (RuntimeException e) {
      // The member is shutting down (HazelcastInstanceNotActiveException): no claim.
      return Future.failedFuture(e);
    }
  }

  /** Frees {@code id}'s record if {@code tag} still holds it; on this host's context. */
  Future<Boolean> release(ActorId id, String tag) {
    try {
      return Future.fromCompletionStage(
          map.submitToKey(id.placementKey(), new Release(tag)), context);
    } catch (RuntimeException e) {
      // The member is gone: the record passes on once the cluster has seen it leave.
      return Future.failedFuture(e);
    }
  }

  static String owner(String tag) {
    int slash = tag.indexOf('/');
    return slash < 0 ? tag : tag.substring(0, slash);
  }

  /** Takes the record when it is free, ours from before, or held by a member that left. */
  static final class Claim implements EntryProcessor<String, String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final String tag;
    private final String self;
    private final Set<String> liveMembers;

    Claim(String tag, String self, Set<String> liveMembers) {
      this.tag = tag;
      this.self = self;
      this.liveMembers = liveMembers;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      String current = entry.getValue();
      if (current != null) {
        String holder = owner(current);
        if (!holder.equals(self) && liveMembers.contains(holder)) {
          return false;
        }
      }
      entry.setValue(tag);
      return true;
    }
  }

  /** Frees the record only for the activation that holds it. */
  static final class Release implements EntryProcessor<String, String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final String tag;

    Release(String tag) {
      this.tag = tag;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      if (!tag.equals(entry.getValue())) {
        return false;
      }
      entry.setValue(null);
      return true;
    }
  }
}
