package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.object;
import static dev.troupe.shared.contract.JsonFields.objects;
import static dev.troupe.shared.contract.JsonFields.optionalObject;
import static dev.troupe.shared.contract.JsonFields.optionalObjects;
import static dev.troupe.shared.contract.JsonFields.string;

import dev.troupe.shared.bus.Codec;
import dev.troupe.shared.contract.StateStoreContract.LoadedState;
import dev.troupe.shared.contract.StateStoreContract.MessageRange;
import dev.troupe.shared.contract.StateStoreContract.SaveState;
import dev.troupe.shared.contract.StateStoreContract.Saved;
import dev.troupe.shared.contract.StateStoreContract.StateKey;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The state store's JSON ({@link StateStoreContract}): actor state and stored chat messages, read
 * strictly through {@link JsonFields}.
 */
public final class StateWire {
  static {
    StrictJson.install();
  }

  public static final Codec<StateKey> STATE_KEY = Codec.of(StateWire::toJson, StateWire::stateKey);
  public static final Codec<LoadedState> LOADED_STATE =
      Codec.of(StateWire::toJson, StateWire::loadedState);
  public static final Codec<SaveState> SAVE_STATE =
      Codec.of(StateWire::toJson, StateWire::saveState);
  public static final Codec<Saved> SAVED = Codec.of(StateWire::toJson, StateWire::saved);
  public static final Codec<StoredMessage> STORED_MESSAGE =
      Codec.of(StateWire::toJson, StateWire::storedMessage);
  public static final Codec<MessageRange> MESSAGE_RANGE =
      Codec.of(StateWire::toJson, StateWire::messageRange);

  /** The reply of {@code messages}: {@code {"items":[message...]}}. */
  public static final Codec<List<JsonObject>> STORED_MESSAGES =
      Codec.of(StateWire::messages, StateWire::messages);

  private StateWire() {}

  public static JsonObject toJson(StateKey k) {
    return new JsonObject().put("type", k.type()).put("key", k.key());
  }

  public static StateKey stateKey(JsonObject json) {
    return new StateKey(string(json, "type"), string(json, "key"));
  }

  public static JsonObject toJson(LoadedState s) {
    return new JsonObject().put("version", s.version()).put("data", s.data());
  }

  public static LoadedState loadedState(JsonObject json) {
    return new LoadedState(optionalObject(json, "data"), longValue(json, "version"));
  }

  /** {@code messages} only when there are any: a save without them reads as before. */
  public static JsonObject toJson(SaveState s) {
    JsonObject json = toJson(s.key()).put("version", s.version()).put("data", s.data());
    if (!s.messages().isEmpty()) {
      JsonArray messages = new JsonArray();
      s.messages().forEach(m -> messages.add(toJson(m)));
      json.put("messages", messages);
    }
    return json;
  }

  public static SaveState saveState(JsonObject json) {
    List<JsonObject> raw = optionalObjects(json, "messages");
    if (raw.size() > StateStoreContract.MAX_SAVE_MESSAGES) {
      throw TroupeException.badRequest(
          "a save stores at most " + StateStoreContract.MAX_SAVE_MESSAGES + " messages");
    }
    List<StoredMessage> messages = new ArrayList<>(raw.size());
    raw.forEach(message -> messages.add(storedMessage(message)));
    return new SaveState(
        stateKey(json), longValue(json, "version"), object(json, "data"), messages);
  }

  public static JsonObject toJson(Saved saved) {
    return new JsonObject().put("version", saved.version());
  }

  public static Saved saved(JsonObject json) {
    return new Saved(longValue(json, "version"));
  }

  public static JsonObject toJson(StoredMessage m) {
    return new JsonObject().put("room", m.room()).put("seq", m.seq()).put("message", m.message());
  }

  public static StoredMessage storedMessage(JsonObject json) {
    return new StoredMessage(string(json, "room"), longValue(json, "seq"), object(json, "message"));
  }

  public static JsonObject toJson(MessageRange r) {
    return new JsonObject().put("room", r.room()).put("after", r.after()).put("last", r.last());
  }

  public static MessageRange messageRange(JsonObject json) {
    return new MessageRange(
        string(json, "room"), longValue(json, "after"), longValue(json, "last"));
  }

  /** The reply of {@code messages}. */
  public static JsonObject messages(List<JsonObject> items) {
    return new JsonObject().put("items", new JsonArray(new ArrayList<>(items)));
  }

  /** The messages of a {@code messages} reply. */
  public static List<JsonObject> messages(JsonObject reply) {
    return objects(reply, "items");
  }
}
