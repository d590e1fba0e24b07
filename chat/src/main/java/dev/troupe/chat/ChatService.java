package dev.troupe.chat;

import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.actor.ActorTypes;
import dev.troupe.shared.actor.Actors;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChatContract;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The chat service: answers {@link ChatContract} on {@code troupe.chat.v1} by handing each command to
 * the room's actor, wherever in the cluster that room lives. Holds no state of its own, so any number
 * of nodes may run it.
 */
public final class ChatService extends VerticleBase {
  private Actors actors;

  static {
    // Every node that may own a room must know the type; the launcher's jar lists it as a service
    // provider too, this covers a chat service deployed from another classpath.
    ActorTypes.register(RoomActor.INSTANCE);
  }

  @Override
  public Future<?> start() {
    actors = Actors.of(vertx);
    ActionRouter router = ActionRouter.of("chat")
        .on(ChatContract.JOIN, m -> toRoom(m, ChatContract.membership(m.body()).room(), ChatContract.JOIN))
        .on(ChatContract.LEAVE, m -> toRoom(m, ChatContract.membership(m.body()).room(), ChatContract.LEAVE))
        .on(ChatContract.POST, m -> toRoom(m, ChatContract.post(m.body()).room(), ChatContract.POST))
        .on(ChatContract.HISTORY, m -> toRoom(m, ChatContract.historyQuery(m.body()).room(), ChatContract.HISTORY));
    return vertx.eventBus().consumer(ChatContract.ADDRESS, router).completion();
  }

  /** The command, checked by the contract already, goes to the room as its body plus the operation. */
  private Future<JsonObject> toRoom(Message<JsonObject> message, String room, String op) {
    JsonObject command = message.body().copy().put(RoomActor.OP, op);
    return actors.ask(new ActorId(RoomActor.TYPE, room), command, Bus.requestId(message));
  }
}
