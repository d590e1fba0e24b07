package dev.troupe.shared.actor;

import static dev.troupe.shared.contract.JsonFields.object;
import static dev.troupe.shared.contract.JsonFields.string;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Codec;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * The actor hosts' wire contract. Each node's {@link ActorHost} consumes {@code
 * troupe.actor.v1.<member uuid>}, the address of its Hazelcast member; {@link Actors} sends a
 * message for an actor to the host of the member owning the actor's partition.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code ask}</td><td>{@code {"type","key","parent"?,"message":{...}}}</td><td>the handler's reply; MOVED when this
 *       node does not serve the actor (nothing was done: send again to the current owner); UNAVAILABLE when its
 *       mailbox is full or it crashed too often; BAD_REQUEST for an unknown type or a bad message; NOT_FOUND for a
 *       child that is not live. A child names its parent in {@code parent}, {@code {"type","key","parent"?}}, nested up
 *       to its top-level ancestor</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"actors","live":n}}</td></tr>
 * </table>
 */
public final class ActorContract {
  /** Prefix of the per-member host addresses. */
  public static final String ADDRESS_PREFIX = "troupe.actor.v1.";

  /** The envelope's JSON, read through the one strict reader. */
  public static final Codec<Envelope> ENVELOPE =
      Codec.of(ActorContract::toJson, ActorContract::envelope);

  /**
   * A message for an actor, as declared on the documented channel {@code troupe.actor.v1.{member}};
   * it is sent to one member's host with {@link #askOn}. An actor's handler may do anything, so a
   * message that may have reached it is never resent ({@link Actors} sends again only what was not
   * processed: MOVED or no host).
   */
  public static final Action<Envelope, JsonObject> ASK =
      Action.once(
          ADDRESS_PREFIX + "{member}",
          "ask",
          ENVELOPE,
          Codec.json(),
          "a message for one actor, to the host of the member owning its partition");

  /** Every action of the actor hosts (ping answers on each host's address as well). */
  public static final List<Action<?, ?>> ACTIONS = List.of(ASK);

  private ActorContract() {}

  /** The address of the actor host on the member {@code member}. */
  public static String hostAddress(UUID member) {
    return ADDRESS_PREFIX + member;
  }

  /** {@link #ASK} addressed to the host on the member {@code member}. */
  public static Action<Envelope, JsonObject> askOn(UUID member) {
    return Action.once(hostAddress(member), ASK.name(), ASK.request(), ASK.reply(), ASK.summary());
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
    return toJson(envelope.id()).put("message", envelope.message());
  }

  public static Envelope envelope(JsonObject json) {
    return new Envelope(actorId(json, 0), object(json, "message"));
  }

  private static JsonObject toJson(ActorId id) {
    JsonObject json = new JsonObject().put("type", id.type()).put("key", id.key());
    return id.parent() == null ? json : json.put("parent", toJson(id.parent()));
  }

  private static ActorId actorId(JsonObject json, int depth) {
    Object parent = json.getValue("parent");
    if (parent != null && !(parent instanceof JsonObject)) {
      throw TroupeException.badRequest("parent must be an object");
    }
    if (parent != null && depth >= ActorId.MAX_DEPTH) {
      throw TroupeException.badRequest(
          "an actor may have at most " + ActorId.MAX_DEPTH + " ancestors");
    }
    return new ActorId(
        string(json, "type"),
        string(json, "key"),
        parent == null ? null : actorId((JsonObject) parent, depth + 1));
  }
}
