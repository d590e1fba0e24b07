package dev.troupe.chat;

import dev.troupe.shared.actor.ActorContext;
import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.actor.ActorType;
import dev.troupe.shared.actor.Outcome;
import dev.troupe.shared.actor.StopReason;
import dev.troupe.shared.actor.SupervisorStrategy;
import dev.troupe.shared.actor.Terminated;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatWire;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A chat user as an actor, keyed by user name: its rooms with their read and delivered numbers, and
 * its presence ({@link UserState}). The room stays the truth about membership; this actor follows
 * it: the chat service tells it about joins and leaves once the room committed them, and the rooms
 * tell it about stored messages ({@code delivered}, coalesced by {@link UserUpdates}). Stream
 * events come from the gateways.
 *
 * <p>Before each message the streams of gateway nodes that left the cluster are dropped, so
 * whatever this actor answers reflects the cluster of the moment.
 *
 * <p>Each open stream has a session, a child of this actor ({@link SessionActor}, named by the
 * stream id), which owns delivery to its socket. The sessions follow the presence: after each
 * message (once its state is stored) a session is spawned, and watched, for each stream without
 * one, and stopped for each stream no longer open; so sessions come back by themselves after this
 * actor passivated, moved or restarted (each of which stops them). A room's message ({@code frame})
 * is handed to every session without waiting for any. A session that ends by itself (its socket too
 * slow, or gone) is heard of through its {@link Terminated}: the stream leaves the presence.
 */
public final class UserActor implements ActorType<UserState, JsonObject> {
  /** The actor type name; the state store keeps user state under it. */
  public static final String TYPE = "chat-user";

  static final String OP = RoomActor.OP;

  /**
   * Internal operations, sent by the chat service and the rooms only (not on {@code
   * troupe.chat.v1}).
   */
  static final String JOINED = "joined";

  static final String LEFT = "left";
  static final String DELIVERED = "delivered";
  static final String FRAME = "frame";

  /**
   * The operations of a user, named in {@link #OP}: the internal ones above and the chat service's
   * actions it serves, by the action's name.
   */
  enum Op {
    JOINED(UserActor.JOINED),
    LEFT(UserActor.LEFT),
    DELIVERED(UserActor.DELIVERED),
    FRAME(UserActor.FRAME),
    READ(ChatContract.READ.name()),
    USER(ChatContract.USER.name()),
    STREAM_OPENED(ChatContract.STREAM_OPENED.name()),
    STREAM_CLOSED(ChatContract.STREAM_CLOSED.name());

    private final String name;

    Op(String name) {
      this.name = name;
    }

    static Op of(String op) {
      for (Op candidate : values()) {
        if (candidate.name.equals(op)) {
          return candidate;
        }
      }
      throw TroupeException.badRequest("a user has no operation " + op);
    }
  }

  /** The one instance: a type holds no per-user state. */
  static final UserActor INSTANCE = new UserActor();

  /** The user's membership of {@code room} changed when the room's last message was {@code seq}. */
  record Membership(String room, long seq) {
    Membership {
      ChatContract.requireRoom(room);
      requireSeq(seq, 0);
    }
  }

  /**
   * Messages of {@code room} up to {@code seq} were stored, the user's own among them up to {@code
   * ownSeq} ({@code 0}: none).
   */
  record Delivered(String room, long seq, long ownSeq) {
    Delivered {
      ChatContract.requireRoom(room);
      requireSeq(seq, 1);
      requireSeq(ownSeq, 0);
      if (ownSeq > seq) {
        throw TroupeException.badRequest("ownSeq must be <= seq");
      }
    }
  }

  /** The member read {@code room} up to {@code seq}; the room's last message is {@code roomSeq}. */
  record MarkRead(String room, long seq, long roomSeq) {
    MarkRead {
      ChatContract.requireRoom(room);
      requireSeq(seq, 0);
      requireSeq(roomSeq, 0);
    }
  }

  static JsonObject joined(String room, long seq) {
    return new JsonObject().put(OP, JOINED).put("room", room).put("seq", seq);
  }

  static JsonObject left(String room, long seq) {
    return new JsonObject().put(OP, LEFT).put("room", room).put("seq", seq);
  }

  static JsonObject delivered(String room, long seq, long ownSeq) {
    return new JsonObject()
        .put(OP, DELIVERED)
        .put("room", room)
        .put("seq", seq)
        .put("ownSeq", ownSeq);
  }

  /** A room's stored message (as published) for this user's open streams. */
  static JsonObject frame(JsonObject message) {
    return new JsonObject().put(OP, FRAME).put("message", message);
  }

  static JsonObject markRead(ChatContract.ReadMarker marker, long roomSeq) {
    return new JsonObject()
        .put(OP, ChatContract.READ.name())
        .put("room", marker.room())
        .put("seq", marker.seq())
        .put("roomSeq", roomSeq);
  }

  @Override
  public String name() {
    return TYPE;
  }

  @Override
  public UserState initialState(String key) {
    return UserState.EMPTY;
  }

  @Override
  public JsonObject encodeState(UserState state) {
    return state.toJson();
  }

  @Override
  public UserState decodeState(JsonObject json) {
    return UserState.fromJson(json);
  }

  @Override
  public JsonObject decodeMessage(JsonObject json) {
    switch (Op.of(json.getString(OP))) {
      case JOINED, LEFT -> membership(json);
      case DELIVERED -> delivered(json);
      case READ -> markRead(json);
      case USER -> {}
      case FRAME -> frameOf(json);
      case STREAM_OPENED, STREAM_CLOSED -> ChatWire.streamEvent(json);
    }
    return json;
  }

