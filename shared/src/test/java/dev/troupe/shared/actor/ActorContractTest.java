package dev.troupe.shared.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ActorContract and ActorId")
class ActorContractTest {

  @Test
  @DisplayName("an envelope survives the round trip through JSON")
  void roundTrip() {
    var envelope =
        new ActorContract.Envelope(new ActorId("user", "ada"), new JsonObject().put("op", "hi"));
    assertThat(ActorContract.envelope(ActorContract.toJson(envelope))).isEqualTo(envelope);
  }

  @Test
  @DisplayName("a malformed envelope is a BAD_REQUEST")
  void malformed() {
    for (JsonObject bad :
        new JsonObject[] {
          new JsonObject(),
          new JsonObject().put("type", "user").put("key", "ada"),
          new JsonObject().put("type", "user").put("key", 7).put("message", new JsonObject()),
          new JsonObject().put("type", "User").put("key", "ada").put("message", new JsonObject()),
          new JsonObject().put("type", "user").put("key", "a/b").put("message", new JsonObject())
        }) {
      assertThatThrownBy(() -> ActorContract.envelope(bad))
          .as(bad.encode())
          .isInstanceOfSatisfying(
              TroupeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }
  }

  @Test
  @DisplayName(
      "an actor's state is stored under its type and key in the state store, not as a document")
  void stateKey() {
    ActorId id = new ActorId("room", "lobby");
    assertThat(id.stateKey().type()).isEqualTo("room");
    assertThat(id.stateKey().key()).isEqualTo("lobby");
    assertThat(id.placementKey()).isEqualTo("room/lobby");
  }

  @Test
  @DisplayName("a type name is at most 64 characters")
  void typeLength() {
    assertThat(ActorId.requireType("a".repeat(64))).hasSize(64);
    assertThatThrownBy(() -> ActorId.requireType("a".repeat(65)))
        .isInstanceOf(TroupeException.class);
  }
}
