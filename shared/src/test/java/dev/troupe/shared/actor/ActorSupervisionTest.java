package dev.troupe.shared.actor;

import static dev.troupe.shared.actor.ActorHostNode.code;
import static dev.troupe.shared.actor.HierarchyActors.heard;
import static dev.troupe.shared.actor.HierarchyActors.op;
import static dev.troupe.shared.actor.HierarchyActors.spawn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How a parent's {@link SupervisorStrategy} treats a crash of its child, one directive per test, on
 * one node. Each test has a parent of its own ({@code t-parent/<test>}).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Actor supervision: each directive of a parent's strategy")
class ActorSupervisionTest {
  private static ActorHostNode node;

  @BeforeAll
  static void startNode(VertxTestContext ctx) {
    HierarchyActors.register();
    ActorHostNode.start(
            HierarchyActors.recordingPolicy(3),
            Map.of(
                "TROUPE_ACTOR_MAX_RESTARTS", "2",
                "TROUPE_ACTOR_RESTART_PERIOD_MS", "600000"))
        .onComplete(
            ctx.succeeding(
                started -> {
                  node = started;
                  ctx.completeNow();
                }));
  }

  @AfterAll
  static void closeNode(VertxTestContext ctx) {
    Future<Void> closed = node == null ? Future.succeededFuture() : node.close();
    closed.onComplete(ctx.succeedingThenComplete());
  }

  private static ActorId parent(String key) {
    return new ActorId(HierarchyActors.PARENT, key);
  }

  private static Future<JsonObject> ask(ActorId id, String op) {
    return node.ask(id, op(op));
  }

  /** Asks {@code id} to crash ({@code crash}: a throw, {@code fail}: a failed future). */
  private static Future<Void> crash(ActorId id, String how) {
    return code(ask(id, how))
        .compose(
            (ErrorCode code) ->
                code == ErrorCode.INTERNAL
                    ? Future.<Void>succeededFuture()
                    : Future.<Void>failedFuture(new AssertionError("a crash answered " + code)));
  }

  private static Future<Integer> count(ActorId kid) {
    return ask(kid, "get").map((JsonObject reply) -> reply.getInteger("n"));
  }