  /**
   * Applies the message, then drops the streams of gateway members no longer in the cluster (also
   * one just reported by a member that has left), and answers from the result.
   */
  @Override
  public Future<Outcome<UserState>> handle(ActorContext ctx, UserState state, JsonObject message) {
    String user = ctx.self().key();
    Instant now = Instant.now();
    Op op = Op.of(message.getString(OP));
    UserState applied =
        switch (op) {
          case JOINED -> {
            Membership m = membership(message);
            yield state.joined(m.room(), m.seq());
          }
          case LEFT -> {
            Membership m = membership(message);
            yield state.left(m.room(), m.seq());
          }
          case DELIVERED -> {
            Delivered d = delivered(message);
            yield state.delivered(d.room(), d.seq(), d.ownSeq());
          }
          case READ -> {
            MarkRead m = markRead(message);
            yield state.read(m.room(), m.seq(), m.roomSeq());
          }
          case STREAM_OPENED -> {
            ChatContract.StreamEvent e = ChatWire.streamEvent(message);
            yield state.streamOpened(e.member(), e.node(), e.stream(), now);
          }
          case STREAM_CLOSED -> {
            ChatContract.StreamEvent e = ChatWire.streamEvent(message);
            yield state.streamClosed(e.member(), e.stream(), now);
          }
          case USER, FRAME -> state;
        };
    UserState next =
        liveMembers(ctx.vertx()).map(live -> applied.pruned(live, now)).orElse(applied);
    JsonObject reply =
        switch (op) {
          case JOINED, LEFT, DELIVERED, FRAME -> new JsonObject();
          case READ -> {
            String room = message.getString("room");
            yield UserState.markJson(next.rooms().get(room)).put("room", room);
          }
          case STREAM_OPENED, STREAM_CLOSED -> next.view(user).getJsonObject("presence");
          case USER -> next.view(user);
        };
    JsonObject frame = op == Op.FRAME ? frameOf(message) : null;
    Outcome<UserState> outcome =
        next.equals(state) ? Outcome.reply(reply) : Outcome.update(next, reply);
    return Future.succeededFuture(outcome.then(() -> sessions(ctx, next, frame)));
  }

  /**
   * A crashed session restarts with the host's restart intensity (its count of unanswered frames
   * afresh); past it, it stops, and {@link #onTerminated} closes its socket.
   */
  @Override
  public SupervisorStrategy supervisorStrategy(String childType) {
    return SupervisorStrategy.restart();
  }

  /**
   * A session ended by itself (dropped its socket, or failed): its stream leaves the presence
   * (nothing changes when it had left it already, e.g. the gateway reported the close first). A
   * session that failed past its restarts also closes its socket, which would otherwise stay open
   * without deliveries.
   */
  @Override
  public Future<Outcome<UserState>> onTerminated(
      ActorContext ctx, UserState state, Terminated terminated) {
    ActorId session = terminated.actor();
    boolean endedByItself =
        terminated.reason() == StopReason.STOPPED || terminated.reason() == StopReason.FAILED;
    if (!endedByItself
        || !SessionActor.TYPE.equals(session.type())
        || !ctx.self().equals(session.parent())) {
      return Future.succeededFuture(Outcome.reply(null));
    }
    if (terminated.reason() == StopReason.FAILED) {
      ctx.vertx()
          .eventBus()
          .send(
              ChatContract.streamAddress(session.key()),
              SessionActor.close(SessionActor.INTERNAL_ERROR, "the stream failed: reconnect"));
    }
    UserState next = state.streamEnded(session.key(), Instant.now());
    Outcome<UserState> outcome =
        next.equals(state) ? Outcome.reply(null) : Outcome.update(next, null);
    return Future.succeededFuture(outcome.then(() -> sessions(ctx, next, null)));
  }

  /**
   * Makes the sessions follow {@code state}'s open streams, then hands {@code frame} (if any) to
   * each: a tell, so no socket is waited for.
   */
  private static void sessions(ActorContext ctx, UserState state, JsonObject frame) {
    Set<String> open = state.streamIds();
    Set<String> live = new TreeSet<>();
    for (ActorId child : ctx.children()) {
      if (open.contains(child.key())) {
        live.add(child.key());
      } else {
        ctx.stop(child);
      }
    }
    for (String stream : open) {
      if (live.add(stream)) {
        ctx.watch(ctx.spawn(SessionActor.TYPE, stream));
      }
    }
    if (frame != null) {
      for (String stream : live) {
        ctx.tell(ctx.self().child(SessionActor.TYPE, stream), SessionActor.frame(frame));
      }
    }
  }

  private static JsonObject frameOf(JsonObject json) {
    if (!(json.getValue("message") instanceof JsonObject message)) {
      throw TroupeException.badRequest("a frame carries its message as an object");
    }
    return message;
  }

  private static Membership membership(JsonObject json) {
    return new Membership(json.getString("room"), json.getLong("seq", -1L));
  }

  private static Delivered delivered(JsonObject json) {
    return new Delivered(
        json.getString("room"), json.getLong("seq", 0L), json.getLong("ownSeq", 0L));
  }

  private static MarkRead markRead(JsonObject json) {
    return new MarkRead(
        json.getString("room"), json.getLong("seq", -1L), json.getLong("roomSeq", -1L));
  }

  /** The members of the cluster now, by UUID; empty when this node cannot tell (it is leaving). */
  private static Optional<Set<String>> liveMembers(Vertx vertx) {
    try {
      return NodeRuntime.find(vertx)
          .map(
              runtime ->
                  runtime.hazelcast().getCluster().getMembers().stream()
                      .map(m -> m.getUuid().toString())
                      .collect(Collectors.toSet()));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void requireSeq(long seq, long min) {
    if (seq < min) {
      throw TroupeException.badRequest("seq must be >= " + min + ", got " + seq);
    }
  }
}
