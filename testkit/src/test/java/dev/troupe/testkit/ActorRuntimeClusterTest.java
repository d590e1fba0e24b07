package dev.troupe.testkit;

import static dev.troupe.testkit.ActorTesting.counted;
import static dev.troupe.testkit.ActorTesting.gauged;
import static dev.troupe.testkit.ActorTesting.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.actor.ActorContext;
import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.actor.ActorType;
import dev.troupe.shared.actor.ActorTypes;
import dev.troupe.shared.actor.Actors;
import dev.troupe.shared.actor.Outcome;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.StateStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The actor runtime on three nodes: db-service on node 0, nodes 1 and 2 bare; every node hosts
 * actors. Each test uses its own actor type, so the meters it reads are its own.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Actor runtime on a three-node cluster")
class ActorRuntimeClusterTest {
  private static final int MAILBOX = 50;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db")
              .node()
              .node()
              .setting("TROUPE_ACTOR_MAILBOX", String.valueOf(MAILBOX))
              .setting("TROUPE_ACTOR_IDLE_MS", "2000")
              .setting("TROUPE_ACTOR_MAX_RESTARTS", "2")
              .setting("TROUPE_ACTOR_RESTART_PERIOD_MS", "600000"));

  @BeforeAll
  static void types() {
    for (String type : List.of("single", "ordered", "idler", "holder", "crasher")) {
      ActorTypes.register(new TestActor(type));
    }
    ActorTypes.register(new Counter());
  }

  /** The example of the "Actors" section of docs/architecture.md, verbatim. */
  @SuppressWarnings(
      "MissingOverride") // verbatim from the docs, which leave @Override out to stay short
  static final class Counter implements ActorType<JsonObject, JsonObject> {
    public String name() {
      return "counter";
    } // state stored under (counter, key)

    public JsonObject initialState(String key) {
      return new JsonObject().put("n", 0);
    }

    public JsonObject encodeState(JsonObject s) {
      return s;
    }

    public JsonObject decodeState(JsonObject json) {
      return json;
    }

    public JsonObject decodeMessage(JsonObject json) {
      return json;
    }

    public Future<Outcome<JsonObject>> handle(ActorContext ctx, JsonObject state, JsonObject msg) {
      if ("get".equals(msg.getString("op"))) {
        return Future.succeededFuture(Outcome.reply(state.copy())); // no state change
      }
      JsonObject next = state.copy().put("n", state.getInteger("n") + 1);
      return Future.succeededFuture(Outcome.update(next, next.copy())); // written, then replied
    }
  }

  @Test
  @DisplayName("the documented counter example counts, and its state is what the state store holds")
  void documentedCounter(Vertx vertx, VertxTestContext ctx) {
    Actors actors = Actors.of(TROUPE.cluster().node(1).vertx());
    actors
        .ask("counter", "visits", new JsonObject().put("op", "inc"))
        .compose(r -> actors.ask("counter", "visits", new JsonObject().put("op", "inc")))
        .compose(
            r ->
                new Bus(TROUPE.cluster().node(2).vertx(), 5_000)
                    .call(
                        StateStoreContract.LOAD, new ActorId("counter", "visits").stateKey(), null))
        .onComplete(
            ctx.succeeding(
                loaded ->
                    ctx.verify(
                        () -> {
                          assertThat(loaded.data().getInteger("n")).isEqualTo(2);
                          assertThat(loaded.version()).isEqualTo(2L);
                          ctx.completeNow();
                        })));
  }

  private static Actors actors(int node) {
    return Actors.of(TROUPE.cluster().node(node).vertx());
  }

  private static JsonObject op(String op) {
    return new JsonObject().put("op", op);
  }

  @Test
  @DisplayName(
      "concurrent first messages from three nodes activate each actor exactly once, cluster-wide")
  void singleActivation(Vertx vertx, VertxTestContext ctx) {
    int keys = 10;
    int perNode = 5;
    List<Future<JsonObject>> replies = new ArrayList<>();
    for (int round = 0; round < perNode; round++) {
      for (int k = 0; k < keys; k++) {
        for (int node = 0; node < 3; node++) {
          replies.add(actors(node).ask("single", "k" + k, op("inc")));
        }
      }
    }
    Future.all(replies)
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(
                                  counted(
                                      TROUPE.cluster().nodes(),
                                      "troupe_actor_activations",
                                      "single"))
                              .as("activations cluster-wide")
                              .isEqualTo(keys);
                          Map<String, List<Integer>> seen = new HashMap<>();
                          int i = 0;
                          for (int round = 0; round < perNode; round++) {
                            for (int k = 0; k < keys; k++) {
                              for (int node = 0; node < 3; node++) {
                                seen.computeIfAbsent("k" + k, x -> new ArrayList<>())
                                    .add(replies.get(i++).result().getInteger("n"));
                              }
                            }
                          }
                          // Every increment saw a distinct count: no message was handled twice,
                          // none by a second copy.
                          seen.forEach(
                              (key, ns) ->
                                  assertThat(ns)
                                      .as(key)
                                      .containsExactlyInAnyOrderElementsOf(
                                          IntStream.rangeClosed(1, 3 * perNode).boxed().toList()));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("messages from each sender are handled in the order sent, one at a time")
  void orderPerSender(Vertx vertx, VertxTestContext ctx) {
    int each = 20;
    List<Future<JsonObject>> replies = new ArrayList<>();
    for (int i = 0; i < each; i++) {
      replies.add(actors(1).ask("ordered", "log", op("append").put("v", "a" + i)));
      replies.add(actors(2).ask("ordered", "log", op("append").put("v", "b" + i)));
    }
    Future.all(replies)
        .compose(all -> actors(0).ask("ordered", "log", op("get")))
        .onComplete(
            ctx.succeeding(
                state ->
                    ctx.verify(
                        () -> {
                          List<String> log =
                              state.getJsonArray("log").stream().map(String.class::cast).toList();
                          assertThat(log).hasSize(2 * each);
                          assertThat(log.stream().filter(v -> v.startsWith("a")).toList())
                              .containsExactlyElementsOf(
                                  IntStream.range(0, each).mapToObj(i -> "a" + i).toList());
                          assertThat(log.stream().filter(v -> v.startsWith("b")).toList())
                              .containsExactlyElementsOf(
                                  IntStream.range(0, each).mapToObj(i -> "b" + i).toList());
                          assertThat(
                                  replies.stream().map(r -> r.result().getInteger("size")).toList())
                              .as("each append saw the log one longer than some other")
                              .doesNotHaveDuplicates();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("an idle actor passivates, and the next message reactivates it with its state")
  void passivationAndReactivation(Vertx vertx, VertxTestContext ctx) {
    var nodes = TROUPE.cluster().nodes();
    actors(1)
        .ask("idler", "sleepy", op("inc"))
        .compose(r -> actors(2).ask("idler", "sleepy", op("inc")))
        .compose(
            r ->
                until(
                    vertx,
                    "the idle actor to passivate",
                    () ->
                        counted(nodes, "troupe_actor_passivations", "idler", "reason", "idle") == 1
                            && gauged(nodes, "troupe_actor_live", "idler") == 0,
                    30_000))
        .compose(v -> actors(0).ask("idler", "sleepy", op("get")))
        .onComplete(
            ctx.succeeding(
                state ->
                    ctx.verify(
                        () -> {
                          assertThat(state.getInteger("n"))
                              .as("state after reactivation")
                              .isEqualTo(2);
                          assertThat(state.getLong("version")).as("stored version").isEqualTo(2L);
                          assertThat(counted(nodes, "troupe_actor_activations", "idler"))
                              .isEqualTo(2);
                          assertThat(gauged(nodes, "troupe_actor_live", "idler")).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a full mailbox refuses the next message with UNAVAILABLE; the queued ones are all handled")
  void mailboxOverflow(Vertx vertx, VertxTestContext ctx) {
    var nodes = TROUPE.cluster().nodes();
    Actors sender = actors(1);
    Future<JsonObject> held = sender.ask("holder", "busy", op("hold"));
    until(vertx, "the hold message to be in hand", () -> TestActor.gate("busy") != null, 30_000)
        .compose(
            v -> {
              List<Future<JsonObject>> queued = new ArrayList<>();
              for (int i = 0; i < MAILBOX; i++) {
                queued.add(sender.ask("holder", "busy", op("inc")));
              }
              return sender
                  .ask("holder", "busy", op("inc"))
                  .transform(
                      overflow -> {
                        ctx.verify(
                            () -> {
                              assertThat(overflow.failed())
                                  .as("the message past the mailbox bound fails")
                                  .isTrue();
                              assertThat(Failures.code(overflow.cause()))
                                  .isEqualTo(ErrorCode.UNAVAILABLE);
                              assertThat(counted(nodes, "troupe_actor_mailbox_rejected", "holder"))
                                  .isEqualTo(1);
                              assertThat(gauged(nodes, "troupe_actor_mailbox_depth", "holder"))
                                  .isEqualTo(MAILBOX);
                              assertThat(queued).noneMatch(Future::isComplete);
                            });
                        TestActor.gate("busy").complete();
                        List<Future<JsonObject>> all = new ArrayList<>(queued);
                        all.add(held);
                        return Future.all(all).map(queued);
                      });
            })
        .onComplete(
            ctx.succeeding(
                queued ->
                    ctx.verify(
                        () -> {
                          assertThat(queued.stream().map(f -> f.result().getInteger("n")).toList())
                              .containsExactlyElementsOf(
                                  IntStream.rangeClosed(1, MAILBOX).boxed().toList());
                          assertThat(gauged(nodes, "troupe_actor_mailbox_depth", "holder"))
                              .isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a handler that throws restarts the actor from its stored state, until the restart limit stops it")
  void crashRestartsWithStoredState(Vertx vertx, VertxTestContext ctx) {
    var nodes = TROUPE.cluster().nodes();
    Actors actors = actors(2);
    actors
        .ask("crasher", "c", op("inc"))
        .compose(r -> actors.ask("crasher", "c", op("inc")))
        .compose(r -> crash(ctx, actors))
        .compose(v -> actors.ask("crasher", "c", op("get")))
        .compose(
            state -> {
              ctx.verify(
                  () -> {
                    assertThat(state.getInteger("n"))
                        .as("state reloaded, the scribble gone")
                        .isEqualTo(2);
                    assertThat(counted(nodes, "troupe_actor_restarts", "crasher")).isEqualTo(1);
                  });
              return actors
                  .ask("crasher", "c", op("refuse"))
                  .transform(
                      refused -> {
                        ctx.verify(
                            () -> {
                              assertThat(Failures.code(refused.cause()))
                                  .isEqualTo(ErrorCode.BAD_REQUEST);
                              assertThat(counted(nodes, "troupe_actor_restarts", "crasher"))
                                  .as("a refusal is no crash")
                                  .isEqualTo(1);
                            });
                        return crash(ctx, actors);
                      });
            })
        .compose(v -> crash(ctx, actors))
        // The stop is accounted right after the failed reply has left: wait for it.
        .compose(
            v ->
                until(
                    vertx,
                    "the actor to stop after its third crash",
                    () ->
                        counted(nodes, "troupe_actor_passivations", "crasher", "reason", "failed")
                            == 1,
                    30_000))
        .compose(
            v -> {
              ctx.verify(
                  () ->
                      assertThat(counted(nodes, "troupe_actor_restarts", "crasher"))
                          .as("limit of 2")
                          .isEqualTo(2));
              return actors.ask("crasher", "c", op("get"));
            })
        .onComplete(
            ctx.succeeding(
                state ->
                    ctx.verify(
                        () -> {
                          assertThat(state.getInteger("n")).isEqualTo(2);
                          assertThat(counted(nodes, "troupe_actor_activations", "crasher"))
                              .as("activated afresh")
                              .isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  private static Future<Void> crash(VertxTestContext ctx, Actors actors) {
    Promise<Void> done = Promise.promise();
    actors
        .ask("crasher", "c", op("poison"))
        .onComplete(
            ar -> {
              ctx.verify(
                  () -> {
                    assertThat(ar.failed()).as("the poisoned message fails").isTrue();
                    assertThat(Failures.code(ar.cause())).isEqualTo(ErrorCode.INTERNAL);
                  });
              done.complete();
            });
    return done.future();
  }
}
