package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.instant;
import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.optionalString;
import static dev.troupe.shared.contract.JsonFields.string;

import dev.troupe.shared.bus.Codec;
import dev.troupe.shared.contract.ChatContract.ChatMessage;
import dev.troupe.shared.contract.ChatContract.HistoryQuery;
import dev.troupe.shared.contract.ChatContract.MembersQuery;
import dev.troupe.shared.contract.ChatContract.Membership;
import dev.troupe.shared.contract.ChatContract.Post;
import dev.troupe.shared.contract.ChatContract.ReadMarker;
import dev.troupe.shared.contract.ChatContract.StreamEvent;
import dev.troupe.shared.contract.ChatContract.UserQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat family's JSON: the requests of {@link ChatContract} and the stored and published
 * message, read strictly through {@link JsonFields} (a malformed field is a BAD_REQUEST naming it).
 */
public final class ChatWire {
  static {
    StrictJson.install();
  }

  public static final Codec<Membership> MEMBERSHIP =
      Codec.of(ChatWire::toJson, ChatWire::membership);
  public static final Codec<Post> POST = Codec.of(ChatWire::toJson, ChatWire::post);
  public static final Codec<HistoryQuery> HISTORY_QUERY =
      Codec.of(ChatWire::toJson, ChatWire::historyQuery);
  public static final Codec<ReadMarker> READ_MARKER =
      Codec.of(ChatWire::toJson, ChatWire::readMarker);
  public static final Codec<MembersQuery> MEMBERS_QUERY =
      Codec.of(ChatWire::toJson, ChatWire::membersQuery);
  public static final Codec<UserQuery> USER_QUERY = Codec.of(ChatWire::toJson, ChatWire::userQuery);
  public static final Codec<StreamEvent> STREAM_EVENT =
      Codec.of(ChatWire::toJson, ChatWire::streamEvent);

  private ChatWire() {}

  public static JsonObject toJson(Membership m) {
    return new JsonObject().put("room", m.room()).put("user", m.user());
  }

  public static Membership membership(JsonObject json) {
    return new Membership(string(json, "room"), string(json, "user"));
  }

  public static JsonObject toJson(Post p) {
    return new JsonObject().put("room", p.room()).put("from", p.from()).put("text", p.text());
  }

  public static Post post(JsonObject json) {
    return new Post(string(json, "room"), string(json, "from"), string(json, "text"));
  }

  public static JsonObject toJson(HistoryQuery q) {
    return new JsonObject()
        .put("room", q.room())
        .put("user", q.user())
        .put("after", q.after())
        .put("limit", q.limit());
  }

  public static HistoryQuery historyQuery(JsonObject json) {
    return new HistoryQuery(
        string(json, "room"),
        string(json, "user"),
        longValue(json, "after", 0),
        limit(json, ChatContract.DEFAULT_LIMIT));
  }

  public static JsonObject toJson(ReadMarker r) {
    return new JsonObject().put("room", r.room()).put("user", r.user()).put("seq", r.seq());
  }

  public static ReadMarker readMarker(JsonObject json) {
    return new ReadMarker(string(json, "room"), string(json, "user"), longValue(json, "seq"));
  }

  public static JsonObject toJson(MembersQuery q) {
    JsonObject json =
        new JsonObject().put("room", q.room()).put("user", q.user()).put("limit", q.limit());
    return q.after() == null ? json : json.put("after", q.after());
  }

  public static MembersQuery membersQuery(JsonObject json) {
    int limit = limit(json, ChatContract.DEFAULT_MEMBERS_LIMIT);
    return new MembersQuery(
        string(json, "room"), string(json, "user"), optionalString(json, "after"), limit);
  }

  public static JsonObject toJson(UserQuery q) {
    return new JsonObject().put("user", q.user());
  }

  public static UserQuery userQuery(JsonObject json) {
    return new UserQuery(string(json, "user"));
  }

  public static JsonObject toJson(StreamEvent e) {
    return new JsonObject()
        .put("user", e.user())
        .put("node", e.node())
        .put("member", e.member())
        .put("stream", e.stream());
  }

  public static StreamEvent streamEvent(JsonObject json) {
    return new StreamEvent(
        string(json, "user"), string(json, "node"), string(json, "member"), string(json, "stream"));
  }

  /** A message as published to members and stored: with its room. */
  public static JsonObject toJson(ChatMessage m) {
    return new JsonObject()
        .put("room", m.room())
        .put("seq", m.seq())
        .put("from", m.from())
        .put("text", m.text())
        .put("at", JsonFields.text(m.at()));
  }

  public static ChatMessage chatMessage(JsonObject json) {
    String room = string(json, "room");
    long seq = longValue(json, "seq");
    if (seq < 1) {
      throw TroupeException.badRequest("not a chat message: seq must be >= 1");
    }
    return new ChatMessage(
        room, seq, string(json, "from"), string(json, "text"), instant(json, "at"));
  }

  /** The reply to {@code history}: items without their (known) room. */
  public static JsonObject history(List<ChatMessage> items) {
    JsonArray array = new JsonArray(new ArrayList<>(items.size()));
    for (ChatMessage m : items) {
      array.add(item(m));
    }
    return new JsonObject().put("items", array);
  }

  /** The messages of a {@code history} reply ({@link #history(List)}) about {@code room}. */
  public static List<ChatMessage> history(String room, JsonObject reply) {
    List<JsonObject> items = JsonFields.objects(reply, "items");
    List<ChatMessage> messages = new ArrayList<>(items.size());
    for (JsonObject item : items) {
      long seq = longValue(item, "seq");
      if (seq < 1) {
        throw TroupeException.badRequest("not a chat message: seq must be >= 1");
      }
      messages.add(
          new ChatMessage(
              room, seq, string(item, "from"), string(item, "text"), instant(item, "at")));
    }
    return messages;
  }

  /** The number a {@code post} reply ({@code {"seq"}}) gives the posted message in its room. */
  public static long postedSeq(JsonObject reply) {
    long seq = longValue(reply, "seq");
    if (seq < 1) {
      throw TroupeException.badRequest("seq must be >= 1, got " + seq);
    }
    return seq;
  }

  /** The members a {@code join} or {@code leave} reply ({@code {"members"}}) counts in the room. */
  public static int memberCount(JsonObject reply) {
    int members = JsonFields.intValue(reply, "members");
    if (members < 0) {
      throw TroupeException.badRequest("members must be >= 0, got " + members);
    }
    return members;
  }

  private static JsonObject item(ChatMessage m) {
    return new JsonObject()
        .put("seq", m.seq())
        .put("from", m.from())
        .put("text", m.text())
        .put("at", JsonFields.text(m.at()));
  }

  /** {@code limit}, refused outside 1 to {@link ChatContract#MAX_LIMIT} before it could wrap. */
  private static int limit(JsonObject json, int absent) {
    long limit = longValue(json, "limit", absent);
    if (limit < 1 || limit > ChatContract.MAX_LIMIT) {
      throw TroupeException.badRequest(
          "limit must be 1 to " + ChatContract.MAX_LIMIT + ", got " + limit);
    }
    return (int) limit;
  }
}
