package dev.troupe.chat;

import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.actor.ActorTypes;
import dev.troupe.shared.actor.Actors;
import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChatContract;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The chat service: answers {@link ChatContract} on {@code troupe.chat.v1} by handing each command
 * to the room's actor ({@link RoomActor}) or the user's ({@link UserActor}), wherever in the
 * cluster they live; join, leave and read go to the room, then to the user. Holds no state of its
 * own, so any number of nodes may run it.
 */
public final class ChatService extends VerticleBase {
  private Actors actors;

  static {
    // Every node that may own a room must know the type; the launcher's jar lists it as a service
    // provider too, this covers a chat service deployed from another classpath.
    ActorTypes.register(RoomActor.INSTANCE);
    ActorTypes.register(UserActor.INSTANCE);
    ActorTypes.register(SessionActor.INSTANCE);
  }

  @Override
  public Future<?> start() {
    actors = Actors.of(vertx);
    ActionRouter router =
        ActionRouter.of("chat")
            .on(ChatContract.JOIN, this::join)
            .on(ChatContract.LEAVE, this::leave)
            .on(ChatContract.POST, (post, m) -> toRoom(m, post.room(), ChatContract.POST))
            .on(ChatContract.HISTORY, (query, m) -> toRoom(m, query.room(), ChatContract.HISTORY))
            .on(ChatContract.READ, this::read)
            .on(ChatContract.MEMBERS, this::members)
            .on(ChatContract.USER, (query, m) -> toUser(m, query.user(), ChatContract.USER))
            .on(
                ChatContract.STREAM_OPENED,
                (event, m) -> toUser(m, event.user(), ChatContract.STREAM_OPENED))
            .on(
                ChatContract.STREAM_CLOSED,
                (event, m) -> toUser(m, event.user(), ChatContract.STREAM_CLOSED));
    return vertx.eventBus().consumer(ChatContract.ADDRESS, router).completion();
  }

  /**
   * The room first (it is the truth about membership), then the user's actor, told the room's last
   * number; the reply waits for both. If the second step fails the caller gets the failure and
   * joins again, which changes nothing in the room and completes the user; a caller that never does
   * is caught up by the room's next message, which re-teaches the user's actor the room.
   */
  private Future<JsonObject> join(ChatContract.Membership m, Message<JsonObject> message) {
    return toRoom(message, m.room(), ChatContract.JOIN)
        .compose(
            room ->
                actors
                    .ask(
                        new ActorId(UserActor.TYPE, m.user()),
                        UserActor.joined(m.room(), room.getLong("seq", 0L)),
                        Bus.requestId(message))
                    .map(v -> membersOnly(room)));
  }

  /**
   * As join: the room, then the user's actor, told the room's number at leaving so that a delivery
   * of an earlier message arriving late does not bring the room back. A failed second step is
   * repaired by leaving again (idempotent in both).
   */
  private Future<JsonObject> leave(ChatContract.Membership m, Message<JsonObject> message) {
    return toRoom(message, m.room(), ChatContract.LEAVE)
        .compose(
            room ->
                actors
                    .ask(
                        new ActorId(UserActor.TYPE, m.user()),
                        UserActor.left(m.room(), room.getLong("seq", 0L)),
                        Bus.requestId(message))
                    .map(v -> membersOnly(room)));
  }

  /**
   * The room checks the membership and tells its last number; the user's actor moves its read
   * marker.
   */
  private Future<JsonObject> read(ChatContract.ReadMarker marker, Message<JsonObject> message) {
    return toRoom(message, marker.room(), ChatContract.READ)
        .compose(
            room ->
                actors.ask(
                    new ActorId(UserActor.TYPE, marker.user()),
                    UserActor.markRead(marker, room.getLong("seq", 0L)),
                    Bus.requestId(message)));
  }

  /**
   * The room answers a page of its members (after checking the asker is one); each member's actor
   * its presence, asked all at once. A member whose actor does not answer is listed without
   * presence rather than failing the list.
   */
  private Future<JsonObject> members(ChatContract.MembersQuery query, Message<JsonObject> message) {
    String requestId = Bus.requestId(message);
    return toRoom(message, query.room(), ChatContract.MEMBERS)
        .compose(
            room -> {
              List<Future<JsonObject>> items = new ArrayList<>();
              for (Object user : room.getJsonArray("users")) {
                JsonObject item = new JsonObject().put("user", user);
                items.add(
                    actors
                        .ask(
                            new ActorId(UserActor.TYPE, (String) user),
                            new JsonObject().put(UserActor.OP, ChatContract.USER.name()),
                            requestId)
                        .map(
                            state -> {
                              JsonObject presence = state.getJsonObject("presence");
                              return item.put("online", presence.getBoolean("online"))
                                  .put("since", presence.getString("since"));
                            })
                        .otherwise(item));
              }
              return Future.join(items)
                  .transform(
                      done -> {
                        JsonArray array = new JsonArray();
                        items.forEach(item -> array.add(item.result()));
                        return Future.succeededFuture(
                            new JsonObject()
                                .put("total", room.getInteger("total"))
                                .put("items", array));
                      });
            });
  }

  private Future<JsonObject> toUser(Message<JsonObject> message, String user, Action<?, ?> op) {
    JsonObject command = message.body().copy().put(UserActor.OP, op.name());
    return actors.ask(new ActorId(UserActor.TYPE, user), command, Bus.requestId(message));
  }

  private static JsonObject membersOnly(JsonObject roomReply) {
    return new JsonObject().put("members", roomReply.getInteger("members"));
  }

  /**
   * The command, checked by the contract already, goes to the room as its body plus the operation.
   */
  private Future<JsonObject> toRoom(Message<JsonObject> message, String room, Action<?, ?> op) {
    JsonObject command = message.body().copy().put(RoomActor.OP, op.name());
    return actors.ask(new ActorId(RoomActor.TYPE, room), command, Bus.requestId(message));
  }
}
