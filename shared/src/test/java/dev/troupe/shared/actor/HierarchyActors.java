package dev.troupe.shared.actor;

import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The actor types of the hierarchy tests, and what they report. Every actor answers to JSON
 * messages {@code {"op": ...}}; an actor named in a message travels as {@code target}, in the
 * contract's JSON. Each kind of child is supervised by the strategy its type name says ({@link
 * #strategy}); watchers report each {@link Terminated} they hear, in order, so tests wait on the
 * signal itself.
 */
final class HierarchyActors {
  static final String PARENT = "t-parent";
  static final String OBSERVER = "t-observer";
  static final String RESTART = "t-restart";
  static final String BACKOFF = "t-backoff";
  static final String RESUME = "t-resume";
  static final String STOP = "t-stop";
  static final String ESCALATE = "t-escalate";

  /** Supervised by {@link SupervisorStrategy#restart()}: the host's restart intensity. */
  static final String DEFAULT = "t-default";

  static final long BACKOFF_MS = 150;
  private static final long WAIT_S = 15;

  /** The signals each watcher heard, in the order it heard them. */
  private static final Map<ActorId, List<Terminated>> HEARD = new ConcurrentHashMap<>();

  private static final Map<String, Promise<Terminated>> SIGNALS = new ConcurrentHashMap<>();

  /** The crashes the host's restart policy was asked about, by top-level actor. */
  private static final Map<ActorId, List<Throwable>> CRASHES = new ConcurrentHashMap<>();

  private HierarchyActors() {}

  static void register() {
    ActorTypes.register(new Parent());
    ActorTypes.register(new Observer());
    for (String kid : List.of(RESTART, BACKOFF, RESUME, STOP, ESCALATE, DEFAULT)) {
      ActorTypes.register(new Kid(kid));
    }
  }

  /** How a parent (top-level or child) supervises a child of {@code childType}. */
  static SupervisorStrategy strategy(String childType) {
    return switch (childType) {
      case RESTART -> SupervisorStrategy.restart(1, 600_000);
      case BACKOFF -> SupervisorStrategy.restart(5, 600_000).withBackoff(BACKOFF_MS, BACKOFF_MS);
      case RESUME -> SupervisorStrategy.resume();
      case STOP -> SupervisorStrategy.stop();
      case ESCALATE -> SupervisorStrategy.escalate();
      default -> SupervisorStrategy.restart();
    };
  }

  /**
   * The host's policy for top-level actors: at most {@code maxRestarts} within ten minutes, each
   * crash recorded.
   */
  static RestartPolicy.Factory recordingPolicy(int maxRestarts) {
    RestartPolicy.Factory limit = RestartPolicy.intensity(maxRestarts, 600_000);
    return id -> {
      RestartPolicy inner = limit.create(id);
      return (actor, cause, nowMs) -> {
        CRASHES.computeIfAbsent(actor, k -> new CopyOnWriteArrayList<>()).add(cause);
        return inner.restart(actor, cause, nowMs);
      };
    };
  }

  static List<Throwable> crashesOf(ActorId id) {
    return CRASHES.getOrDefault(id, List.of());
  }

  /** The Terminated {@code watcher} heard for {@code target}; fails after a bounded wait. */
  static Future<Terminated> heard(ActorId watcher, ActorId target) {
    return SIGNALS
        .computeIfAbsent(watcher + " " + target, k -> Promise.promise())
        .future()
        .timeout(WAIT_S, TimeUnit.SECONDS);
  }

  /** Every signal {@code watcher} heard so far, in order. */
  static List<ActorId> heardBy(ActorId watcher) {
    return HEARD.getOrDefault(watcher, List.of()).stream().map(Terminated::actor).toList();
  }

  private static Future<Outcome<JsonObject>> report(ActorId watcher, Terminated terminated) {
    HEARD.computeIfAbsent(watcher, k -> new CopyOnWriteArrayList<>()).add(terminated);
    SIGNALS
        .computeIfAbsent(watcher + " " + terminated.actor(), k -> Promise.promise())
        .tryComplete(terminated);
    return Future.succeededFuture(Outcome.reply(null));
  }

