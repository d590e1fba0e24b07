package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The chat service: rooms of members exchanging messages, each room an actor. Each action is
 * declared here once; its request is a record below, mapped to JSON by {@link ChatWire}, its reply
 * a JSON object as in the table. User names follow the document id rules (1 to 128 characters of
 * {@code [A-Za-z0-9._~-]}); room names too, but at most {@value #MAX_ROOM} characters (a stored
 * message's id is the room's name and its number).
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code join}</td><td>{@code {"room","user"}}</td><td>{@code {"members":n}}; joining twice changes nothing</td></tr>
 *   <tr><td>{@code leave}</td><td>{@code {"room","user"}}</td><td>{@code {"members":n}}; leaving twice changes nothing</td></tr>
 *   <tr><td>{@code post}</td><td>{@code {"room","from","text"}}</td><td>{@code {"seq":n}}: the message's number in
 *       the room, one more than the previous one's; FORBIDDEN unless {@code from} is a member</td></tr>
 *   <tr><td>{@code history}</td><td>{@code {"room","user","after","limit"}}</td><td>{@code {"items":[{"seq","from","text","at"}]}}:
 *       the messages numbered above {@code after} (default 0), at most {@code limit} (1 to 1000, default 50), oldest first;
 *       FORBIDDEN unless {@code user} is a member</td></tr>
 *   <tr><td>{@code read}</td><td>{@code {"room","user","seq"}}</td><td>{@code {"room","lastSeq","readSeq","unread"}}:
 *       the user has read the room up to {@code seq} (clamped to the room's last number; never moves
 *       backwards); FORBIDDEN unless {@code user} is a member</td></tr>
 *   <tr><td>{@code members}</td><td>{@code {"room","user","after","limit"}}</td><td>{@code {"total":n,
 *       "items":[{"user","online","since"}]}}: the room's members in name order, those after the name
 *       {@code after} (absent: from the first), at most {@code limit} (1 to 1000, default 100), each with
 *       its presence ({@code online} and {@code since} absent when the member's actor did not answer);
 *       {@code total} counts all members; FORBIDDEN unless {@code user} is a member</td></tr>
 *   <tr><td>{@code user}</td><td>{@code {"user"}}</td><td>{@code {"user","presence":{"online","streams","since","nodes"},
 *       "rooms":{"<room>":{"lastSeq","readSeq","unread"}}}}: the user's presence and rooms</td></tr>
 *   <tr><td>{@code streamOpened}</td><td>{@code {"user","node","member","stream"}}</td><td>the presence, as in
 *       {@code user}: a stream of the user opened on gateway node {@code node} (Hazelcast member
 *       {@code member}); sending it twice changes nothing</td></tr>
 *   <tr><td>{@code streamClosed}</td><td>{@code {"user","node","member","stream"}}</td><td>the presence: that stream
 *       closed; closing an unknown stream changes nothing</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"chat"}}</td></tr>
 * </table>
 *
 * <p>Each message a room stores is published, once stored, to {@link #userAddress} of every member,
 * as {@code {"room","seq","from","text","at"}}.
 *
 * <p>Each open WebSocket stream has an end on its gateway node, {@link #streamAddress}, which the
 * stream's session (a child of the user's actor, on the user actor's node) sends to: {@code
 * {"frame":{"room","seq","from","text","at"}}} is written to the socket and answered (empty) once
 * written, or failed (UNAVAILABLE) when the socket is closed; {@code {"close":code,"reason":text}}
 * closes the socket with that WebSocket status. Internal to Troupe: never bridge it.
 */
public final class ChatContract {
  /** The versioned address the chat service consumes. */
  public static final String ADDRESS = "troupe.chat.v1";

  public static final Action<Membership, JsonObject> JOIN =
      Action.idempotent(
          ADDRESS,
          "join",
          ChatWire.MEMBERSHIP,
          Codec.json(),
          "a user joins a room; joining twice changes nothing");

  public static final Action<Membership, JsonObject> LEAVE =
      Action.idempotent(
          ADDRESS,
          "leave",
          ChatWire.MEMBERSHIP,
          Codec.json(),
          "a user leaves a room; leaving twice changes nothing");

  /** Numbered by the room: a second send posts the message again, so never retried. */
  public static final Action<Post, JsonObject> POST =
      Action.once(
          ADDRESS,
          "post",
          ChatWire.POST,
          Codec.json(),
          "a member posts a message; the reply is its number in the room");

  public static final Action<HistoryQuery, JsonObject> HISTORY =
      Action.idempotent(
          ADDRESS,
          "history",
          ChatWire.HISTORY_QUERY,
          Codec.json(),
          "a member reads a room's messages after a number");

  public static final Action<ReadMarker, JsonObject> READ =
      Action.idempotent(
          ADDRESS,
          "read",
          ChatWire.READ_MARKER,
          Codec.json(),
          "a member marks a room read up to a number; the marker never moves backwards");

  public static final Action<MembersQuery, JsonObject> MEMBERS =
      Action.idempotent(
          ADDRESS,
          "members",
          ChatWire.MEMBERS_QUERY,
          Codec.json(),
          "a member lists a room's members with their presence");

  public static final Action<UserQuery, JsonObject> USER =
      Action.idempotent(
          ADDRESS, "user", ChatWire.USER_QUERY, Codec.json(), "a user's presence and rooms");

  public static final Action<StreamEvent, JsonObject> STREAM_OPENED =
      Action.idempotent(
          ADDRESS,
          "streamOpened",
          ChatWire.STREAM_EVENT,
          Codec.json(),
          "a gateway opened a stream of the user; sending it twice changes nothing");

  public static final Action<StreamEvent, JsonObject> STREAM_CLOSED =
      Action.idempotent(
          ADDRESS,
          "streamClosed",
          ChatWire.STREAM_EVENT,
          Codec.json(),
          "a gateway closed a stream of the user; closing an unknown stream changes nothing");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of the chat service. */
  public static final List<Action<?, ?>> ACTIONS =
      List.of(JOIN, LEAVE, POST, HISTORY, READ, MEMBERS, USER, STREAM_OPENED, STREAM_CLOSED, PING);

  /** The longest message text, in characters. */
  public static final int MAX_TEXT = 4_000;

  public static final int MAX_LIMIT = 1_000;
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_ROOM = 100;
  public static final int DEFAULT_MEMBERS_LIMIT = 100;

  private ChatContract() {}

  /** Where the messages of {@code user}'s rooms are published. */
  public static String userAddress(String user) {
    return ADDRESS + ".user." + DocKey.requireId(user);
  }

  /** Field of a stream end's body: a message to write to the socket. */
  public static final String STREAM_FRAME = "frame";

  /** Field of a stream end's body: the WebSocket status to close the socket with. */
  public static final String STREAM_CLOSE = "close";

  /** Field of a stream end's close: why, as the close frame's reason. */
  public static final String STREAM_REASON = "reason";

  /** The end of the stream {@code stream} (a stream id, a UUID) on its gateway node. */
  public static String streamAddress(String stream) {
    requireUuid(stream, "stream");
    return ADDRESS + ".stream." + stream;
  }

  /** Fails with BAD_REQUEST unless {@code room} can name a room. */
  public static String requireRoom(String room) {
    DocKey.requireId(room);
    if (room.length() > MAX_ROOM) {
      throw TroupeException.badRequest("a room name has at most " + MAX_ROOM + " characters");
    }
    return room;
  }

  /** A user joining or leaving a room. */
  public record Membership(String room, String user) {
    public Membership {
      requireRoom(room);
      DocKey.requireId(user);
    }
  }

  /** A message posted to a room. */
  public record Post(String room, String from, String text) {
    public Post {
      requireRoom(room);
      DocKey.requireId(from);
      if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
        throw TroupeException.badRequest(
            "text must be 1 to " + MAX_TEXT + " characters, not blank");
      }
    }
  }

  /** A member reading a room's messages numbered above {@code after}. */
  public record HistoryQuery(String room, String user, long after, int limit) {
    public HistoryQuery {
      requireRoom(room);
      DocKey.requireId(user);
      if (after < 0) {
        throw TroupeException.badRequest("after must be >= 0, got " + after);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw TroupeException.badRequest("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
      }
    }
  }

  /** A member marking a room read up to message {@code seq}. */
  public record ReadMarker(String room, String user, long seq) {
    public ReadMarker {
      requireRoom(room);
      DocKey.requireId(user);
      if (seq < 0) {
        throw TroupeException.badRequest("seq must be >= 0, got " + seq);
      }
    }
  }

  /**
   * A member asking for a room's members, in name order: those after {@code after} (null: from the
   * first), at most {@code limit}.
   */
  public record MembersQuery(String room, String user, String after, int limit) {
    public MembersQuery {
      requireRoom(room);
      DocKey.requireId(user);
      if (after != null) {
        DocKey.requireId(after);
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw TroupeException.badRequest("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
      }
    }
  }

  /** A question for a user's state: presence and rooms. */
  public record UserQuery(String user) {
    public UserQuery {
      DocKey.requireId(user);
    }
  }

  /**
   * One WebSocket stream of {@code user}, opened or closed on gateway node {@code node}, whose
   * Hazelcast member is {@code member} (a UUID: the member's liveness decides whether the stream
   * still counts), named {@code stream} (unique, e.g. a random UUID).
   */
  public record StreamEvent(String user, String node, String member, String stream) {
    public StreamEvent {
      DocKey.requireId(user);
      if (node == null || node.isBlank() || node.length() > 200) {
        throw TroupeException.badRequest("node must be 1 to 200 characters, not blank");
      }
      requireUuid(member, "member");
      requireUuid(stream, "stream");
    }
  }

  /**
   * A stored message: its room, its number in the room, who wrote it, what, and when it was stored.
   */
  public record ChatMessage(String room, long seq, String from, String text, Instant at) {
    public ChatMessage {
      Objects.requireNonNull(room, "room");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(at, "at");
      if (seq < 1) {
        throw new IllegalArgumentException("seq must be >= 1");
      }
    }
  }

  private static void requireUuid(String value, String field) {
    try {
      if (value == null || value.length() != 36) {
        throw new IllegalArgumentException();
      }
      java.util.UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw TroupeException.badRequest(field + " must be a UUID");
    }
  }
}
