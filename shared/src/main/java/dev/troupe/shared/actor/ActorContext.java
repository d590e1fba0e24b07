package dev.troupe.shared.actor;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a handler may use besides its state: its own identity, the Vert.x it runs on, a client to
 * message other actors, the stored version of its state, and its place in a hierarchy: children to
 * spawn, message and stop, and actors to watch.
 *
 * <p>The hierarchy methods act on the host's event loop, where the handler runs: {@link #spawn},
 * {@link #stop}, {@link #stopSelf}, {@link #watch} and {@link #unwatch} throw {@link
 * IllegalStateException} when called from another thread; {@link #tell} and {@link #ask} may be
 * called from anywhere (e.g. from a callback after the handler returned).
 */
public final class ActorContext {
  private final Activation self;
  private final Context host;
  private final Actors actors;
  private final Hierarchy hierarchy;
  private final MailboxPump pump;
  private final long version;

  ActorContext(
      Activation self, Context host, Actors actors, Hierarchy hierarchy, MailboxPump pump) {
    this.self = self;
    this.host = host;
    this.actors = actors;
    this.hierarchy = hierarchy;
    this.pump = pump;
    this.version = self.version;
  }

  public ActorId self() {
    return self.id;
  }

  public Vertx vertx() {
    return host.owner();
  }

  /**
   * A client for messaging other actors. Never {@code ask} this actor itself from its handler and
   * wait for the answer: the reply would queue behind the handler that waits for it.
   */
  public Actors actors() {
    return actors;
  }

  /** The version of the stored state this handler sees ({@code 0}: never stored; a child: 0). */
  public long version() {
    return version;
  }

  /**
   * Starts a child named {@code name} (a key: 1 to 128 characters of {@code [A-Za-z0-9._~-]}) of
   * the registered type {@code type}, with that type's initial state, and returns its id. The child
   * lives on this node, is addressed through this actor ({@link ActorId#child}), is supervised by
   * this actor's {@link ActorType#supervisorStrategy} for {@code type}, keeps its state in memory
   * only, and stops when this actor stops (passivation, a move, a restart or a failure included).
   * Fails with BAD_REQUEST for an unknown type or name and CONFLICT when the name is taken.
   */
  public ActorId spawn(String type, String name) {
    requireLoop();
    return hierarchy.spawn(self, type, name);
  }

  /** This actor's live children, in spawn order. */
  public List<ActorId> children() {
    requireLoop();
    return self.children.values().stream().map(c -> c.id).toList();
  }

  /**
   * Sends {@code message} to {@code target} and completes with its reply: straight into the mailbox
   * when the target is live on this node (a child, say; in order, without the bus), otherwise
   * through {@link #actors()}. The message is handed over, not copied. A parent may ask its
   * children; a child that asks its parent while the parent asks it waits for a timeout.
   */
  public Future<JsonObject> ask(ActorId target, JsonObject message) {
    if (!hierarchy.onLoop()) {
      Promise<JsonObject> reply = Promise.promise();
      host.runOnContext(v -> ask(target, message).onComplete(reply));
      return reply.future();
    }
    Activation local = hierarchy.find(target);
    if (local != null && !local.lifecycle().stopping()) {
      return pump.enqueue(local, message);
    }
    return actors.ask(target, message, null);
  }

  /** As {@link #ask}, without waiting for the reply: a failure (a full mailbox, say) is dropped. */
  public void tell(ActorId target, JsonObject message) {
    ask(target, message);
  }

  /** Stops the child {@code child} of this actor after its message in hand; its watchers hear. */
  public void stop(ActorId child) {
    requireLoop();
    hierarchy.stop(self, child);
  }

  /** Stops this actor once the message in hand is answered (and its state stored). */
  public void stopSelf() {
    requireLoop();
    if (self.stop(StopReason.STOPPED)) {
      pump.finish(self);
    }
  }

  /**
   * Signals this actor with a {@link Terminated} ({@link ActorType#onTerminated}) when {@code
   * target}, an actor live on this node (a child, or any actor of this host), stops; at once when
   * it is not live here ({@link StopReason#NOT_LIVE}).
   */
  public void watch(ActorId target) {
    requireLoop();
    hierarchy.watch(self, target);
  }

  public void unwatch(ActorId target) {
    requireLoop();
    hierarchy.unwatch(self, target);
  }

  private void requireLoop() {
    if (!hierarchy.onLoop()) {
      throw new IllegalStateException(
          "actor " + self.id + ": call the hierarchy from the handler, on its event loop");
    }
  }
}
