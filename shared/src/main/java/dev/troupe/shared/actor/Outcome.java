package dev.troupe.shared.actor;

import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a handler decided: a reply, maybe a new state, and maybe an effect. A new state is written
 * through to db-service before the reply leaves, so a reply to a state-changing message means the
 * change is durable; when the write fails, the actor keeps its old state, the effect does not run
 * and the sender gets the failure.
 *
 * @param <S> the actor's state type
 * @param state the new state, or null to keep the current one (nothing is written)
 * @param reply the reply body (null replies with an empty object); handed to the caller without a
 *     copy when it is on the same node, so it must share no mutable part with the state
 * @param effect run on the actor's event loop once the new state is stored (at once when there is
 *     none), before the reply: for what must happen only for a committed change, e.g. publishing it
 * @param messages messages the state store keeps beside the new state, written in the same
 *     transaction (a chat room's post: the message and the room's count of it are one commit)
 */
public record Outcome<S>(S state, JsonObject reply, Runnable effect, List<StoredMessage> messages) {

  public Outcome {
    messages = messages == null ? List.of() : List.copyOf(messages);
    if (!messages.isEmpty() && state == null) {
      throw new IllegalArgumentException("messages are stored with a new state only");
    }
  }

  /** Replies, leaving the state as it is. */
  public static <S> Outcome<S> reply(JsonObject reply) {
    return new Outcome<>(null, reply, null, List.of());
  }

  /** Replaces the state (written through before the reply is sent), then replies. */
  public static <S> Outcome<S> update(S state, JsonObject reply) {
    if (state == null) {
      throw new IllegalArgumentException("the new state must not be null");
    }
    return new Outcome<>(state, reply, null, List.of());
  }

  /** This outcome, with {@code effect} run once its state is stored. */
  public Outcome<S> then(Runnable effect) {
    return new Outcome<>(state, reply, effect, messages);
  }

  /** This outcome, with {@code message} stored in the transaction that stores its new state. */
  public Outcome<S> storing(StoredMessage message) {
    List<StoredMessage> more = new ArrayList<>(messages);
    more.add(message);
    return new Outcome<>(state, reply, effect, more);
  }

  boolean changesState() {
    return state != null;
  }
}