  @Test
  @DisplayName(
      "RESTART: a crashed child starts again from its initial state with its own children stopped;"
          + " the crash past its intensity stops it, and its watching parent hears FAILED")
  void restart(VertxTestContext ctx) {
    ActorId p = parent("restart");
    ActorId kid = p.child(HierarchyActors.RESTART, "k");
    ActorId grandchild = kid.child(HierarchyActors.RESUME, "g");
    double restartsBefore = node.counted("troupe_actor_restarts", HierarchyActors.RESTART);
    node.ask(p, spawn(HierarchyActors.RESTART, "k", true))
        .compose(v -> ask(kid, "inc"))
        .compose(v -> ask(kid, "inc"))
        .compose(v -> node.ask(kid, spawn(HierarchyActors.RESUME, "g", false)))
        .compose(v -> crash(kid, "crash"))
        .compose(v -> count(kid))
        .compose(
            n -> {
              ctx.verify(() -> assertThat(n).as("a fresh state").isZero());
              return code(ask(grandchild, "get"));
            })
        .compose(
            code -> {
              ctx.verify(
                  () ->
                      assertThat(code).as("stopped by the restart").isEqualTo(ErrorCode.NOT_FOUND));
              return crash(kid, "fail"); // the second crash within the period: past restart(1, ...)
            })
        .compose(v -> heard(p, kid))
        .compose(
            terminated -> {
              ctx.verify(() -> assertThat(terminated.reason()).isEqualTo(StopReason.FAILED));
              return code(ask(kid, "get"));
            })
        .onComplete(
            ctx.succeeding(
                code ->
                    ctx.verify(
                        () -> {
                          assertThat(code).isEqualTo(ErrorCode.NOT_FOUND);
                          assertThat(node.counted("troupe_actor_restarts", HierarchyActors.RESTART))
                              .isEqualTo(restartsBefore + 1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "RESTART with a backoff: the restarted child takes its next message only once the backoff has passed")
  void backoff(VertxTestContext ctx) {
    ActorId p = parent("backoff");
    ActorId kid = p.child(HierarchyActors.BACKOFF, "k");
    long[] crashedAt = new long[1];
    node.ask(p, spawn(HierarchyActors.BACKOFF, "k", false))
        .compose(v -> ask(kid, "inc"))
        .compose(
            v -> {
              crashedAt[0] = System.nanoTime();
              return crash(kid, "crash");
            })
        .compose(v -> count(kid))
        .onComplete(
            ctx.succeeding(
                n ->
                    ctx.verify(
                        () -> {
                          long waitedMs =
                              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt[0]);
                          assertThat(n).as("a fresh state").isZero();
                          assertThat(waitedMs).isGreaterThanOrEqualTo(HierarchyActors.BACKOFF_MS);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("RESUME: a crashed child keeps its state and takes its next message")
  void resume(VertxTestContext ctx) {
    ActorId p = parent("resume");
    ActorId kid = p.child(HierarchyActors.RESUME, "k");
    node.ask(p, spawn(HierarchyActors.RESUME, "k", true))
        .compose(v -> ask(kid, "inc"))
        .compose(v -> ask(kid, "inc"))
        .compose(v -> crash(kid, "crash"))
        .compose(v -> crash(kid, "fail"))
        .compose(v -> count(kid))
        .onComplete(
            ctx.succeeding(
                n ->
                    ctx.verify(
                        () -> {
                          assertThat(n).as("the state before the crashes").isEqualTo(2);
                          assertThat(
                                  node.counted(
                                      "troupe_actor_child_crashes",
                                      HierarchyActors.RESUME,
                                      "directive",
                                      "resume"))
                              .isGreaterThanOrEqualTo(2);
                          assertThat(node.counted("troupe_actor_restarts", HierarchyActors.RESUME))
                              .isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("STOP: a crashed child stops; its watching parent hears FAILED; it is gone")
  void stop(VertxTestContext ctx) {
    ActorId p = parent("stop");
    ActorId kid = p.child(HierarchyActors.STOP, "k");
    node.ask(p, spawn(HierarchyActors.STOP, "k", true))
        .compose(v -> ask(kid, "inc"))
        .compose(v -> crash(kid, "crash"))
        .compose(v -> heard(p, kid))
        .compose(
            terminated -> {
              ctx.verify(() -> assertThat(terminated.reason()).isEqualTo(StopReason.FAILED));
              return code(ask(kid, "get"));
            })
        .compose(
            code -> {
              ctx.verify(() -> assertThat(code).isEqualTo(ErrorCode.NOT_FOUND));
              return ask(p, "children");
            })
        .onComplete(
            ctx.succeeding(
                children ->
                    ctx.verify(
                        () -> {
                          assertThat(children.getJsonArray("children")).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a refusal is no crash: the child keeps its state, whatever its parent's strategy")
  void refusal(VertxTestContext ctx) {
    ActorId p = parent("refusal");
    ActorId kid = p.child(HierarchyActors.STOP, "k");
    node.ask(p, spawn(HierarchyActors.STOP, "k", false))
        .compose(v -> ask(kid, "inc"))
        .compose(v -> code(ask(kid, "refuse")))
        .compose(
            code -> {
              ctx.verify(() -> assertThat(code).isEqualTo(ErrorCode.BAD_REQUEST));
              return count(kid);
            })
        .onComplete(
            ctx.succeeding(
                n ->
                    ctx.verify(
                        () -> {
                          assertThat(n).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "ESCALATE: a crashed child stops and fails its top-level parent, which restarts by the host's"
          + " policy: from its stored state, its other children stopped")
  void escalate(VertxTestContext ctx) {
    ActorId p = parent("escalate");
    ActorId failing = p.child(HierarchyActors.ESCALATE, "e");
    ActorId sibling = p.child(HierarchyActors.RESUME, "s");
    ActorId observer = new ActorId(HierarchyActors.OBSERVER, "escalate");
    ask(p, "touch")
        .compose(v -> node.ask(p, spawn(HierarchyActors.ESCALATE, "e", false)))
        .compose(v -> node.ask(p, spawn(HierarchyActors.RESUME, "s", false)))
        .compose(v -> node.ask(observer, op("watch", sibling)))
        .compose(v -> crash(failing, "crash"))
        .compose(v -> heard(observer, sibling))
        .compose(
            terminated -> {
              ctx.verify(
                  () ->
                      assertThat(terminated.reason())
                          .as("stopped by its parent's restart")
                          .isEqualTo(StopReason.PARENT));
              return Future.all(ask(p, "get"), ask(p, "children"));
            })
        .compose(
            parent -> {
              ctx.verify(
                  () -> {
                    JsonObject state = parent.resultAt(0);
                    JsonObject children = parent.resultAt(1);
                    assertThat(state.getInteger("touched")).as("reloaded").isEqualTo(1);
                    assertThat(children.getJsonArray("children")).isEmpty();
                    List<Throwable> crashes = HierarchyActors.crashesOf(p);
                    assertThat(crashes).hasSize(1);
                    assertThat(crashes.get(0))
                        .isInstanceOf(Hierarchy.Escalation.class)
                        .hasMessageContaining(failing.toString())
                        .hasRootCauseMessage("asked to crash");
                  });
              return code(ask(failing, "get"));
            })
        .onComplete(
            ctx.succeeding(
                code ->
                    ctx.verify(
                        () -> {
                          assertThat(code).isEqualTo(ErrorCode.NOT_FOUND);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "ESCALATE goes up one level: a grandchild's crash fails its parent, whose own supervisor"
          + " restarts it; the top-level actor sees no crash")
  void escalateToChild(VertxTestContext ctx) {
    ActorId p = parent("escalate-nested");
    ActorId kid = p.child(HierarchyActors.RESTART, "k");
    ActorId grandchild = kid.child(HierarchyActors.ESCALATE, "g");
    node.ask(p, spawn(HierarchyActors.RESTART, "k", true))
        .compose(v -> ask(kid, "inc"))
        .compose(v -> node.ask(kid, spawn(HierarchyActors.ESCALATE, "g", false)))
        .compose(v -> crash(grandchild, "fail"))
        .compose(v -> count(kid))
        .compose(
            n -> {
              ctx.verify(() -> assertThat(n).as("restarted by its parent").isZero());
              return code(ask(grandchild, "get"));
            })
        .onComplete(
            ctx.succeeding(
                code ->
                    ctx.verify(
                        () -> {
                          assertThat(code).isEqualTo(ErrorCode.NOT_FOUND);
                          assertThat(HierarchyActors.crashesOf(p)).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "the default strategy restarts within the host's intensity (TROUPE_ACTOR_MAX_RESTARTS=2) and stops the child past it")
  void hostIntensity(VertxTestContext ctx) {
    ActorId p = parent("default");
    ActorId kid = p.child(HierarchyActors.DEFAULT, "k");
    node.ask(p, spawn(HierarchyActors.DEFAULT, "k", true))
        .compose(v -> crash(kid, "crash"))
        .compose(v -> crash(kid, "crash"))
        .compose(v -> ask(kid, "inc"))
        .compose(
            after -> {
              ctx.verify(() -> assertThat(after.getInteger("n")).as("live after 2").isEqualTo(1));
              return crash(kid, "crash");
            })
        .compose(v -> heard(p, kid))
        .onComplete(
            ctx.succeeding(
                terminated ->
                    ctx.verify(
                        () -> {
                          assertThat(terminated.reason()).isEqualTo(StopReason.FAILED);
                          ctx.completeNow();
                        })));
  }
}
