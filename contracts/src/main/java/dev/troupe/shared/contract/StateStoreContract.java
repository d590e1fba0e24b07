package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * db-service's store of the state Troupe keeps for itself: actor state (table {@code
 * troupe_actor_state}) and chat messages ({@code troupe_chat_messages}). It is not the document
 * store: nothing here is a document, so no document route, batch, job, change row, change event or
 * cache entry ever holds it, and its address is not one a bridge may be opened to. Only the actor
 * runtime and the chat service call it; each piece of state has exactly one writer (the actor that
 * owns it). Each action is declared here once; {@link StateWire} maps the records to JSON.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code load}</td><td>{@link StateKey} {@code {"type","key"}}</td><td>{@link LoadedState}
 *       {@code {"version":n,"data":{...}|null}}; version {@code 0} and no data when never written</td></tr>
 *   <tr><td>{@code save}</td><td>{@link SaveState} {@code {"type","key","version","data","messages"?:[stored message...]}}</td><td>{@code {"version":n}}, the
 *       new version; 412 unless the stored version is {@code version} ({@code 0}: none stored), so a write from
 *       an activation that missed a newer write fails instead of overwriting it. The messages (as {@code putMessage}
 *       takes them) are stored in the same transaction: a chat post is one commit, and a stale room's post
 *       stores nothing</td></tr>
 *   <tr><td>{@code putMessage}</td><td>{@link StoredMessage} {@code {"room","seq","message"}}</td><td>{@code {}}; a message
 *       stored under a number already stored replaces it (the room counts a number only once its state
 *       committed it, so a number stored but never counted is taken again by the next post)</td></tr>
 *   <tr><td>{@code messages}</td><td>{@link MessageRange} {@code {"room","after","last"}}</td><td>{@code {"items":[message...]}}:
 *       the stored messages numbered above {@code after} and up to {@code last}, in order</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"state-store"}}</td></tr>
 * </table>
 */
public final class StateStoreContract {
  /** The versioned address db-service's state store consumes. */
  public static final String ADDRESS = "troupe.db.state.v1";

  public static final Action<StateKey, LoadedState> LOAD =
      Action.idempotent(
          ADDRESS,
          "load",
          StateWire.STATE_KEY,
          StateWire.LOADED_STATE,
          "an actor's state and its version (0: never written)");

  /**
   * Conditional on the version: a second send of a save that committed fails with 412 instead of
   * answering its version, so it is sent once; the actor reloads and tries again itself.
   */
  public static final Action<SaveState, Saved> SAVE =
      Action.once(
          ADDRESS,
          "save",
          StateWire.SAVE_STATE,
          StateWire.SAVED,
          "writes an actor's state over a version, with the messages it stores, in one commit");

  /** Storing a message under its number again replaces it with itself. */
  public static final Action<StoredMessage, JsonObject> PUT_MESSAGE =
      Action.idempotent(
          ADDRESS,
          "putMessage",
          StateWire.STORED_MESSAGE,
          Codec.json(),
          "stores a chat message under its number in its room");

  public static final Action<MessageRange, List<JsonObject>> MESSAGES =
      Action.idempotent(
          ADDRESS,
          "messages",
          StateWire.MESSAGE_RANGE,
          StateWire.STORED_MESSAGES,
          "a room's stored messages in a range of numbers, in order");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of the state store. */
  public static final List<Action<?, ?>> ACTIONS = List.of(LOAD, SAVE, PUT_MESSAGE, MESSAGES, PING);

  /** Most messages one {@code messages} call returns. */
  public static final int MAX_RANGE = 1000;

  /** Most messages one {@code save} stores with its state. */
  public static final int MAX_SAVE_MESSAGES = 16;

  /** Longest actor type name. */
  public static final int MAX_TYPE = 64;

  private StateStoreContract() {}

  /**
   * Fails with BAD_REQUEST unless {@code type} can name an actor type: {@code
   * ^[a-z0-9][a-z0-9_-]{0,63}$}.
   */
  public static String requireType(String type) {
    if (type == null || type.length() > MAX_TYPE || !DocKey.isCollection(type)) {
      throw TroupeException.badRequest(
          "an actor type name must match ^[a-z0-9][a-z0-9_-]{0,63}$, got "
              + (type == null
                  ? "nothing"
                  : '"' + type.substring(0, Math.min(type.length(), 80)) + '"'));
    }
    return type;
  }

  /**
   * One actor's state: its type's name ({@code [a-z0-9][a-z0-9_-]{0,63}}) and its key (a document
   * id's rules).
   */
  public record StateKey(String type, String key) {
    public StateKey {
      requireType(type);
      DocKey.requireId(key);
    }

    @Override
    public String toString() {
      return type + "/" + key;
    }
  }

  /** A state as loaded: {@code data} null and {@code version} 0 when none is stored. */
  public record LoadedState(JsonObject data, long version) {
    public LoadedState {
      if (version < 0 || (version == 0) != (data == null)) {
        throw TroupeException.badRequest(
            "a loaded state has data exactly when its version is >= 1");
      }
    }
  }

  /**
   * A state to write over {@code version} ({@code 0}: none may be stored yet), and the messages
   * stored with it in the same transaction (at most {@link #MAX_SAVE_MESSAGES}): both or neither. A
   * save whose version is stale writes none of its messages.
   */
  public record SaveState(
      StateKey key, long version, JsonObject data, List<StoredMessage> messages) {
    public SaveState {
      Objects.requireNonNull(key, "key");
      if (version < 0) {
        throw TroupeException.badRequest("version must be >= 0");
      }
      if (data == null) {
        throw TroupeException.badRequest("data must be an object");
      }
      messages = messages == null ? List.of() : List.copyOf(messages);
      if (messages.size() > MAX_SAVE_MESSAGES) {
        throw TroupeException.badRequest(
            "a save stores at most " + MAX_SAVE_MESSAGES + " messages");
      }
    }

    /** A state alone. */
    public SaveState(StateKey key, long version, JsonObject data) {
      this(key, version, data, List.of());
    }
  }

  /** The reply to a save: the state's new version. */
  public record Saved(long version) {
    public Saved {
      if (version < 1) {
        throw TroupeException.badRequest("a saved version is >= 1, got " + version);
      }
    }
  }

  /**
   * A chat message under its number in its room; {@code message} is the chat contract's message
   * object.
   */
  public record StoredMessage(String room, long seq, JsonObject message) {
    public StoredMessage {
      ChatContract.requireRoom(room);
      if (seq < 1) {
        throw TroupeException.badRequest("seq must be >= 1");
      }
      if (message == null) {
        throw TroupeException.badRequest("message must be an object");
      }
    }
  }

  /**
   * The messages of {@code room} numbered in {@code (after, last]}, at most {@link #MAX_RANGE} of
   * them.
   */
  public record MessageRange(String room, long after, long last) {
    public MessageRange {
      ChatContract.requireRoom(room);
      if (after < 0 || last < after || last - after > MAX_RANGE) {
        throw TroupeException.badRequest(
            "after must be >= 0 and last from after to after + " + MAX_RANGE);
      }
    }
  }
}
