package dev.troupe.chat;

import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.actor.Actors;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ChatContract.ChatMessage;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells members' user actors about stored messages, for one node: the rooms living on this node
 * hand each stored message here, once committed. Updates wait per (user, room) for {@code
 * TROUPE_CHAT_USER_UPDATES_LINGER_MS}, coalesced: a user's actor gets the room's highest number,
 * and the highest of its own messages, of that while; at most {@code
 * TROUPE_CHAT_USER_UPDATES_IN_FLIGHT} are in flight from this node. So a busy big room costs one
 * update per member per linger rather than per message, and never floods the database with
 * user-state writes. Lost updates (this node dies, an update fails, more than {@value #MAX_PENDING}
 * wait) are made good by the room's next message: a user's numbers only grow.
 */
final class UserUpdates implements Shareable {
  /** Waiting updates beyond which new ones are dropped (each is a few dozen bytes). */
  static final int MAX_PENDING = 200_000;

  private static final String LOCAL_MAP = "troupe.chat";
  private static final Logger LOG = LoggerFactory.getLogger(UserUpdates.class);

  private record Key(String user, String room) {}

  private static final class Pending {
    final long dueMs;
    long seq;
    long ownSeq;

    Pending(long dueMs) {
      this.dueMs = dueMs;
    }
  }

  private final Vertx vertx;
  private final Actors actors;
  private final int maxInFlight;
  private final long lingerMs;

  /** In the order they became due (the linger is the same for all). */
  private final Map<Key, Pending> pending = new LinkedHashMap<>();

  private int inFlight;
  private long dropped;
  private boolean timerSet;

  UserUpdates(Vertx vertx, Actors actors, int maxInFlight, long lingerMs) {
    this.vertx = vertx;
    this.actors = actors;
    this.maxInFlight = maxInFlight;
    this.lingerMs = lingerMs;
  }

  /** The updates of the node {@code vertx} belongs to, created on first use. */
  static UserUpdates of(Vertx vertx, Actors actors) {
    return (UserUpdates)
        vertx
            .sharedData()
            .getLocalMap(LOCAL_MAP)
            .computeIfAbsent(
                "userUpdates",
                k -> {
                  Optional<Settings> settings = NodeRuntime.find(vertx).map(NodeRuntime::settings);
                  return new UserUpdates(
                      vertx,
                      actors,
                      settings
                          .map(s -> s.integer("TROUPE_CHAT_USER_UPDATES_IN_FLIGHT", 4, 1, 10_000))
                          .orElse(4),
                      settings
                          .map(
                              s ->
                                  s.longValue("TROUPE_CHAT_USER_UPDATES_LINGER_MS", 250, 0, 60_000))
                          .orElse(250L));
                });
  }

  /** {@code message} was stored; {@code members} are the room's members then. */
  void stored(ChatMessage message, Collection<String> members) {
    synchronized (this) {
      for (String member : members) {
        Key key = new Key(member, message.room());
        Pending p = pending.get(key);
        if (p == null) {
          if (pending.size() >= MAX_PENDING) {
            if (dropped++ % 10_000 == 0) {
              LOG.warn(
                  "{} user updates waiting: dropping some ({} so far); the next message of each room repairs them",
                  MAX_PENDING,
                  dropped);
            }
            continue;
          }
          p = new Pending(System.currentTimeMillis() + lingerMs);
          pending.put(key, p);
        }
        p.seq = Math.max(p.seq, message.seq());
        if (member.equals(message.from())) {
          p.ownSeq = Math.max(p.ownSeq, message.seq());
        }
      }
    }
    pump();
  }

  private void pump() {
    while (true) {
      Key key;
      Pending p;
      synchronized (this) {
        if (inFlight >= maxInFlight || pending.isEmpty()) {
          return;
        }
        Iterator<Map.Entry<Key, Pending>> first = pending.entrySet().iterator();
        Map.Entry<Key, Pending> next = first.next();
        long wait = next.getValue().dueMs - System.currentTimeMillis();
        if (wait > 0) {
          if (!timerSet) {
            timerSet = true;
            vertx.setTimer(
                wait,
                t -> {
                  synchronized (this) {
                    timerSet = false;
                  }
                  pump();
                });
          }
          return;
        }
        first.remove();
        key = next.getKey();
        p = next.getValue();
        inFlight++;
      }
      actors
          .ask(
              new ActorId(UserActor.TYPE, key.user()),
              UserActor.delivered(key.room(), p.seq, p.ownSeq),
              null)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  LOG.debug(
                      "user {} was not told of message {} of room {}: {}",
                      key.user(),
                      p.seq,
                      key.room(),
                      ar.cause().getMessage());
                }
                synchronized (this) {
                  inFlight--;
                }
                pump();
              });
    }
  }
}
