package dev.troupe.request;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Codec;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for db-service or cache-service on a plain Vert.x: consumes the service's address
 * through an {@link ActionRouter}, records every call and answers as the test says. An action the
 * test gave no answer for fails with INTERNAL, and shows up in {@link #calls()}.
 */
final class FakeService {
  /** One received message. */
  record Call(String action, JsonObject body, String requestId) {}

  private final String address;
  private final List<String> actions;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Function<JsonObject, Future<JsonObject>>> answers =
      new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;

  FakeService(String address, String... actions) {
    this.address = address;
    this.actions = List.of(actions);
  }

  /** Answers {@code action} with {@code answer}, applied to the request body. */
  FakeService answer(String action, Function<JsonObject, Future<JsonObject>> answer) {
    if (!actions.contains(action)) {
      throw new IllegalArgumentException("unknown action " + action);
    }
    answers.put(action, answer);
    return this;
  }

  FakeService reply(String action, JsonObject reply) {
    return answer(action, body -> Future.succeededFuture(reply));
  }

  /** Fails {@code action} with a reply failure of {@code code} ({@code message.fail}). */
  FakeService fail(String action, ErrorCode code) {
    return answer(
        action,
        body -> Future.failedFuture(new TroupeException(code, "fake " + action + " failure")));
  }

  /** Never answers {@code action}, so the caller's deadline passes. */
  FakeService silent(String action) {
    return answer(action, body -> Promise.<JsonObject>promise().future());
  }

  Future<Void> register(Vertx vertx) {
    if (consumer != null) {
      return Future.failedFuture(new IllegalStateException("already registered"));
    }
    ActionRouter router = ActionRouter.of("fake " + address);
    for (String action : actions) {
      router.onRaw(
          Action.idempotent(address, action, Codec.json(), Codec.json(), "a stand-in"),
          msg -> {
            calls.add(new Call(action, msg.body(), Bus.requestId(msg)));
            Function<JsonObject, Future<JsonObject>> answer = answers.get(action);
            return answer == null
                ? Future.failedFuture(
                    new TroupeException(ErrorCode.INTERNAL, "unexpected " + action))
                : answer.apply(msg.body());
          });
    }
    consumer = vertx.eventBus().consumer(address, router);
    return consumer.completion();
  }

  /** Stops consuming, so callers get NO_HANDLERS. */
  Future<Void> unregister() {
    MessageConsumer<JsonObject> registered = consumer;
    consumer = null;
    return registered == null ? Future.succeededFuture() : registered.unregister();
  }

  /**
   * Completes once every message sent to this service before the call has been received: a ping
   * queues behind them on the consumer, so anything sent earlier has been recorded by its reply.
   */
  Future<Void> drained(Vertx vertx) {
    return new Bus(vertx, 5000).request(address, Bus.PING, new JsonObject(), null).mapEmpty();
  }

  /** The failure of {@code future}; fails with an AssertionError when it succeeded instead. */
  static Future<Throwable> failureOf(Future<?> future) {
    return future.transform(
        ar ->
            ar.succeeded()
                ? Future.failedFuture(
                    new AssertionError("expected a failure, but it succeeded with " + ar.result()))
                : Future.succeededFuture(ar.cause()));
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<Call> calls(String action) {
    return calls.stream().filter(c -> c.action().equals(action)).toList();
  }
}
