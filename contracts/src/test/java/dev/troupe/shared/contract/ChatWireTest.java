package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.contract.ChatContract.ChatMessage;
import dev.troupe.shared.contract.ChatContract.HistoryQuery;
import dev.troupe.shared.contract.ChatContract.MembersQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The chat family reads its bodies with the one strict reader ({@link JsonFields}). */
@DisplayName("ChatWire")
class ChatWireTest {
  private static final ChatMessage MESSAGE =
      new ChatMessage("lobby", 7, "alice", "hello", Instant.parse("2026-01-31T12:00:00.5Z"));

  @Test
  @DisplayName("every request and the stored message survive the round trip")
  void roundTrips() {
    HistoryQuery history = new HistoryQuery("lobby", "alice", 3, 20);
    assertThat(ChatWire.HISTORY_QUERY.decode(ChatWire.HISTORY_QUERY.encode(history)))
        .isEqualTo(history);
    MembersQuery members = new MembersQuery("lobby", "alice", "bob", 2);
    assertThat(ChatWire.MEMBERS_QUERY.decode(ChatWire.MEMBERS_QUERY.encode(members)))
        .isEqualTo(members);
    assertThat(ChatWire.chatMessage(ChatWire.toJson(MESSAGE))).isEqualTo(MESSAGE);
    assertThat(ChatWire.toJson(MESSAGE).fieldNames())
        .containsExactly("room", "seq", "from", "text", "at");
    assertThat(ChatWire.toJson(MESSAGE).getString("at")).isEqualTo("2026-01-31T12:00:00.500Z");
  }

  @Test
  @DisplayName("integers follow the reader's rules: 5.0 is 5, a double past 9e15 is refused")
  void integersAreStrict() {
    JsonObject query = new JsonObject().put("room", "lobby").put("user", "alice");
    assertThat(ChatWire.historyQuery(query.copy().put("after", 5.0)).after()).isEqualTo(5);
    assertThat(ChatWire.historyQuery(query.copy()).limit()).isEqualTo(ChatContract.DEFAULT_LIMIT);
    assertThatThrownBy(() -> ChatWire.historyQuery(query.copy().put("after", 1.0e16)))
        .isInstanceOf(TroupeException.class)
        .hasMessageContaining("after must be an integer");
    assertThatThrownBy(() -> ChatWire.historyQuery(query.copy().put("limit", 4_294_967_297L)))
        .hasMessageContaining("limit must be 1 to 1000");
    assertThatThrownBy(() -> ChatWire.readMarker(query.copy()))
        .hasMessageContaining("seq must be an integer");
    assertThatThrownBy(() -> ChatWire.membersQuery(query.copy().put("after", 3)))
        .hasMessageContaining("after must be a string");
  }

  @Test
  @DisplayName("a stored message's instant is read as every instant is, naming the field")
  void instantsAreStrict() {
    assertThatThrownBy(() -> ChatWire.chatMessage(ChatWire.toJson(MESSAGE).put("at", "yesterday")))
        .isInstanceOf(TroupeException.class)
        .hasMessageContaining("at must be an ISO-8601 instant");
    assertThatThrownBy(() -> ChatWire.chatMessage(ChatWire.toJson(MESSAGE).put("seq", 0)))
        .hasMessageContaining("seq must be >= 1");
  }

  @Test
  @DisplayName("the replies of history, post and join read back as the room service writes them")
  void replies() {
    ChatMessage second =
        new ChatMessage("lobby", 8, "bob", "hi", Instant.parse("2026-01-31T12:00:01Z"));
    assertThat(ChatWire.history("lobby", ChatWire.history(List.of(MESSAGE, second))))
        .containsExactly(MESSAGE, second);
    assertThat(ChatWire.history("lobby", new JsonObject().put("items", new JsonArray()))).isEmpty();
    assertThat(ChatWire.postedSeq(new JsonObject().put("seq", 9))).isEqualTo(9);
    assertThat(ChatWire.memberCount(new JsonObject().put("members", 2).put("seq", 9))).isEqualTo(2);
    assertThatThrownBy(() -> ChatWire.history("lobby", new JsonObject()))
        .isInstanceOf(TroupeException.class)
        .hasMessageContaining("items must be an array of objects");
    JsonObject badItem =
        ChatWire.history(List.of(MESSAGE)).getJsonArray("items").getJsonObject(0).put("seq", 0);
    assertThatThrownBy(
            () ->
                ChatWire.history(
                    "lobby", new JsonObject().put("items", new JsonArray().add(badItem))))
        .hasMessageContaining("seq must be >= 1");
    assertThatThrownBy(() -> ChatWire.postedSeq(new JsonObject().put("seq", 0)))
        .hasMessageContaining("seq must be >= 1");
    assertThatThrownBy(() -> ChatWire.memberCount(new JsonObject().put("members", -1)))
        .hasMessageContaining("members must be >= 0");
  }
}
