package dev.troupe.testkit;

import dev.troupe.shared.actor.ActorContext;
import dev.troupe.shared.actor.ActorType;
import dev.troupe.shared.actor.Outcome;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An actor type for the runtime's tests, under any name. State: {@code {"n":count,"log":[...]}},
 * kept as a mutable JSON object on purpose, so a handler that scribbles on it and then crashes
 * shows whether the restart reloaded the stored state. Every reply names the node that handled it.
 *
 * <ul>
 *   <li>{@code inc}: n + 1 (written), reply {@code {"n"}}
 *   <li>{@code append} {@code "v"}: appends v to the log (written), reply {@code {"size"}}
 *   <li>{@code get}: reply the state
 *   <li>{@code hold}: answers only once the test completes {@link #gate} of this key
 *   <li>{@code poison}: sets n to -1 in place, then throws
 *   <li>{@code refuse}: fails with a BAD_REQUEST (a refusal, not a crash)
 * </ul>
 */
final class TestActor implements ActorType<JsonObject, JsonObject> {
  private static final Map<String, Promise<Void>> GATES = new ConcurrentHashMap<>();
  private final String name;

  TestActor(String name) {
    this.name = name;
  }

  /**
   * The gate a {@code hold} message of actor {@code key} waits on, once that message is being
   * handled.
   */
  static Promise<Void> gate(String key) {
    return GATES.get(key);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public JsonObject initialState(String key) {
    return new JsonObject().put("n", 0).put("log", new JsonArray());
  }

  @Override
  public JsonObject encodeState(JsonObject state) {
    return state;
  }

  @Override
  public JsonObject decodeState(JsonObject json) {
    return json.copy();
  }

  @Override
  public JsonObject decodeMessage(JsonObject json) {
    if (!(json.getValue("op") instanceof String)) {
      throw TroupeException.badRequest("op must be a string");
    }
    return json;
  }

  @Override
  public Future<Outcome<JsonObject>> handle(
      ActorContext ctx, JsonObject state, JsonObject message) {
    String node = NodeRuntime.of(ctx.vertx()).nodeName();
    switch (message.getString("op")) {
      case "inc" -> {
        JsonObject next = state.copy().put("n", state.getInteger("n") + 1);
        return Future.succeededFuture(
            Outcome.update(
                next, new JsonObject().put("n", next.getInteger("n")).put("node", node)));
      }
      case "append" -> {
        JsonObject next = state.copy();
        next.getJsonArray("log").add(message.getString("v"));
        return Future.succeededFuture(
            Outcome.update(
                next,
                new JsonObject().put("size", next.getJsonArray("log").size()).put("node", node)));
      }
      case "get" -> {
        return Future.succeededFuture(
            Outcome.reply(state.copy().put("node", node).put("version", ctx.version())));
      }
      case "hold" -> {
        Promise<Void> gate = Promise.promise();
        GATES.put(ctx.self().key(), gate);
        return gate.future().map(v -> Outcome.reply(new JsonObject().put("held", true)));
      }
      case "poison" -> {
        state.put("n", -1);
        throw new IllegalStateException("poisoned on purpose");
      }
      case "refuse" -> {
        return Future.failedFuture(TroupeException.badRequest("refused on purpose"));
      }
      default -> {
        return Future.failedFuture(TroupeException.badRequest("unknown op"));
      }
    }
  }
}
