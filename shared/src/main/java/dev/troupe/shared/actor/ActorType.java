package dev.troupe.shared.actor;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * An actor type: private state of type {@code S}, messages of type {@code M}, and a handler. One
 * instance of the type serves every actor of it, so it must hold no per-actor fields; the runtime
 * keeps each actor's state and passes it in.
 *
 * <p>The runtime guarantees (see {@link ActorHost}): {@link #handle} of one actor never runs
 * concurrently with itself and sees messages in arrival order per sender; it runs on the host's
 * event loop, so it must never block (return a future instead). Treat the state as immutable:
 * return a new one through {@link Outcome#update}. A state mutated in place and then abandoned by a
 * throw is discarded: a handler that throws (or fails with anything but a {@link
 * dev.troupe.shared.contract.TroupeException}) restarts the actor from its stored state.
 *
 * <p>An actor may spawn children of any registered type ({@link ActorContext#spawn}); {@link
 * #supervisorStrategy} says what happens when one crashes, and {@link #onTerminated} hears of the
 * actors it watches stopping. A child's state lives in memory only: {@link #encodeState} and {@link
 * #decodeState} are not used for it.
 *
 * <p>Register types with {@link ActorTypes#register}, or list them as {@code
 * META-INF/services/dev.troupe.shared.actor.ActorType} providers. Every node that may own an actor
 * of the type (any node of the cluster) must know it.
 *
 * @param <S> the state; stored as JSON in db-service's state store under (name, key), never as a
 *     document
 * @param <M> the message, decoded from the JSON body that travelled the event bus
 */
public interface ActorType<S, M> {

  /** The type's name, {@code ^[a-z0-9][a-z0-9_-]{0,57}$}; part of every {@link ActorId}. */
  String name();

  /** The state of an actor never written before. */
  S initialState(String key);

  /** The state as the JSON document stored for it. */
  JsonObject encodeState(S state);

  /** The state read back from its stored document. */
  S decodeState(JsonObject json);

  /**
   * The message carried by {@code json}; throw a {@link dev.troupe.shared.contract.TroupeException}
   * with BAD_REQUEST (or any {@link IllegalArgumentException}) when it is not one.
   */
  M decodeMessage(JsonObject json);

  /**
   * Handles one message. A failed future with a {@link dev.troupe.shared.contract.TroupeException}
   * is a refusal (its code is the reply, the actor lives on); any other failure, or a throw, is a
   * crash that restarts the actor.
   */
  Future<Outcome<S>> handle(ActorContext context, S state, M message);

  /**
   * How this actor supervises its children of type {@code childType}: restart (the default, with
   * the host's restart intensity), resume, stop or escalate. Asked once per child, at its spawn.
   */
  default SupervisorStrategy supervisorStrategy(String childType) {
    return SupervisorStrategy.restart();
  }

  /**
   * Handles the signal that an actor this one watches ({@link ActorContext#watch}) has stopped. It
   * takes its turn in the mailbox like a message (ahead of waiting messages) and its outcome is
   * applied alike: a new state is stored, a crash restarts; its reply goes nowhere. By default
   * nothing changes.
   */
  default Future<Outcome<S>> onTerminated(ActorContext context, S state, Terminated terminated) {
    return Future.succeededFuture(Outcome.reply(null));
  }
}
