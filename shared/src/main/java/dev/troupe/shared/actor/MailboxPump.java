package dev.troupe.shared.actor;

import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailboxes of one host: queues each actor's messages (up to the mailbox limit) and hands them
 * to its handler one at a time, in order; writes the new state before the reply; restarts a crashed
 * actor from its stored state as its {@link RestartPolicy} allows. Confined to the host's event
 * loop.
 */
final class MailboxPump {
  private static final Logger LOG = LoggerFactory.getLogger(MailboxPump.class);

  private final Context context;
  private final Actors actors;
  private final ActorDirectory directory;
  private final ActivationPersistence persistence;
  private final ActorMetrics metrics;
  private final Hierarchy hierarchy;
  private final int capacity;
  private final BiConsumer<Activation, Throwable> finish;

  /**
   * @param capacity the messages that may wait for one actor ({@code TROUPE_ACTOR_MAILBOX})
   * @param finish stops an activation (with the failure its waiting messages get, or null) once it
   *     is to stop and has nothing in flight
   */
  MailboxPump(
      Context context,
      Actors actors,
      ActorDirectory directory,
      ActivationPersistence persistence,
      ActorMetrics metrics,
      Hierarchy hierarchy,
      int capacity,
      BiConsumer<Activation, Throwable> finish) {
    this.context = context;
    this.actors = actors;
    this.directory = directory;
    this.persistence = persistence;
    this.metrics = metrics;
    this.hierarchy = hierarchy;
    this.capacity = capacity;
    this.finish = finish;
  }

  /** Queues {@code message} for {@code a}; completes with the handler's reply. */
  Future<JsonObject> enqueue(Activation a, JsonObject message) {
    if (a.mailbox.size() >= capacity) {
      metrics.of(a.id.type()).rejected.increment();
      return Future.failedFuture(
          new TroupeException(
              ErrorCode.UNAVAILABLE,
              "the mailbox of actor "
                  + a.id
                  + " is full ("
                  + capacity
                  + " messages); retry shortly"));
    }
    Promise<JsonObject> reply = Promise.promise();
    a.mailbox.add(new Activation.Pending(message, reply));
    metrics.of(a.id.type()).queued.incrementAndGet();
    drain(a);
    return reply.future();
  }

  /**
   * Hands the next signal, or else message, to the handler when {@code a} is ready; stops a
   * top-level {@code a} instead when its key moved away.
   */
  void drain(Activation a) {
    if (a.lifecycle() != ActivationState.READY) {
      return;
    }
    // A child moves with its parent: the parent's stop stops it.
    if (a.parent == null && !directory.owns(a.id) && a.stop(StopReason.MOVED)) {
      finish.accept(a, null);
      return;
    }
    Activation.Pending next = a.signals.poll();
    ActorMetrics.PerType meters = metrics.of(a.id.type());
    if (next == null) {
      next = a.mailbox.poll();
      if (next == null) {
        return;
      }
      meters.queued.decrementAndGet();
    }
    a.moveTo(ActivationState.HANDLING);
    long start = System.nanoTime();
    handle(a, next)
        .onComplete(
            done -> {
              meters.handled(start);
              a.lastActiveMs = System.currentTimeMillis();
              if (a.resume(ActivationState.READY)) {
                drain(a);
              } else {
                finish.accept(a, null);
              }
            });
  }

  /** Stops {@code a}, which has nothing in flight, now. */
  void finish(Activation a) {
    finish.accept(a, null);
  }

  /** Fails every message still waiting for {@code a} with {@code answer}; drops its signals. */
  void failWaiting(Activation a, Throwable answer) {
    a.signals.clear();
    ActorMetrics.PerType meters = metrics.of(a.id.type());
    for (Activation.Pending waiting; (waiting = a.mailbox.poll()) != null; ) {
      meters.queued.decrementAndGet();
      waiting.reply().fail(answer);
    }
  }

