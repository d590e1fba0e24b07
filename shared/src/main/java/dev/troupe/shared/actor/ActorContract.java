package dev.troupe.shared.actor;

import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The actor hosts' wire contract. Each node's {@link ActorHost} consumes {@code
 * troupe.actor.v1.<member uuid>}, the address of its Hazelcast member; {@link Actors} sends a
 * message for an actor to the host of the member owning the actor's partition.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code ask}</td><td>{@code {"type","key","message":{...}}}</td><td>the handler's reply; MOVED when this
 *       node does not serve the actor (nothing was done: send again to the current owner); UNAVAILABLE when its
 *       mailbox is full or it crashed too often; BAD_REQUEST for an unknown type or a bad message</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"actors","live":n}}</td></tr>
 * </table>
 */
public final class ActorContract {
  /** Prefix of the per-member host addresses. */
  public static final String ADDRESS_PREFIX = "troupe.actor.v1.";

  public static final String ASK = "ask";

  private ActorContract() {}

  /** The address of the actor host on the member {@code member}. */
  public static String hostAddress(UUID member) {
    return ADDRESS_PREFIX + member;
  }

  /** One message for one actor, as it travels to the actor's host. */
  public record Envelope(ActorId id, JsonObject message) {
    public Envelope {
      if (message == null) {
        throw TroupeException.badRequest("message must be a JSON object");
      }
    }
  }

  public static JsonObject toJson(Envelope envelope) {
    return new JsonObject()
        .put("type", envelope.id().type())
        .put("key", envelope.id().key())
        .put("message", envelope.message());
  }

  public static Envelope envelope(JsonObject json) {
    Object type = json.getValue("type");
    Object key = json.getValue("key");
    Object message = json.getValue("message");
    if (!(type instanceof String t) || !(key instanceof String k)) {
      throw TroupeException.badRequest("type and key must be strings");
    }
    if (!(message instanceof JsonObject m)) {
      throw TroupeException.badRequest("message must be a JSON object");
    }
    return new Envelope(new ActorId(t, k), m);
  }
}
