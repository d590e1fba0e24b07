package dev.troupe.testkit;

import static dev.troupe.testkit.ActorTesting.counted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.actor.ActorContext;
import dev.troupe.shared.actor.ActorContract;
import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.actor.ActorType;
import dev.troupe.shared.actor.ActorTypes;
import dev.troupe.shared.actor.Actors;
import dev.troupe.shared.actor.Outcome;
import dev.troupe.shared.actor.StopReason;
import dev.troupe.shared.actor.SupervisorStrategy;
import dev.troupe.shared.actor.Terminated;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Actor hierarchies on one node: children spawned by a parent, each kind of child under its own
 * supervisor strategy, watches and their {@link Terminated} signals. The test's actors report each
 * signal they get here, so the tests wait on the signal itself.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Actor hierarchies: children, supervision and watches")
class ActorHierarchyClusterTest {
  private static final long WAIT_S = 20;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db")
              .setting("TROUPE_ACTOR_MAX_RESTARTS", "3")
              .setting("TROUPE_ACTOR_RESTART_PERIOD_MS", "600000"));

  /** The signals the test's watchers got, by the actor that stopped. */
  private static final Map<ActorId, Promise<Terminated>> SIGNALS = new ConcurrentHashMap<>();

  @BeforeAll
  static void types() {
    ActorTypes.register(new Parent());
    ActorTypes.register(new Observer());
    for (String kind : new String[] {"restart", "resume", "stop", "escalate"}) {
      ActorTypes.register(new Kid("h-" + kind));
    }
  }

  @Test
  @DisplayName(
      "RESTART: a crashed child starts again from its initial state; past its intensity it stops")
  void restart(Vertx vertx, VertxTestContext ctx) {
    ActorId kid = child("p-restart", "h-restart", "k");
    spawnAndCount("p-restart", "h-restart", "k")
        .compose(v -> crash(kid))
        .compose(v -> ask(kid, "get"))
        .compose(
            reply -> {
              ctx.verify(() -> assertThat(reply.getInteger("n")).as("a fresh state").isZero());
              return crash(kid); // the second crash within the period: past restart(1, ...)
            })
        .compose(v -> stoppedFor(kid, StopReason.FAILED))
        .compose(v -> notLive(kid))
        .onComplete(finish(ctx, v -> assertThat(restarts("h-restart")).isEqualTo(1.0)));
  }

  @Test
  @DisplayName("RESUME: a crashed child keeps its state and takes its next message")
  void resume(Vertx vertx, VertxTestContext ctx) {
    ActorId kid = child("p-resume", "h-resume", "k");
    spawnAndCount("p-resume", "h-resume", "k")
        .compose(v -> crash(kid))
        .compose(v -> crash(kid))
        .compose(v -> ask(kid, "get"))
        .onComplete(
            finish(
                ctx,
                reply ->
                    assertThat(reply.getInteger("n"))
                        .as("the state before the crashes")
                        .isEqualTo(2)));
  }

  @Test
  @DisplayName("STOP: a crashed child stops; its watching parent hears FAILED; it is gone")
  void stop(Vertx vertx, VertxTestContext ctx) {
    ActorId kid = child("p-stop", "h-stop", "k");
    spawn("p-stop", "h-stop", "k")
        .compose(v -> ask(kid, "inc"))
        .compose(v -> crash(kid))
        .compose(v -> stoppedFor(kid, StopReason.FAILED))
        .compose(v -> notLive(kid))
        .compose(v -> ask(parent("p-stop"), "children"))
        .onComplete(finish(ctx, parent -> assertThat(parent.getJsonArray("children")).isEmpty()));
  }

  @Test
  @DisplayName(
      "ESCALATE: a crashed child fails its parent, which restarts by the host's policy: from its stored state, its other children stopped")
  void escalate(Vertx vertx, VertxTestContext ctx) {
    ActorId parent = parent("p-escalate");
    ActorId failing = child("p-escalate", "h-escalate", "e");
    ActorId sibling = child("p-escalate", "h-resume", "s");
    double restartsBefore = restarts("h-parent");
    ask(parent, "touch")
        .compose(v -> spawn("p-escalate", "h-escalate", "e"))
        .compose(v -> spawn("p-escalate", "h-resume", "s"))
        .compose(v -> send(observer(), watch(sibling)))
        .compose(v -> crash(failing))
        .compose(v -> stoppedFor(sibling, StopReason.PARENT, "stopped by its parent's restart"))
        .compose(v -> ask(parent, "children"))
        .compose(
            children -> {
              ctx.verify(
                  () -> {
                    assertThat(children.getJsonArray("children")).isEmpty();
                    assertThat(children.getInteger("touched"))
                        .as("the parent's stored state, reloaded")
                        .isEqualTo(1);
                    assertThat(restarts("h-parent")).isEqualTo(restartsBefore + 1);
                  });
              return notLive(failing);
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "stopping a parent stops its children and theirs; a watcher hears each, and no message revives them")
  void parentStopsChildren(Vertx vertx, VertxTestContext ctx) {
    ActorId kid = child("p-tree", "h-resume", "k");
    ActorId grandchild = kid.child("h-resume", "g");
    spawn("p-tree", "h-resume", "k")
        .compose(v -> send(kid, op("spawn").put("type", "h-resume").put("name", "g")))
        .compose(v -> ask(grandchild, "inc"))
        .compose(v -> send(observer(), watch(kid)))
        .compose(v -> send(observer(), watch(grandchild)))
        .compose(v -> ask(parent("p-tree"), "stopSelf"))
        .compose(
            v ->
                Future.all(
                    stoppedFor(kid, StopReason.PARENT), stoppedFor(grandchild, StopReason.PARENT)))
        .compose(v -> notLive(grandchild))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "watch: a child stopped by its parent signals Terminated(STOPPED) to a watcher; watching an actor not live signals NOT_LIVE at once")
  void watch(Vertx vertx, VertxTestContext ctx) {
    ActorId kid = child("p-watch", "h-resume", "k");
    ActorId never = child("p-watch", "h-resume", "never");
    spawn("p-watch", "h-resume", "k")
        .compose(v -> send(observer(), watch(kid)))
        .compose(v -> send(parent("p-watch"), op("stop").put("name", "k")))
        .compose(v -> stoppedFor(kid, StopReason.STOPPED))
        .compose(v -> send(observer(), watch(never)))
        .compose(v -> stoppedFor(never, StopReason.NOT_LIVE))
        .onComplete(ctx.succeedingThenComplete());
  }

  // ---- helpers

  private static Actors actors() {
    return Actors.of(TROUPE.cluster().node(0).vertx());
  }

  /** Ends a test: {@code checks} on the chain's result, then completion. */
  private static <T> Handler<AsyncResult<T>> finish(VertxTestContext ctx, Consumer<T> checks) {
    return ctx.succeeding(
        result ->
            ctx.verify(
                () -> {
                  checks.accept(result);
                  ctx.completeNow();
                }));
  }

  /** The restarts of actors of {@code type}, over the cluster. */
  private static double restarts(String type) {
    return counted(TROUPE.cluster().nodes(), "troupe_actor_restarts", type);
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }

  private static Future<JsonObject> ask(ActorId id, String op) {
    return send(id, op(op));
  }

  private static Future<JsonObject> send(ActorId id, JsonObject message) {
    return actors().ask(id, message, null);
  }

  private static ActorId parent(String key) {
    return new ActorId("h-parent", key);
  }

  private static ActorId child(String parent, String type, String name) {
    return parent(parent).child(type, name);
  }

  private static ActorId observer() {
    return new ActorId("h-observer", "o");
  }

  /** Asks the observer to watch {@code target}, named as on the wire. */
  private static JsonObject watch(ActorId target) {
    return op("watch")
        .put("target", ActorContract.toJson(new ActorContract.Envelope(target, new JsonObject())));
  }

  /** The parent {@code parent} spawns (and watches) {@code name} of {@code type}. */
  private static Future<JsonObject> spawn(String parent, String type, String name) {
    return send(parent(parent), op("spawn").put("type", type).put("name", name));
  }

  /** As {@link #spawn}, then the child counts twice (its state: {@code n} = 2). */
  private static Future<JsonObject> spawnAndCount(String parent, String type, String name) {
    ActorId kid = child(parent, type, name);
    return spawn(parent, type, name).compose(v -> ask(kid, "inc")).compose(v -> ask(kid, "inc"));
  }

  /** Asks {@code id} to crash; completes once the crash was answered (INTERNAL). */
  private static Future<Void> crash(ActorId id) {
    return answers(ask(id, "crash"), ErrorCode.INTERNAL, "a crash");
  }

  /** Completes once {@code id} answers NOT_FOUND: it is not live, and a message revives nothing. */
  private static Future<Void> notLive(ActorId id) {
    return answers(ask(id, "get"), ErrorCode.NOT_FOUND, "a message to " + id);
  }

  /** Completes when {@code call} failed with {@code expected}; fails otherwise. */
  private static Future<Void> answers(Future<JsonObject> call, ErrorCode expected, String what) {
    return code(call)
        .compose(
            (ErrorCode code) ->
                code == expected
                    ? Future.<Void>succeededFuture()
                    : Future.<Void>failedFuture(
                        new AssertionError(what + " answered " + code + ", not " + expected)));
  }

  /** The error code {@code call} failed with; fails when it succeeded. */
  private static Future<ErrorCode> code(Future<JsonObject> call) {
    return call.transform(
        ar ->
            ar.failed()
                ? Future.succeededFuture(Failures.code(ar.cause()))
                : Future.failedFuture(new AssertionError("succeeded: " + ar.result())));
  }

  /**
   * Completes once a watcher heard that {@code id} stopped, for {@code reason}; fails otherwise.
   */
  private static Future<Void> stoppedFor(ActorId id, StopReason reason) {
    return stoppedFor(id, reason, id + " stopped");
  }

  private static Future<Void> stoppedFor(ActorId id, StopReason reason, String what) {
    return signal(id)
        .compose(
            (Terminated terminated) ->
                terminated.reason() == reason
                    ? Future.<Void>succeededFuture()
                    : Future.<Void>failedFuture(
                        new AssertionError(what + ": " + terminated.reason() + ", not " + reason)));
  }

  /** The Terminated a watcher got for {@code id}; fails after a bounded wait. */
  private static Future<Terminated> signal(ActorId id) {
    return SIGNALS
        .computeIfAbsent(id, k -> Promise.promise())
        .future()
        .timeout(WAIT_S, TimeUnit.SECONDS);
  }

  private static Future<Outcome<JsonObject>> report(Terminated terminated) {
    SIGNALS.computeIfAbsent(terminated.actor(), k -> Promise.promise()).tryComplete(terminated);
    return Future.succeededFuture(Outcome.reply(null));
  }

  /**
   * A top-level parent: spawns (and watches) children, stops them, stops itself, and stores how
   * often it was touched. Its strategy per kind of child is in the kind's name.
   */
  static final class Parent extends Json {
    @Override
    public String name() {
      return "h-parent";
    }

    @Override
    public SupervisorStrategy supervisorStrategy(String childType) {
      return switch (childType) {
        case "h-restart" -> SupervisorStrategy.restart(1, 600_000).withBackoff(10, 100);
        case "h-resume" -> SupervisorStrategy.resume();
        case "h-stop" -> SupervisorStrategy.stop();
        case "h-escalate" -> SupervisorStrategy.escalate();
        default -> SupervisorStrategy.restart();
      };
    }

    @Override
    public Future<Outcome<JsonObject>> handle(ActorContext ctx, JsonObject state, JsonObject msg) {
      switch (msg.getString("op")) {
        case "spawn" -> ctx.watch(ctx.spawn(msg.getString("type"), msg.getString("name")));
        case "stop" ->
            ctx.children().stream()
                .filter(c -> c.key().equals(msg.getString("name")))
                .forEach(ctx::stop);
        case "stopSelf" -> ctx.stopSelf();
        case "touch" -> {
          JsonObject next = state.copy().put("touched", state.getInteger("touched", 0) + 1);
          return Future.succeededFuture(Outcome.update(next, next.copy()));
        }
        default -> {}
      }
      JsonArray children = new JsonArray();
      ctx.children().forEach(c -> children.add(c.key()));
      return Future.succeededFuture(Outcome.reply(state.copy().put("children", children)));
    }

    @Override
    public Future<Outcome<JsonObject>> onTerminated(
        ActorContext ctx, JsonObject state, Terminated terminated) {
      return report(terminated);
    }
  }

  /** A top-level actor that watches actors of its host on command. */
  static final class Observer extends Json {
    @Override
    public String name() {
      return "h-observer";
    }

    @Override
    public Future<Outcome<JsonObject>> handle(ActorContext ctx, JsonObject state, JsonObject msg) {
      ctx.watch(ActorContract.envelope(msg.getJsonObject("target")).id());
      return Future.succeededFuture(Outcome.reply(null));
    }

    @Override
    public Future<Outcome<JsonObject>> onTerminated(
        ActorContext ctx, JsonObject state, Terminated terminated) {
      return report(terminated);
    }
  }

  /** A child that counts, crashes on command, and spawns children of its own. */
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
    public Future<Outcome<JsonObject>> handle(ActorContext ctx, JsonObject state, JsonObject msg) {
      switch (msg.getString("op")) {
        case "inc" -> {
          JsonObject next = state.copy().put("n", state.getInteger("n", 0) + 1);
          return Future.succeededFuture(Outcome.update(next, next.copy()));
        }
        case "crash" -> throw new IllegalStateException("asked to crash");
        case "spawn" -> ctx.spawn(msg.getString("type"), msg.getString("name"));
        default -> {}
      }
      return Future.succeededFuture(
          Outcome.reply(new JsonObject().put("n", state.getInteger("n", 0))));
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
