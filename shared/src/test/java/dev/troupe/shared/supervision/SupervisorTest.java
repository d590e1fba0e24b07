package dev.troupe.shared.supervision;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Supervisors on a plain Vert.x, with {@link Crashable} children that report every start and stop:
 * each test waits for the events that prove the behaviour, never for time.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Supervisor")
class SupervisorTest {
  private final String events = "test.supervision." + UUID.randomUUID();
  private final List<JsonObject> seen = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

  private record Waiter(Predicate<List<JsonObject>> condition, Promise<List<JsonObject>> promise) {}

  /** Records every child event; completes once listening. */
  private Future<Void> listen(Vertx vertx) {
    return vertx
        .eventBus()
        .<JsonObject>consumer(
            events,
            msg -> {
              seen.add(msg.body());
              waiters.forEach(
                  w -> {
                    if (w.condition().test(seen)) {
                      w.promise().tryComplete(List.copyOf(seen));
                    }
                  });
            })
        .completion();
  }

  /** Completes with every event so far once {@code condition} holds over them. */
  private Future<List<JsonObject>> until(Predicate<List<JsonObject>> condition) {
    Promise<List<JsonObject>> promise = Promise.promise();
    waiters.add(new Waiter(condition, promise));
    if (condition.test(seen)) {
      promise.tryComplete(List.copyOf(seen));
    }
    return promise.future();
  }

  private static Predicate<List<JsonObject>> count(String child, String event, int times) {
    return list -> list.stream().filter(e -> is(e, child, event)).count() >= times;
  }

  private static boolean is(JsonObject e, String child, String event) {
    return child.equals(e.getString("child")) && event.equals(e.getString("event"));
  }

  /**
   * Small backoffs and a fast watch, so tests take milliseconds; the intensity is the default
   * unless set.
   */
  private static JsonObject settings(String... extra) {
    JsonObject json =
        new JsonObject()
            .put("TROUPE_SUPERVISOR_BACKOFF_MS", "5")
            .put("TROUPE_SUPERVISOR_MAX_BACKOFF_MS", "20")
            .put("TROUPE_SUPERVISOR_WATCH_MS", "20");
    for (int i = 0; i < extra.length; i += 2) {
      json.put(extra[i], extra[i + 1]);
    }
    return json;
  }

  private SupervisorSpec spec(String name, Strategy strategy, String... children) {
    return new SupervisorSpec(
        name,
        strategy,
        java.util.Arrays.stream(children).map(c -> Crashable.child(c, events)).toList());
  }

  private Future<String> deploy(Vertx vertx, SupervisorSpec spec, JsonObject settings) {
    return listen(vertx)
        .compose(
            v ->
                vertx.deployVerticle(Supervisor.class.getName(), spec.deploymentOptions(settings)));
  }

  private void command(Vertx vertx, String child, String command) {
    vertx.eventBus().send(events + "." + child, command);
  }

  /** The events after the {@code n}th (from 0) one, as "child event" strings. */
  private static List<String> after(List<JsonObject> events, int n) {
    return events.subList(n, events.size()).stream()
        .map(e -> e.getString("child") + " " + e.getString("event"))
        .toList();
  }

  private static JsonObject child(Vertx vertx, String supervisor, String child) {
    return Supervision.of(vertx)
        .status()
        .getJsonObject(supervisor)
        .getJsonObject("children")
        .getJsonObject(child);
  }

