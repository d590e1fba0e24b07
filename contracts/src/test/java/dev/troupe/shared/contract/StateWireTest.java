package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.contract.StateStoreContract.LoadedState;
import dev.troupe.shared.contract.StateStoreContract.SaveState;
import dev.troupe.shared.contract.StateStoreContract.StateKey;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The state store's bodies, read with the one strict reader ({@link JsonFields}). */
@DisplayName("StateWire")
class StateWireTest {
  private static final StateKey KEY = new StateKey("chat-room", "lobby");

  @Test
  @DisplayName("a save with its messages, a loaded state and a range survive the round trip")
  void roundTrips() {
    SaveState save =
        new SaveState(
            KEY,
            4,
            new JsonObject().put("seq", 1),
            List.of(new StoredMessage("lobby", 1, new JsonObject().put("text", "hi"))));
    assertThat(StateWire.SAVE_STATE.decode(StateWire.SAVE_STATE.encode(save))).isEqualTo(save);
    assertThat(StateWire.SAVE_STATE.encode(new SaveState(KEY, 0, new JsonObject())).fieldNames())
        .doesNotContain("messages");
    LoadedState absent = new LoadedState(null, 0);
    assertThat(StateWire.LOADED_STATE.decode(StateWire.LOADED_STATE.encode(absent)))
        .isEqualTo(absent);
    assertThat(StateWire.SAVED.decode(new JsonObject().put("version", 5)).version()).isEqualTo(5);
    List<JsonObject> items = List.of(new JsonObject().put("seq", 1));
    assertThat(StateWire.STORED_MESSAGES.decode(StateWire.STORED_MESSAGES.encode(items)))
        .isEqualTo(items);
  }

  @Test
  @DisplayName("a malformed body is a BAD_REQUEST naming the field")
  void strict() {
    JsonObject save = StateWire.toJson(new SaveState(KEY, 1, new JsonObject()));
    assertThatThrownBy(() -> StateWire.saveState(save.copy().put("version", "1")))
        .isInstanceOf(TroupeException.class)
        .hasMessageContaining("version must be an integer");
    assertThatThrownBy(() -> StateWire.saveState(save.copy().put("version", 1.0e16)))
        .hasMessageContaining("version must be an integer");
    assertThatThrownBy(() -> StateWire.saveState(save.copy().putNull("data")))
        .hasMessageContaining("data must be a JSON object");
    assertThatThrownBy(() -> StateWire.saveState(save.copy().put("messages", "none")))
        .hasMessageContaining("messages must be an array of objects");
    assertThatThrownBy(() -> StateWire.stateKey(new JsonObject().put("type", 3).put("key", "k")))
        .hasMessageContaining("type must be a string");
  }
}