  static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }

  /** {@code op} about {@code target}. */
  static JsonObject op(String op, ActorId target) {
    return op(op)
        .put("target", ActorContract.toJson(new ActorContract.Envelope(target, new JsonObject())));
  }

  /** A spawn of {@code name} of {@code type}; the spawning actor watches it when {@code watch}. */
  static JsonObject spawn(String type, String name, boolean watch) {
    return op("spawn").put("type", type).put("name", name).put("watch", watch);
  }

  private static ActorId target(JsonObject msg) {
    return ActorContract.envelope(msg.getJsonObject("target").put("message", new JsonObject()))
        .id();
  }

  private static Future<Outcome<JsonObject>> replying(JsonObject reply) {
    return Future.succeededFuture(Outcome.reply(reply));
  }

  /**
   * The operations parents and children share, or null for another: spawn (and maybe watch) a
   * child, stop one, stop itself, watch and unwatch any actor, forward a message with {@link
   * ActorContext#ask} (replying its answer, or the code it failed with) and list its children.
   */
  private static Future<Outcome<JsonObject>> common(ActorContext ctx, JsonObject msg) {
    switch (msg.getString("op")) {
      case "spawn" -> {
        ActorId child = ctx.spawn(msg.getString("type"), msg.getString("name"));
        if (msg.getBoolean("watch", false)) {
          ctx.watch(child);
        }
        return replying(new JsonObject().put("child", child.toString()));
      }
      case "stop" -> ctx.stop(target(msg));
      case "stopSelf" -> ctx.stopSelf();
      case "watch" -> ctx.watch(target(msg));
      case "unwatch" -> ctx.unwatch(target(msg));
      case "forward" -> {
        return ctx.ask(target(msg), msg.getJsonObject("message"))
            .map(Outcome::<JsonObject>reply)
            .recover(e -> replying(new JsonObject().put("code", Failures.code(e).name())));
      }
      case "children" -> {
        JsonArray children = new JsonArray();
        ctx.children().forEach(c -> children.add(c.toString()));
        return replying(new JsonObject().put("children", children));
      }
      default -> {
        return null;
      }
    }
    return replying(new JsonObject());
  }

  /** A top-level actor that spawns, stops and watches, and stores how often it was touched. */
  static final class Parent extends Json {
    @Override
    public String name() {
      return PARENT;
    }

    @Override
    public SupervisorStrategy supervisorStrategy(String childType) {
      return strategy(childType);
    }

    @Override
    public Future<Outcome<JsonObject>> handle(ActorContext ctx, JsonObject state, JsonObject msg) {
      if ("touch".equals(msg.getString("op"))) {
        JsonObject next = state.copy().put("touched", state.getInteger("touched", 0) + 1);
        return Future.succeededFuture(Outcome.update(next, next.copy()));
      }
      if ("get".equals(msg.getString("op"))) {
        return replying(state.copy());
      }
      Future<Outcome<JsonObject>> common = common(ctx, msg);
      return common != null ? common : replying(new JsonObject().put("unknown", true));
    }

    @Override
    public Future<Outcome<JsonObject>> onTerminated(
        ActorContext ctx, JsonObject state, Terminated terminated) {
      return report(ctx.self(), terminated);
    }
  }

  /** A top-level actor that watches and unwatches on command and reports what it hears. */
  static final class Observer extends Json {
    @Override
    public String name() {
      return OBSERVER;
    }

    @Override
    public Future<Outcome<JsonObject>> handle(ActorContext ctx, JsonObject state, JsonObject msg) {
      Future<Outcome<JsonObject>> common = common(ctx, msg);
      return common != null ? common : replying(new JsonObject().put("unknown", true));
    }

    @Override
    public Future<Outcome<JsonObject>> onTerminated(
        ActorContext ctx, JsonObject state, Terminated terminated) {
      return report(ctx.self(), terminated);
    }
  }

  /**
   * A child that counts ({@code inc}, {@code get}), crashes by a throw ({@code crash}) or a failed
   * future ({@code fail}), refuses ({@code refuse}), and has children of its own.
   */
  static final class Kid extends Json {
    private final String name;

    Kid(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public SupervisorStrategy supervisorStrategy(String childType) {
      return strategy(childType);
    }

    @Override
    public Future<Outcome<JsonObject>> handle(ActorContext ctx, JsonObject state, JsonObject msg) {
      int n = state.getInteger("n", 0);
      switch (msg.getString("op")) {
        case "inc" -> {
          JsonObject next = state.copy().put("n", n + 1);
          return Future.succeededFuture(Outcome.update(next, next.copy()));
        }
        case "get" -> {
          return replying(new JsonObject().put("n", n));
        }
        case "crash" -> throw new IllegalStateException("asked to crash");
        case "fail" -> {
          return Future.failedFuture(new IllegalStateException("asked to fail"));
        }
        case "refuse" -> {
          return Future.failedFuture(TroupeException.badRequest("asked to refuse"));
        }
        default -> {
          Future<Outcome<JsonObject>> common = common(ctx, msg);
          return common != null ? common : replying(new JsonObject().put("unknown", true));
        }
      }
    }
  }

  /** JSON state and messages, empty at first. */
  abstract static class Json implements ActorType<JsonObject, JsonObject> {
    @Override
    public JsonObject initialState(String key) {
      return new JsonObject();
    }

    @Override
    public JsonObject encodeState(JsonObject state) {
      return state;
    }

    @Override
    public JsonObject decodeState(JsonObject json) {
      return json;
    }

    @Override
    public JsonObject decodeMessage(JsonObject json) {
      return json;
    }
  }
}
