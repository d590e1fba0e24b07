package dev.troupe.shared.supervision;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * A child for supervision tests that crashes on command. Its config names it ({@code crashable})
 * and the address it reports to ({@code events}): {@code started} and {@code stopped} with its
 * deployment id, {@code start-failed} when told to fail. On {@code <events>.<name>} it takes {@code
 * crash} (a handler throws, uncaught) and {@code quit} (it undeploys itself). {@link
 * #failNextStarts} makes its next starts fail.
 */
public final class Crashable extends VerticleBase {
  private static final String FAILURES = "test.crashable.failures";
  private String name;
  private String events;
  private MessageConsumer<String> commands;

  /** Makes the next {@code count} starts of the child named {@code name} fail. */
  static void failNextStarts(io.vertx.core.Vertx vertx, String name, int count) {
    vertx.sharedData().<String, Integer>getLocalMap(FAILURES).put(name, count);
  }

  static ChildSpec child(String name, String events) {
    return new ChildSpec(
        name,
        Crashable.class.getName(),
        1,
        new JsonObject().put("crashable", name).put("events", events));
  }

  @Override
  public Future<?> start() {
    name = config().getString("crashable");
    events = config().getString("events");
    LocalMap<String, Integer> failures = vertx.sharedData().getLocalMap(FAILURES);
    Integer left = failures.get(name);
    if (left != null && left > 0) {
      failures.put(name, left - 1);
      report("start-failed");
      return Future.failedFuture(new IllegalStateException(name + " was told to fail its start"));
    }
    commands =
        vertx
            .eventBus()
            .consumer(
                events + "." + name,
                msg -> {
                  switch (msg.body()) {
                    case "crash" -> throw new IllegalStateException(name + " crashes on command");
                    case "quit" -> vertx.undeploy(deploymentID());
                    default -> msg.fail(400, "unknown command " + msg.body());
                  }
                });
    return commands.completion().onSuccess(v -> report("started"));
  }

  @Override
  public Future<?> stop() {
    report("stopped");
    return commands.unregister();
  }

  private void report(String event) {
    vertx
        .eventBus()
        .publish(
            events,
            new JsonObject().put("child", name).put("event", event).put("id", deploymentID()));
  }
}