  @Test
  @DisplayName("one-for-one: a child whose handler throws is restarted alone")
  void oneForOne(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, spec("s", Strategy.ONE_FOR_ONE, "a", "b", "c"), settings())
        .compose(id -> until(count("c", "started", 1)))
        .compose(
            started -> {
              command(vertx, "b", "crash");
              return until(count("b", "started", 2));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(after(all, 3)).containsExactly("b stopped", "b started");
                          assertThat(child(vertx, "s", "b").getInteger("restarts")).isEqualTo(1);
                          assertThat(child(vertx, "s", "a").getInteger("restarts")).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "one-for-all: a crash stops every child, last first, and starts them all again in order")
  void oneForAll(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, spec("s", Strategy.ONE_FOR_ALL, "a", "b", "c"), settings())
        .compose(id -> until(count("c", "started", 1)))
        .compose(
            started -> {
              command(vertx, "b", "crash");
              return until(count("c", "started", 2));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(after(all, 3))
                              .containsExactly(
                                  "c stopped",
                                  "b stopped",
                                  "a stopped",
                                  "a started",
                                  "b started",
                                  "c started");
                          assertThat(child(vertx, "s", "a").getInteger("restarts")).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "rest-for-one: a crash restarts the child and those started after it, not those before")
  void restForOne(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, spec("s", Strategy.REST_FOR_ONE, "a", "b", "c"), settings())
        .compose(id -> until(count("c", "started", 1)))
        .compose(
            started -> {
              command(vertx, "b", "crash");
              return until(count("c", "started", 2));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(after(all, 3))
                              .containsExactly("c stopped", "b stopped", "b started", "c started");
                          assertThat(child(vertx, "s", "a").getInteger("restarts")).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a child that undeploys itself is noticed and restarted")
  void selfUndeploy(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, spec("s", Strategy.ONE_FOR_ONE, "a"), settings())
        .compose(id -> until(count("a", "started", 1)))
        .compose(
            started -> {
              command(vertx, "a", "quit");
              return until(count("a", "started", 2));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(after(all, 1)).containsExactly("a stopped", "a started");
                          assertThat(child(vertx, "s", "a").getString("lastCrash"))
                              .contains("undeployed itself");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a restart that fails to start is retried with backoff until the child starts")
  void failedRestartIsRetried(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, spec("s", Strategy.ONE_FOR_ONE, "a"), settings())
        .compose(id -> until(count("a", "started", 1)))
        .compose(
            started -> {
              Crashable.failNextStarts(vertx, "a", 2);
              command(vertx, "a", "crash");
              return until(count("a", "started", 2));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(after(all, 1))
                              .containsExactly(
                                  "a stopped", "a start-failed", "a start-failed", "a started");
                          assertThat(child(vertx, "s", "a").getInteger("restarts")).isEqualTo(3);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a child failing at the supervisor's own start fails that start, and the children started are stopped")
  void failsAtStart(Vertx vertx, VertxTestContext ctx) {
    Crashable.failNextStarts(vertx, "b", 1);
    deploy(vertx, spec("s", Strategy.ONE_FOR_ONE, "a", "b"), settings())
        .onComplete(
            ctx.failing(
                failure ->
                    until(count("a", "stopped", 1))
                        .onComplete(
                            ctx.succeeding(
                                all ->
                                    ctx.verify(
                                        () -> {
                                          assertThat(failure)
                                              .hasMessageContaining("child b failed to start");
                                          assertThat(Supervision.of(vertx).status().fieldNames())
                                              .doesNotContain("s");
                                          ctx.completeNow();
                                        })))));
  }

  @Test
  @DisplayName(
      "past its intensity a nested supervisor gives up and its parent restarts it with fresh children")
  void escalatesToParent(Vertx vertx, VertxTestContext ctx) {
    SupervisorSpec inner = spec("inner", Strategy.ONE_FOR_ONE, "x");
    JsonObject innerConfig = inner.asConfig().put("TROUPE_SUPERVISOR_MAX_RESTARTS", "1");
    SupervisorSpec outer =
        new SupervisorSpec(
            "outer",
            Strategy.ONE_FOR_ONE,
            List.of(new ChildSpec("inner", Supervisor.class.getName(), 1, innerConfig)));
    deploy(vertx, outer, settings())
        .compose(id -> until(count("x", "started", 1)))
        .compose(
            started -> {
              command(vertx, "x", "crash");
              return until(count("x", "started", 2));
            })
        .compose(
            restarted -> {
              command(vertx, "x", "crash");
              return until(count("x", "started", 3));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          // The second crash is past inner's intensity (1): inner stops x and gives
                          // up; outer restarts inner.
                          assertThat(after(all, 1))
                              .containsExactly("x stopped", "x started", "x stopped", "x started");
                          assertThat(child(vertx, "outer", "inner").getInteger("restarts"))
                              .isEqualTo(1);
                          assertThat(child(vertx, "outer", "inner").getString("lastCrash"))
                              .contains("supervisor inner gave up");
                          assertThat(child(vertx, "inner", "x").getInteger("restarts")).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "past its intensity a top-level supervisor stops its children, reports failed and tells the node")
  void topLevelTellsTheNode(Vertx vertx, VertxTestContext ctx) {
    Promise<Supervision.SupervisorFailure> told = Promise.promise();
    Supervision.of(vertx).onTopLevelFailure(told::tryComplete);
    deploy(
            vertx,
            spec("s", Strategy.ONE_FOR_ONE, "a", "b"),
            settings("TROUPE_SUPERVISOR_MAX_RESTARTS", "0"))
        .compose(id -> until(count("b", "started", 1)))
        .compose(
            started -> {
              command(vertx, "a", "crash");
              return told.future();
            })
        .compose(failure -> until(count("b", "stopped", 1)).map(failure))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure.supervisor()).isEqualTo("s");
                          assertThat(failure.cause()).hasMessageContaining("a crashes on command");
                          assertThat(Supervision.of(vertx).failed()).containsExactly("s");
                          assertThat(
                                  Supervision.of(vertx)
                                      .status()
                                      .getJsonObject("s")
                                      .getString("state"))
                              .isEqualTo("failed");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("undeploying a supervisor stops its children without restarting them")
  void undeployStops(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, spec("s", Strategy.ONE_FOR_ONE, "a", "b"), settings())
        .compose(id -> until(count("b", "started", 1)).compose(started -> vertx.undeploy(id)))
        .compose(undeployed -> until(count("a", "stopped", 1).and(count("b", "stopped", 1))))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertThat(after(all, 2))
                              .containsExactlyInAnyOrder("a stopped", "b stopped");
                          assertThat(Supervision.of(vertx).status().isEmpty()).isTrue();
                          assertThat(vertx.deploymentIDs()).isEmpty();
                          ctx.completeNow();
                        })));
  }
}
