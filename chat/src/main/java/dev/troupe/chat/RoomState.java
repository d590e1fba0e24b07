package dev.troupe.chat;

import dev.troupe.shared.contract.ChatContract.ChatMessage;
import dev.troupe.shared.contract.ChatWire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A room's state, immutable: its members (sorted), the number of its last message, and its last
 * {@value #RECENT} messages, oldest first.
 */
public record RoomState(List<String> members, long seq, List<ChatMessage> recent) {
  /** How many of the last messages a room keeps in its state. */
  public static final int RECENT = 100;

  static final RoomState EMPTY = new RoomState(List.of(), 0, List.of());

  public RoomState {
    members = List.copyOf(new TreeSet<>(members));
    recent = List.copyOf(recent);
  }

  /** The number of the oldest message kept in memory; past the last one when none is. */
  long firstRecentSeq() {
    return recent.isEmpty() ? seq + 1 : recent.get(0).seq();
  }

  RoomState withMember(String user) {
    List<String> next = new ArrayList<>(members);
    next.add(user);
    return new RoomState(next, seq, recent);
  }

  RoomState withoutMember(String user) {
    List<String> next = new ArrayList<>(members);
    next.remove(user);
    return new RoomState(next, seq, recent);
  }

  RoomState withMessage(ChatMessage message) {
    List<ChatMessage> next = new ArrayList<>(recent);
    next.add(message);
    if (next.size() > RECENT) {
      next = next.subList(next.size() - RECENT, next.size());
    }
    return new RoomState(members, message.seq(), next);
  }

  JsonObject toJson() {
    JsonArray messages = new JsonArray();
    recent.forEach(m -> messages.add(ChatWire.toJson(m)));
    return new JsonObject()
        .put("members", new JsonArray(new ArrayList<>(members)))
        .put("seq", seq)
        .put("recent", messages);
  }

  static RoomState fromJson(JsonObject json) {
    List<String> members = new ArrayList<>();
    json.getJsonArray("members", new JsonArray()).forEach(m -> members.add((String) m));
    List<ChatMessage> recent = new ArrayList<>();
    json.getJsonArray("recent", new JsonArray())
        .forEach(m -> recent.add(ChatWire.chatMessage((JsonObject) m)));
    return new RoomState(members, json.getLong("seq", 0L), recent);
  }
}
