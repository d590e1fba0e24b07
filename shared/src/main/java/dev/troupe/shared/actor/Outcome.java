package dev.troupe.shared.actor;

import io.vertx.core.json.JsonObject;

/**
 * What a handler decided: a reply, and maybe a new state. A new state is written through to
 * db-service before the reply leaves, so a reply to a state-changing message means the change is
 * durable; when the write fails, the actor keeps its old state and the sender gets the failure.
 *
 * @param <S> the actor's state type
 * @param state the new state, or null to keep the current one (nothing is written)
 * @param reply the reply body (null replies with an empty object); handed to the caller without a copy
 *     when it is on the same node, so it must share no mutable part with the state
 */
public record Outcome<S>(S state, JsonObject reply) {

  /** Replies, leaving the state as it is. */
  public static <S> Outcome<S> reply(JsonObject reply) {
    return new Outcome<>(null, reply);
  }

  /** Replaces the state (written through before the reply is sent), then replies. */
  public static <S> Outcome<S> update(S state, JsonObject reply) {
    if (state == null) {
      throw new IllegalArgumentException("the new state must not be null");
    }
    return new Outcome<>(state, reply);
  }

  boolean changesState() {
    return state != null;
  }
}
