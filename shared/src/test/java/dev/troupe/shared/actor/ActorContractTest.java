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
  @DisplayName(
      "a child's envelope names its ancestors, is placed with its top-level ancestor and survives JSON")
  void childRoundTrip() {
    ActorId child = new ActorId("user", "ada").child("session", "s1").child("probe", "p");
    var envelope = new ActorContract.Envelope(child, new JsonObject().put("op", "hi"));
    assertThat(ActorContract.envelope(ActorContract.toJson(envelope))).isEqualTo(envelope);
    assertThat(child.placementKey()).isEqualTo("user/ada");
    assertThat(child.root()).isEqualTo(new ActorId("user", "ada"));
    assertThat(child.depth()).isEqualTo(2);
    assertThat(child).hasToString("user/ada/session/s1/probe/p");
  }

  @Test
  @DisplayName("a child deeper than the limit, or with a parent that is not an object, is refused")
  void childLimits() {
    ActorId deep = new ActorId("t", "root");
    for (int i = 0; i < ActorId.MAX_DEPTH; i++) {
      deep = deep.child("t", "c" + i);
    }
    ActorId deepest = deep;
    assertThatThrownBy(() -> deepest.child("t", "one-more")).isInstanceOf(TroupeException.class);
    assertThatThrownBy(
            () ->
                ActorContract.envelope(
                    new JsonObject()
                        .put("type", "t")
                        .put("key", "k")
                        .put("parent", "t/root")
                        .put("message", new JsonObject())))
        .isInstanceOf(TroupeException.class);
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
