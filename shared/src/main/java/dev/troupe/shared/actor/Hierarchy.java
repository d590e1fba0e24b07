package dev.troupe.shared.actor;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.supervision.RestartIntensity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor hierarchies of one host: children (spawned, found, stopped with their parent),
 * supervision of their crashes by their parent's {@link SupervisorStrategy}, and watches with their
 * {@link Terminated} signals. Confined to the host's event loop.
 */
final class Hierarchy {
  private static final Logger LOG = LoggerFactory.getLogger(Hierarchy.class);

  /** A child's crash, escalated: its parent handles it as a crash of its own. */
  static final class Escalation extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Escalation(ActorId child, Throwable cause) {
      super("child " + child + " failed and its parent's strategy escalates", cause);
    }
  }

  private final Vertx vertx;
  private final ActorDirectory directory;
  private final ActorMetrics metrics;
  private final RestartIntensity hostIntensity;
  private final Thread loop;
  private MailboxPump pump;

  /**
   * @param loop the host's event-loop thread (messages run on duplicates of the host's context, so
   *     the thread is what tells that a caller is on it)
   */
  Hierarchy(
      Vertx vertx,
      ActorDirectory directory,
      ActorMetrics metrics,
      RestartIntensity hostIntensity,
      Thread loop) {
    this.vertx = vertx;
    this.loop = loop;
    this.directory = directory;
    this.metrics = metrics;
    this.hostIntensity = hostIntensity;
  }

  /** The pump that runs the children's mailboxes; set once, before any message. */
  void attach(MailboxPump pump) {
    this.pump = pump;
  }

  /** Whether the caller runs on the host's event loop. */
  boolean onLoop() {
    return Thread.currentThread() == loop;
  }

  /** A new child of {@code parent}, ready for messages at once. */
  ActorId spawn(Activation parent, String typeName, String name) {
    ActorType<Object, Object> type = ActorTypes.get(typeName);
    if (type == null) {
      throw TroupeException.badRequest("no actor type " + typeName);
    }
    if (parent.lifecycle().stopping()) {
      throw new TroupeException(
          ErrorCode.UNAVAILABLE, "actor " + parent.id + " is stopping: it spawns nothing");
    }
    ActorId id = parent.id.child(typeName, name);
    if (parent.children.containsKey(name)) {
      throw new TroupeException(
          ErrorCode.CONFLICT, "actor " + parent.id + " has a child named " + name + " already");
    }
    SupervisorStrategy strategy = parent.type.supervisorStrategy(typeName).resolved(hostIntensity);
    Activation child = Activation.child(parent, id, type, strategy, System.currentTimeMillis());
    parent.children.put(name, child);
    metrics.of(typeName).children.incrementAndGet();
    return id;
  }

  /** The activation of {@code id} live on this host (a child looked up through its ancestors). */
  Activation find(ActorId id) {
    Activation a;
    if (id.isChild()) {
      Activation parent = find(id.parent());
      a = parent == null ? null : parent.children.get(id.key());
    } else {
      a = directory.get(id);
    }
    return a != null && a.id.equals(id) ? a : null;
  }

  /** Stops the child {@code id} of {@code parent} after its message in hand; unknown: nothing. */
  void stop(Activation parent, ActorId id) {
    Activation child = id.isChild() && parent.id.equals(id.parent()) ? find(id) : null;
    if (child == null) {
      return;
    }
    if (child.stop(StopReason.STOPPED)) {
      finishChild(child, null);
    }
  }

  /**
   * Stops every child of {@code a}; completes once they and their subtrees have stopped. {@code a}
   * stops watching them first: an actor that stops or restarts is not told of its own children.
   */
  Future<Void> stopChildren(Activation a, StopReason reason) {
    if (a.children.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> stops = new ArrayList<>();
    for (Activation child : new ArrayList<>(a.children.values())) {
      child.watchers.remove(a);
      a.watching.remove(child);
      if (child.stop(reason)) {
        finishChild(child, null);
      }
      stops.add(child.stopped.future());
    }
    return Future.join(stops).mapEmpty();
  }

  /**
   * Takes the child {@code c} out of service: its waiting messages fail ({@code failure}, or
   * UNAVAILABLE), its own children stop, then its watchers are told. Idempotent.
   */
  void finishChild(Activation c, Throwable failure) {
    if (c.lifecycle() == ActivationState.STOPPED) {
      return;
    }
    c.moveTo(ActivationState.STOPPED);
    c.parent.children.remove(c.id.key(), c);
    metrics.of(c.id.type()).children.decrementAndGet();
    pump.failWaiting(
        c,
        failure != null
            ? failure
            : new TroupeException(
                ErrorCode.UNAVAILABLE, "actor " + c.id + " stopped (" + reasonOf(c).label() + ")"));
    stopChildren(c, StopReason.PARENT)
        .onComplete(
            done -> {
              terminated(c);
              c.stopped.complete();
            });
  }

  /** {@code watcher} gets a {@link Terminated} when the actor {@code id}, live here, stops. */
  void watch(Activation watcher, ActorId id) {
    Activation target = find(id);
    if (target == null || target.lifecycle().stopping()) {
      signal(watcher, new Terminated(id, target == null ? StopReason.NOT_LIVE : reasonOf(target)));
      return;
    }
    if (target != watcher && target.watchers.add(watcher)) {
      watcher.watching.add(target);
    }
  }

  void unwatch(Activation watcher, ActorId id) {
    Activation target = find(id);
    if (target != null) {
      target.watchers.remove(watcher);
      watcher.watching.remove(target);
    }
  }

  /** {@code a} has stopped: each of its live watchers gets a {@link Terminated}. */
  void terminated(Activation a) {
    Terminated signal = new Terminated(a.id, reasonOf(a));
    for (Activation watcher : a.watchers) {
      watcher.watching.remove(a);
      signal(watcher, signal);
    }
    a.watchers.clear();
    for (Activation target : a.watching) {
      target.watchers.remove(a);
    }
    a.watching.clear();
  }

  /**
   * Applies the parent's strategy to a crash of the child {@code c} (its handler in flight);
   * completes once the child may take its next message, or has been marked to stop.
   */
  Future<Void> childCrashed(Activation c, Throwable cause) {
    Directive directive = c.strategy.directive();
    ActorMetrics.PerType meters = metrics.of(c.id.type());
    meters.supervised(directive);
    switch (directive) {
      case RESUME:
        return Future.succeededFuture();
      case STOP:
        c.stop(StopReason.FAILED);
        return Future.succeededFuture();
      case ESCALATE:
        c.stop(StopReason.FAILED);
        escalate(c.parent, new Escalation(c.id, cause));
        return Future.succeededFuture();
      case RESTART:
      default:
        Optional<RestartIntensity.Restarts> next =
            c.strategy.intensity().add(c.restarts, System.currentTimeMillis());
        if (next.isEmpty()) {
          LOG.warn("child actor {} crashed too often; stopping it", c.id);
          c.stop(StopReason.FAILED);
          return Future.succeededFuture();
        }
        c.restarts = next.get();
        meters.restarts.increment();
        long backoff = c.strategy.backoffMs(c.restarts.count());
        return stopChildren(c, StopReason.PARENT)
            .compose(v -> backoff == 0 ? Future.<Void>succeededFuture() : delay(backoff))
            .map(
                v -> {
                  c.state = c.type.initialState(c.id.key());
                  return null;
                });
    }
  }

  private void escalate(Activation parent, Escalation failure) {
    if (parent.lifecycle().stopping()) {
      return;
    }
    parent.signals.add(new Activation.Pending(null, failure, Promise.promise()));
    pump.drain(parent);
  }

  private void signal(Activation watcher, Terminated terminated) {
    if (watcher.lifecycle().stopping()) {
      return;
    }
    watcher.signals.add(new Activation.Pending(null, terminated, Promise.promise()));
    pump.drain(watcher);
  }

  private Future<Void> delay(long ms) {
    Promise<Void> waited = Promise.promise();
    vertx.setTimer(ms, t -> waited.complete());
    return waited.future();
  }

  private static StopReason reasonOf(Activation a) {
    return a.stopReason() == null ? StopReason.FAILED : a.stopReason();
  }
}
