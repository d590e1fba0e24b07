package dev.troupe.shared.actor;

import static dev.troupe.shared.actor.ActorHostNode.code;
import static dev.troupe.shared.actor.HierarchyActors.heard;
import static dev.troupe.shared.actor.HierarchyActors.heardBy;
import static dev.troupe.shared.actor.HierarchyActors.op;
import static dev.troupe.shared.actor.HierarchyActors.spawn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Actor hierarchies on one node: a parent's subtree, watches and their {@link Terminated} signals,
 * messages to children that are not live, and what a spawn refuses. Each test has actors of its own
 * (keys named after it).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Actor hierarchies: subtrees, watches and spawns")
class ActorHierarchyTest {
  private static ActorHostNode node;

  @BeforeAll
  static void startNode(VertxTestContext ctx) {
    HierarchyActors.register();
    ActorHostNode.start(HierarchyActors.recordingPolicy(3), Map.of())
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

  private static ActorId observer(String key) {
    return new ActorId(HierarchyActors.OBSERVER, key);
  }

  private static Future<JsonObject> ask(ActorId id, String op) {
    return node.ask(id, op(op));
  }

  /** Completes when {@code call} fails with {@code expected}; fails otherwise. */
  private static Future<Void> refused(Future<JsonObject> call, ErrorCode expected) {
    return code(call)
        .compose(
            (ErrorCode code) ->
                code == expected
                    ? Future.<Void>succeededFuture()
                    : Future.<Void>failedFuture(
                        new AssertionError("expected " + expected + ", got " + code)));
  }

  @Test
  @DisplayName(
      "a parent that stops stops its subtree, grandchildren first; a watcher hears PARENT for each,"
          + " and no message revives them")
  void subtree(VertxTestContext ctx) {
    ActorId p = parent("tree");
    ActorId kid = p.child(HierarchyActors.RESUME, "k");
    ActorId grandchild = kid.child(HierarchyActors.RESUME, "g");
    ActorId o = observer("tree");
    node.ask(p, spawn(HierarchyActors.RESUME, "k", true))
        .compose(v -> node.ask(kid, spawn(HierarchyActors.RESUME, "g", false)))
        .compose(v -> ask(grandchild, "inc"))
        // Watched parent first: the order heard is the order of stopping, not of watching.
        .compose(v -> node.ask(o, op("watch", kid)))
        .compose(v -> node.ask(o, op("watch", grandchild)))
        .compose(v -> ask(p, "stopSelf"))
        .compose(v -> Future.all(heard(o, kid), heard(o, grandchild)))
        .compose(
            both -> {
              ctx.verify(
                  () -> {
                    assertThat(both.<Terminated>resultAt(0).reason()).isEqualTo(StopReason.PARENT);
                    assertThat(both.<Terminated>resultAt(1).reason()).isEqualTo(StopReason.PARENT);
                    assertThat(heardBy(o)).containsExactly(grandchild, kid);
                    assertThat(heardBy(p))
                        .as("a stopping parent is not told of its own children")
                        .isEmpty();
                  });
              return Future.all(
                  refused(ask(grandchild, "get"), ErrorCode.NOT_FOUND),
                  refused(ask(kid, "get"), ErrorCode.NOT_FOUND));
            })
        .compose(v -> ask(p, "children"))
        .onComplete(
            ctx.succeeding(
                children ->
                    ctx.verify(
                        () -> {
                          assertThat(children.getJsonArray("children"))
                              .as("activated afresh, without children")
                              .isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "watch: Terminated says why: STOPPED when its parent stops it and when it stops itself;"
          + " NOT_LIVE at once for an actor not live")
  void watchReasons(VertxTestContext ctx) {
    Checkpoint byParent = ctx.checkpoint();
    Checkpoint bySelf = ctx.checkpoint();
    Checkpoint notLive = ctx.checkpoint();
    ActorId p = parent("watch");
    ActorId stopped = p.child(HierarchyActors.RESUME, "stopped");
    ActorId quitter = p.child(HierarchyActors.RESUME, "quitter");
    ActorId never = p.child(HierarchyActors.RESUME, "never");
    ActorId o = observer("watch");
    node.ask(p, spawn(HierarchyActors.RESUME, "stopped", false))
        .compose(v -> node.ask(p, spawn(HierarchyActors.RESUME, "quitter", false)))
        .compose(v -> node.ask(o, op("watch", stopped)))
        .compose(v -> node.ask(o, op("watch", quitter)))
        .compose(v -> node.ask(p, op("stop", stopped)))
        .compose(v -> heard(o, stopped))
        .compose(
            terminated -> {
              ctx.verify(() -> assertThat(terminated.reason()).isEqualTo(StopReason.STOPPED));
              byParent.flag();
              return ask(quitter, "stopSelf");
            })
        .compose(v -> heard(o, quitter))
        .compose(
            terminated -> {
              ctx.verify(() -> assertThat(terminated.reason()).isEqualTo(StopReason.STOPPED));
              bySelf.flag();
              return node.ask(o, op("watch", never));
            })
        .compose(v -> heard(o, never))
        .onComplete(
            ctx.succeeding(
                terminated ->
                    ctx.verify(
                        () -> {
                          assertThat(terminated.reason()).isEqualTo(StopReason.NOT_LIVE);
                          notLive.flag();
                        })));
  }

  @Test
  @DisplayName("unwatch: a watcher that unwatched an actor hears nothing when it stops")
  void unwatch(VertxTestContext ctx) {
    ActorId p = parent("unwatch");
    ActorId first = p.child(HierarchyActors.RESUME, "first");
    ActorId second = p.child(HierarchyActors.RESUME, "second");
    ActorId o = observer("unwatch");
    node.ask(p, spawn(HierarchyActors.RESUME, "first", false))
        .compose(v -> node.ask(p, spawn(HierarchyActors.RESUME, "second", false)))
        .compose(v -> node.ask(o, op("watch", first)))
        .compose(v -> node.ask(o, op("unwatch", first)))
        .compose(v -> node.ask(o, op("watch", second)))
        .compose(v -> node.ask(p, op("stop", first)))
        .compose(v -> node.ask(p, op("stop", second)))
        // Signals reach a watcher in order: had the first been heard, it would be heard before.
        .compose(v -> heard(o, second))
        .onComplete(
            ctx.succeeding(
                terminated ->
                    ctx.verify(
                        () -> {
                          assertThat(heardBy(o)).containsExactly(second);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a message to a child that is not live answers NOT_FOUND, from outside and from its parent,"
          + " and activates nothing")
  void notLive(VertxTestContext ctx) {
    ActorId p = parent("not-live");
    ActorId ghost = p.child(HierarchyActors.RESUME, "ghost");
    double activations = node.counted("troupe_actor_activations", HierarchyActors.PARENT);
    refused(ask(ghost, "get"), ErrorCode.NOT_FOUND)
        .compose(
            v -> {
              ctx.verify(
                  () ->
                      assertThat(node.counted("troupe_actor_activations", HierarchyActors.PARENT))
                          .as("the parent was not activated")
                          .isEqualTo(activations));
              return node.ask(p, op("forward", ghost).put("message", op("get")));
            })
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.getString("code")).isEqualTo("NOT_FOUND");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a parent's ask reaches its live child straight through its mailbox")
  void askChild(VertxTestContext ctx) {
    ActorId p = parent("ask");
    ActorId kid = p.child(HierarchyActors.RESUME, "k");
    node.ask(p, spawn(HierarchyActors.RESUME, "k", false))
        .compose(v -> node.ask(p, op("forward", kid).put("message", op("inc"))))
        .compose(v -> node.ask(p, op("forward", kid).put("message", op("inc"))))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.getInteger("n")).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a spawn is refused for a taken name (CONFLICT), an unknown type or a bad name (BAD_REQUEST);"
          + " children are listed in spawn order")
  void spawnRefusals(VertxTestContext ctx) {
    ActorId p = parent("spawns");
    node.ask(p, spawn(HierarchyActors.RESUME, "b", false))
        .compose(v -> node.ask(p, spawn(HierarchyActors.STOP, "a", false)))
        .compose(
            v -> refused(node.ask(p, spawn(HierarchyActors.STOP, "b", false)), ErrorCode.CONFLICT))
        .compose(v -> refused(node.ask(p, spawn("t-nosuch", "c", false)), ErrorCode.BAD_REQUEST))
        .compose(
            v ->
                refused(
                    node.ask(p, spawn(HierarchyActors.RESUME, "c/d", false)),
                    ErrorCode.BAD_REQUEST))
        .compose(v -> ask(p, "children"))
        .onComplete(
            ctx.succeeding(
                children ->
                    ctx.verify(
                        () -> {
                          assertThat(children.getJsonArray("children").getList())
                              .containsExactly(
                                  p.child(HierarchyActors.RESUME, "b").toString(),
                                  p.child(HierarchyActors.STOP, "a").toString());
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a subtree may be ActorId.MAX_DEPTH levels deep below its top-level actor: one more spawn is a BAD_REQUEST")
  void depthLimit(VertxTestContext ctx) {
    ActorId p = parent("deep");
    Future<ActorId> chain = Future.succeededFuture(p);
    for (int level = 1; level <= ActorId.MAX_DEPTH; level++) {
      String name = "l" + level;
      chain =
          chain.compose(
              (ActorId above) ->
                  node.ask(above, spawn(HierarchyActors.RESUME, name, false))
                      .map(above.child(HierarchyActors.RESUME, name)));
    }
    chain
        .compose(
            (ActorId deepest) -> {
              ctx.verify(() -> assertThat(deepest.depth()).isEqualTo(ActorId.MAX_DEPTH));
              return refused(
                  node.ask(deepest, spawn(HierarchyActors.RESUME, "too-deep", false)),
                  ErrorCode.BAD_REQUEST);
            })
        .onComplete(ctx.succeedingThenComplete());
  }
}
