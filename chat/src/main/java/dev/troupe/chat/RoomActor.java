package dev.troupe.chat;

import dev.troupe.shared.actor.ActorContext;
import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.actor.ActorType;
import dev.troupe.shared.actor.Outcome;
import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatContract.ChatMessage;
import dev.troupe.shared.contract.ChatWire;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.StateStoreContract;
import dev.troupe.shared.contract.StateStoreContract.MessageRange;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat room as an actor: its members, the number of its last message, and its last {@link
 * RoomState#RECENT} messages (the recent history, served from memory). Every message is also stored
 * in db-service's state store (table {@code troupe_chat_messages}, never a document) in the
 * transaction that stores the room's state counting it, so older history is read from db-service
 * and a message is never numbered twice. The room is the one writer of its messages.
 */
public final class RoomActor implements ActorType<RoomState, JsonObject> {
  private static final Logger LOG = LoggerFactory.getLogger(RoomActor.class);

  /** The actor type name. */
  public static final String TYPE = "chat-room";

  static final String OP = "op";

  /** The one instance: a type holds no per-room state. */
  static final RoomActor INSTANCE = new RoomActor();

  @Override
  public String name() {
    return TYPE;
  }

  @Override
  public RoomState initialState(String key) {
    return RoomState.EMPTY;
  }

  @Override
  public JsonObject encodeState(RoomState state) {
    return state.toJson();
  }

  @Override
  public RoomState decodeState(JsonObject json) {
    return RoomState.fromJson(json);
  }

  /**
   * Commands are the chat contract's bodies with the action in {@code op}; checked by the
   * contract's records.
   */
  @Override
  public JsonObject decodeMessage(JsonObject json) {
    switch (Op.of(json.getString(OP))) {
      case JOIN, LEAVE -> ChatWire.membership(json);
      case POST -> ChatWire.post(json);
      case HISTORY -> ChatWire.historyQuery(json);
      case READ -> ChatWire.readMarker(json);
      case MEMBERS -> ChatWire.membersQuery(json);
    }
    return json;
  }

  @Override
  public Future<Outcome<RoomState>> handle(ActorContext ctx, RoomState state, JsonObject message) {
    String room = ctx.self().key();
    return switch (Op.of(message.getString(OP))) {
      case JOIN -> join(state, ChatWire.membership(message).user());
      case LEAVE -> leave(state, ChatWire.membership(message).user());
      case POST -> post(ctx, room, state, ChatWire.post(message));
      case READ -> read(room, state, ChatWire.readMarker(message));
      case MEMBERS -> members(room, state, ChatWire.membersQuery(message));
      case HISTORY -> history(ctx.vertx(), room, state, ChatWire.historyQuery(message));
    };
  }

  /** The chat service's actions a room serves, named in {@link #OP} as the action's name. */
  enum Op {
    JOIN(ChatContract.JOIN),
    LEAVE(ChatContract.LEAVE),
    POST(ChatContract.POST),
    HISTORY(ChatContract.HISTORY),
    READ(ChatContract.READ),
    MEMBERS(ChatContract.MEMBERS);

    private final String action;

    Op(Action<?, ?> action) {
      this.action = action.name();
    }

    static Op of(String op) {
      for (Op candidate : values()) {
        if (candidate.action.equals(op)) {
          return candidate;
        }
      }
      throw TroupeException.badRequest("a room has no operation " + op);
    }
  }

  private static Future<Outcome<RoomState>> join(RoomState state, String user) {
    if (state.members().contains(user)) {
      return Future.succeededFuture(Outcome.reply(members(state)));
    }
    RoomState next = state.withMember(user);
    return Future.succeededFuture(Outcome.update(next, members(next)));
  }

  private static Future<Outcome<RoomState>> leave(RoomState state, String user) {
    if (!state.members().contains(user)) {
      return Future.succeededFuture(Outcome.reply(members(state)));
    }
    RoomState next = state.withoutMember(user);
    return Future.succeededFuture(Outcome.update(next, members(next)));
  }

  /**
   * A page of the room's members, in name order, for a member: {@code {"total","users":[...]}}; the
   * chat service adds each one's presence.
   */
  private static Future<Outcome<RoomState>> members(
      String room, RoomState state, ChatContract.MembersQuery query) {
    if (!state.members().contains(query.user())) {
      return Future.failedFuture(
          new TroupeException(
              ErrorCode.FORBIDDEN, query.user() + " is not a member of room " + room));
    }
    JsonArray users = new JsonArray();
    state.members().stream()
        .filter(member -> query.after() == null || member.compareTo(query.after()) > 0)
        .limit(query.limit())
        .forEach(users::add);
    return Future.succeededFuture(
        Outcome.reply(new JsonObject().put("total", state.members().size()).put("users", users)));
  }

  /**
   * A member's read marker passes here first: the room vouches for the membership and tells its
   * last number.
   */
  private static Future<Outcome<RoomState>> read(
      String room, RoomState state, ChatContract.ReadMarker marker) {
    if (!state.members().contains(marker.user())) {
      return Future.failedFuture(
          new TroupeException(
              ErrorCode.FORBIDDEN, marker.user() + " is not a member of room " + room));
    }
    return Future.succeededFuture(Outcome.reply(new JsonObject().put("seq", state.seq())));
  }

  /**
   * Stores the message under the next number together with the room's state counting it, in one
   * transaction of db-service's state store; only once that committed is it published to the
   * members, handed to each member's user actor for its open streams ({@link UserActor#frame}), and
   * handed to {@link UserUpdates} for the members' counts (none awaited: a post's reply does not
   * wait for the room's size). A stale activation of the room (its state written elsewhere since)
   * stores neither, so an acknowledged message is never overwritten and numbers have no gaps.
   */
  private static Future<Outcome<RoomState>> post(
      ActorContext ctx, String room, RoomState state, ChatContract.Post post) {
    Vertx vertx = ctx.vertx();
    if (!state.members().contains(post.from())) {
      return Future.failedFuture(
          new TroupeException(
              ErrorCode.FORBIDDEN, post.from() + " is not a member of room " + room));
    }
    ChatMessage message =
        new ChatMessage(room, state.seq() + 1, post.from(), post.text(), Instant.now());
    RoomState next = state.withMessage(message);
    return Future.succeededFuture(
        Outcome.update(next, new JsonObject().put("seq", message.seq()))
            .storing(new StoredMessage(room, message.seq(), ChatWire.toJson(message)))
            .then(
                () -> {
                  publish(vertx, next, message);
                  deliver(ctx, next, message);
                  UserUpdates.of(vertx, ctx.actors()).stored(message, next.members());
                }));
  }

  private static void publish(Vertx vertx, RoomState state, ChatMessage message) {
    for (String member : state.members()) {
      vertx.eventBus().publish(ChatContract.userAddress(member), ChatWire.toJson(message));
    }
  }

  /**
   * Tells each member's actor the message, for its stream sessions; in order per member, as the
   * room sends them one after the other. Not awaited; a member not told misses it live only.
   */
  private static void deliver(ActorContext ctx, RoomState state, ChatMessage message) {
    JsonObject json = ChatWire.toJson(message);
    for (String member : state.members()) {
      ctx.actors()
          .ask(new ActorId(UserActor.TYPE, member), UserActor.frame(json.copy()), null)
          .onFailure(
              e ->
                  LOG.debug(
                      "message {} of room {} not handed to {}: {}",
                      message.seq(),
                      message.room(),
                      member,
                      e.getMessage()));
    }
  }

  private static Future<Outcome<RoomState>> history(
      Vertx vertx, String room, RoomState state, ChatContract.HistoryQuery query) {
    if (!state.members().contains(query.user())) {
      return Future.failedFuture(
          new TroupeException(
              ErrorCode.FORBIDDEN, query.user() + " is not a member of room " + room));
    }
    long last = Math.min(state.seq(), query.after() + query.limit());
    if (query.after() >= last) {
      return Future.succeededFuture(Outcome.reply(ChatWire.history(List.of())));
    }
    if (query.after() + 1 >= state.firstRecentSeq()) {
      return Future.succeededFuture(
          Outcome.reply(
              ChatWire.history(
                  state.recent().stream()
                      .filter(m -> m.seq() > query.after() && m.seq() <= last)
                      .toList())));
    }
    MessageRange range = new MessageRange(room, query.after(), last);
    return db(bus(vertx).call(StateStoreContract.MESSAGES, range, null))
        .map(
            stored -> {
              List<ChatMessage> items = new ArrayList<>(stored.size());
              for (JsonObject message : stored) {
                items.add(ChatWire.chatMessage(message));
              }
              return Outcome.reply(ChatWire.history(items));
            });
  }

  /**
   * The reply to join and leave: the member count, and the room's last number for the user actor.
   */
  private static JsonObject members(RoomState state) {
    return new JsonObject().put("members", state.members().size()).put("seq", state.seq());
  }

  /**
   * A database call's failure as the refusal it is (UNAVAILABLE, TIMEOUT, ... with db-service's
   * message): the room's state is unchanged by a message whose write failed, so the actor answers
   * the error and keeps running. Left as it came, the bus's exception would count as a crash of the
   * actor: an INTERNAL answer, then a restart that reloads the state from the same database that
   * just failed, and stops the room when that fails too.
   */
  private static <T> Future<T> db(Future<T> call) {
    return call.recover(failure -> Future.failedFuture(Failures.normalise(failure)));
  }

  private static Bus bus(Vertx vertx) {
    return new Bus(
        vertx,
        NodeRuntime.of(vertx).settings().longValue("TROUPE_DB_TIMEOUT_MS", 8_000, 1, 3_600_000));
  }
}