  /**
   * Handles one message; completes (on this context) once it is answered and the actor is ready
   * again.
   */
  private Future<Void> handle(Activation a, Activation.Pending next) {
    Object message = null;
    if (next.signal() == null) {
      try {
        message = a.type.decodeMessage(next.message());
      } catch (RuntimeException e) {
        next.reply()
            .fail(
                e instanceof TroupeException te
                    ? te
                    : TroupeException.badRequest(
                        "not a message for actor type " + a.id.type() + ": " + e.getMessage()));
        return Future.succeededFuture();
      }
    }
    Future<Outcome<Object>> outcome;
    try {
      ActorContext ctx = new ActorContext(a, context, actors, hierarchy, this);
      if (next.signal() instanceof Terminated terminated) {
        outcome = a.type.onTerminated(ctx, a.state, terminated);
      } else if (next.signal() instanceof Hierarchy.Escalation escalation) {
        outcome = Future.failedFuture(escalation);
      } else {
        outcome = a.type.handle(ctx, a.state, message);
      }
      if (outcome == null) {
        outcome = Future.failedFuture(new IllegalStateException("the handler returned no future"));
      }
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return onContext(outcome)
        .transform(
            ar -> {
              if (ar.failed()) {
                return refusedOrCrashed(a, next, ar.cause());
              }
              Outcome<Object> result = ar.result();
              if (result == null) {
                return refusedOrCrashed(
                    a, next, new IllegalStateException("the handler returned no outcome"));
              }
              return commit(a, next, result);
            });
  }

  /** Stores the outcome's new state, if any, then runs its effect and replies. */
  private Future<Void> commit(Activation a, Activation.Pending next, Outcome<Object> result) {
    JsonObject reply = result.reply() == null ? new JsonObject() : result.reply();
    if (!result.changesState()) {
      runEffect(a, result);
      next.reply().complete(reply);
      return Future.succeededFuture();
    }
    if (a.parent != null) {
      if (!result.messages().isEmpty()) {
        return refusedOrCrashed(
            a,
            next,
            new IllegalStateException("a child's state is not stored: it stores no messages"));
      }
      a.state = result.state();
      runEffect(a, result);
      next.reply().complete(reply);
      return Future.succeededFuture();
    }
    JsonObject encoded;
    try {
      encoded = a.type.encodeState(result.state());
    } catch (RuntimeException e) {
      return refusedOrCrashed(a, next, e);
    }
    return persistence
        .save(a, result.state(), encoded, result.messages())
        .transform(
            saved -> {
              if (saved.succeeded()) {
                runEffect(a, result);
                next.reply().complete(reply);
                return Future.succeededFuture();
              }
              if (ActivationPersistence.stale(saved.cause())) {
                // Someone else wrote this actor's state: this activation is stale. Refuse and
                // reload.
                next.reply()
                    .fail(
                        new TroupeException(
                            ErrorCode.CONFLICT,
                            "the state of actor " + a.id + " changed elsewhere; retry"));
                return restart(a, saved.cause());
              }
              next.reply().fail(Failures.normalise(saved.cause()));
              return Future.succeededFuture();
            });
  }

  /**
   * Runs the outcome's effect; the state is committed already, so a failing effect is only logged.
   */
  private static void runEffect(Activation a, Outcome<Object> outcome) {
    if (outcome.effect() == null) {
      return;
    }
    try {
      outcome.effect().run();
    } catch (RuntimeException e) {
      LOG.warn("the effect of a message to actor {} failed after its state was stored", a.id, e);
    }
  }

  private Future<Void> refusedOrCrashed(Activation a, Activation.Pending next, Throwable cause) {
    if (cause instanceof TroupeException refusal) {
      next.reply().fail(refusal);
      return Future.succeededFuture();
    }
    LOG.warn("actor {} crashed handling a message", a.id, cause);
    next.reply().fail(new TroupeException(ErrorCode.INTERNAL, "actor " + a.id + " failed"));
    return restart(a, cause);
  }

  /**
   * A child: as its parent's strategy says. A top-level actor: stops its children and reloads the
   * stored state, if the restart policy allows; otherwise marks the actor to stop.
   */
  private Future<Void> restart(Activation a, Throwable cause) {
    if (a.parent != null) {
      return hierarchy.childCrashed(a, cause);
    }
    if (!a.policy.restart(a.id, cause, System.currentTimeMillis())) {
      LOG.warn("actor {} crashed too often; stopping it", a.id);
      a.stop(StopReason.FAILED);
      return Future.succeededFuture();
    }
    metrics.of(a.id.type()).restarts.increment();
    return hierarchy
        .stopChildren(a, StopReason.PARENT)
        .compose(v -> persistence.load(a))
        .recover(
            e -> {
              LOG.warn(
                  "actor {} could not reload its state; stopping it: {}", a.id, e.getMessage());
              a.stop(StopReason.FAILED);
              return Future.succeededFuture();
            });
  }

  /** {@code future}, completed on this host's context whatever thread completes the original. */
  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(
        ar -> {
          if (Vertx.currentContext() == context) {
            promise.handle(ar);
          } else {
            context.runOnContext(v -> promise.handle(ar));
          }
        });
    return promise.future();
  }
}
