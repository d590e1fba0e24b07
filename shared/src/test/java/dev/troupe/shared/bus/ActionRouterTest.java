package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The router behind every service consumer, on a plain (non-clustered) Vert.x. */
@ExtendWith(VertxExtension.class)
@DisplayName("ActionRouter")
class ActionRouterTest {
  private static final long DEADLINE_MS = 5_000;

  private final String address = "test.router." + UUID.randomUUID();

  /** A router for service "svc" with handlers covering every way a handler can end. */
  private static ActionRouter router() {
    return ActionRouter.of("svc")
        .on("echo", m -> Future.succeededFuture(m.body().copy().put("echoed", true)))
        .on("key", m -> Future.succeededFuture(DocWire.toJson(DocWire.docKey(m.body()))))
        .on(
            "throws",
            m -> {
              throw TroupeException.notFound("users/x is gone");
            })
        .on(
            "fails",
            m ->
                Future.failedFuture(
                    TroupeException.preconditionFailed("users/x is at version 2, not 1")))
        .on(
            "bug",
            m ->
                Future.failedFuture(
                    new IllegalStateException("secret: pool exhausted at 10.0.0.3")));
  }

  private Future<Void> serve(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(address, router()).completion();
  }

  private Future<Object> send(Vertx vertx, Object body, DeliveryOptions options) {
    return vertx
        .eventBus()
        .request(address, body, options.setSendTimeout(DEADLINE_MS))
        .map(m -> m.body());
  }

  private static DeliveryOptions action(String action) {
    return new DeliveryOptions().addHeader(Bus.ACTION, action);
  }

  private static void assertRecipientFailure(Throwable failure, ErrorCode code, String message) {
    assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException re = (ReplyException) failure;
    assertThat(re.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(re.failureCode()).isEqualTo(code.code());
    assertThat(re.getMessage()).contains(message);
  }

  @Test
  @DisplayName("ping replies {\"service\": <name>}")
  void ping(Vertx vertx, VertxTestContext ctx) {
    Checkpoint replied = ctx.checkpoint();
    Bus bus = new Bus(vertx, DEADLINE_MS);

    serve(vertx)
        .compose(v -> bus.request(address, Bus.PING, new JsonObject(), "req-1"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo(new JsonObject().put("service", "svc"));
                          replied.flag();
                        })));
  }

  @Test
  @DisplayName("a routed action replies with its handler's JSON")
  void routedAction(Vertx vertx, VertxTestContext ctx) {
    Checkpoint replied = ctx.checkpoint();
    Bus bus = new Bus(vertx, DEADLINE_MS);

    serve(vertx)
        .compose(v -> bus.request(address, "echo", new JsonObject().put("n", 1), "req-2"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply)
                              .isEqualTo(new JsonObject().put("n", 1).put("echoed", true));
                          replied.flag();
                        })));
  }

  @Test
  @DisplayName("an unknown action fails with BAD_REQUEST naming the action")
  void unknownAction(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();

    serve(vertx)
        .compose(v -> send(vertx, new JsonObject(), action("frobnicate")))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertRecipientFailure(
                              err, ErrorCode.BAD_REQUEST, "svc has no action frobnicate");
                          failed.flag();
                        })));
  }

  @Test
  @DisplayName("a message without an action header fails with BAD_REQUEST saying so")
  void missingAction(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();

    serve(vertx)
        .compose(v -> send(vertx, new JsonObject(), new DeliveryOptions()))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertRecipientFailure(
                              err, ErrorCode.BAD_REQUEST, "the action header is missing");
                          failed.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a handler throwing a TroupeException synchronously replies with its code and message")
  void handlerThrows(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();

    serve(vertx)
        .compose(v -> send(vertx, new JsonObject(), action("throws")))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertRecipientFailure(err, ErrorCode.NOT_FOUND, "users/x is gone");
                          failed.flag();
                        })));
  }

  @Test
  @DisplayName("a handler returning a failed future replies with the failure's code and message")
  void handlerFails(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();

    serve(vertx)
        .compose(v -> send(vertx, new JsonObject(), action("fails")))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertRecipientFailure(
                              err, ErrorCode.PRECONDITION_FAILED, "users/x is at version 2, not 1");
                          failed.flag();
                        })));
  }

  @Test
  @DisplayName(
      "an unexpected handler failure replies INTERNAL with \"internal error\", never the exception text")
  void handlerBug(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();

    serve(vertx)
        .compose(v -> send(vertx, new JsonObject(), action("bug")))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertRecipientFailure(err, ErrorCode.INTERNAL, "internal error");
                          assertThat(err.getMessage()).doesNotContain("secret");
                          failed.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a String body given to a handler that reads JSON replies BAD_REQUEST instead of crashing")
  void stringBody(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();
    Checkpoint stillServing = ctx.checkpoint();

    serve(vertx)
        .compose(v -> send(vertx, "{\"collection\":\"users\",\"id\":\"a\"}", action("key")))
        .onComplete(
            ctx.failing(
                err -> {
                  ctx.verify(
                      () ->
                          assertRecipientFailure(
                              err, ErrorCode.BAD_REQUEST, "a field has the wrong type"));
                  failed.flag();
                  send(
                          vertx,
                          new JsonObject().put("collection", "users").put("id", "a"),
                          action("key"))
                      .onComplete(
                          ctx.succeeding(
                              reply ->
                                  ctx.verify(
                                      () -> {
                                        assertThat(reply)
                                            .isEqualTo(
                                                new JsonObject()
                                                    .put("collection", "users")
                                                    .put("id", "a"));
                                        stillServing.flag();
                                      })));
                }));
  }

  @Test
  @DisplayName("a null body on a routed action replies BAD_REQUEST")
  void nullBody(Vertx vertx, VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();

    serve(vertx)
        .compose(v -> send(vertx, null, action("echo")))
        .onComplete(
            ctx.failing(
                err ->
                    ctx.verify(
                        () -> {
                          assertRecipientFailure(
                              err, ErrorCode.BAD_REQUEST, "the body must be a JSON object");
                          failed.flag();
                        })));
  }

  @Test
  @DisplayName("routing an action twice, or re-routing ping, is refused")
  void duplicateAction() {
    ActionRouter router =
        ActionRouter.of("svc").on("get", m -> Future.succeededFuture(new JsonObject()));

    assertThatThrownBy(() -> router.on("get", m -> Future.succeededFuture(new JsonObject())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("get");
    assertThatThrownBy(() -> router.on(Bus.PING, m -> Future.succeededFuture(new JsonObject())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ping");
  }

  @Test
  @DisplayName(
      "past its in-flight limit a router refuses at once with OVERLOADED (load, not a fault), still answers ping, and frees slots as work ends")
  void inFlightLimit(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InFlight limit = InFlight.of("slow", 2, registry);
    List<Promise<JsonObject>> held = new ArrayList<>();
    Promise<Void> thirdAdmitted = Promise.promise();
    ActionRouter router =
        ActionRouter.of("slow")
            .limit(limit)
            .on(
                "hold",
                m -> {
                  Promise<JsonObject> promise = Promise.promise();
                  held.add(promise);
                  if (held.size() == 3) {
                    thirdAdmitted.complete();
                  }
                  return promise.future();
                });
    Checkpoint refused = ctx.checkpoint();
    Checkpoint pinged = ctx.checkpoint();
    Checkpoint admittedAgain = ctx.checkpoint();
    vertx
        .eventBus()
        .<JsonObject>consumer(address, router)
        .completion()
        .compose(
            v -> {
              Future<Object> first = send(vertx, new JsonObject(), action("hold"));
              Future<Object> second = send(vertx, new JsonObject(), action("hold"));
              return send(vertx, new JsonObject(), action("hold"))
                  .transform(
                      third -> {
                        ctx.verify(
                            () -> {
                              assertRecipientFailure(
                                  third.cause(), ErrorCode.OVERLOADED, "limit of 2");
                              assertThat(limit.current()).isEqualTo(2);
                              assertThat(
                                      registry
                                          .find("troupe_rejected")
                                          .tag("service", "slow")
                                          .counter()
                                          .count())
                                  .isEqualTo(1.0);
                              refused.flag();
                            });
                        return send(vertx, new JsonObject(), action(Bus.PING));
                      })
                  .compose(
                      pong -> {
                        pinged.flag();
                        held.get(0).complete(new JsonObject());
                        return first;
                      })
                  .compose(
                      done -> {
                        Future<Object> fourth = send(vertx, new JsonObject(), action("hold"));
                        return thirdAdmitted
                            .future()
                            .compose(
                                admitted -> {
                                  held.forEach(p -> p.tryComplete(new JsonObject()));
                                  return Future.all(second, fourth);
                                });
                      });
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(held).hasSize(3);
                          assertThat(limit.current()).isZero();
                          admittedAgain.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a bulkhead: actions with a limit of their own are admitted while the shared limit is full, and shed only by their own")
  void bulkheads(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InFlight writes = InFlight.of("bulk", "write", 1, registry);
    InFlight reads = InFlight.of("bulk", "read", 2, registry);
    List<Promise<JsonObject>> held = new ArrayList<>();
    ActionRouter router =
        ActionRouter.of("bulk")
            .limit(writes)
            .limit(reads, "read")
            .on(
                "write",
                m -> {
                  Promise<JsonObject> promise = Promise.promise();
                  held.add(promise);
                  return promise.future();
                })
            .on("read", m -> Future.succeededFuture(new JsonObject().put("read", true)));
    vertx
        .eventBus()
        .<JsonObject>consumer(address, router)
        .completion()
        .compose(
            v -> {
              send(vertx, new JsonObject(), action("write"));
              return send(vertx, new JsonObject(), action("write"))
                  .transform(
                      second -> {
                        ctx.verify(
                            () ->
                                assertRecipientFailure(
                                    second.cause(),
                                    ErrorCode.OVERLOADED,
                                    "limit of 1 write requests in flight"));
                        return Future.succeededFuture();
                      });
            })
        .compose(
            v ->
                Future.all(
                    send(vertx, new JsonObject(), action("read")),
                    send(vertx, new JsonObject(), action("read"))))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(writes.current()).isEqualTo(1);
                          assertThat(reads.current()).isZero();
                          assertThat(
                                  registry
                                      .get("troupe_rejected")
                                      .tag("bulkhead", "write")
                                      .counter()
                                      .count())
                              .isEqualTo(1.0);
                          assertThat(
                                  registry
                                      .get("troupe_rejected")
                                      .tag("bulkhead", "read")
                                      .counter()
                                      .count())
                              .isZero();
                          assertThat(
                                  registry
                                      .get("troupe_inflight_limit")
                                      .tag("bulkhead", "read")
                                      .gauge()
                                      .value())
                              .isEqualTo(2.0);
                          held.forEach(p -> p.complete(new JsonObject()));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "drained completes only once the message in flight is answered, after the consumer is gone")
  void drainWaitsForWorkInFlight(Vertx vertx, VertxTestContext ctx) {
    InFlight limit = InFlight.of("draining", 10, new SimpleMeterRegistry());
    Promise<JsonObject> held = Promise.promise();
    Promise<Void> received = Promise.promise();
    ActionRouter router =
        ActionRouter.of("draining")
            .limit(limit)
            .on(
                "hold",
                m -> {
                  received.tryComplete();
                  return held.future();
                });
    var consumer = vertx.eventBus().<JsonObject>consumer(address, router);
    Checkpoint answered = ctx.checkpoint();
    Checkpoint drainedAfterAnswer = ctx.checkpoint();

    consumer
        .completion()
        .onComplete(
            ctx.succeeding(
                v -> {
                  send(vertx, new JsonObject(), action("hold"))
                      .onComplete(
                          ctx.succeeding(
                              reply ->
                                  ctx.verify(
                                      () -> {
                                        assertThat(reply)
                                            .isEqualTo(new JsonObject().put("done", true));
                                        answered.flag();
                                      })));
                  received
                      .future()
                      .compose(inFlight -> consumer.unregister())
                      .compose(
                          unregistered -> {
                            Future<Void> drained = router.drained(vertx, DEADLINE_MS);
                            ctx.verify(
                                () ->
                                    assertThat(drained.isComplete())
                                        .as("drained while a message is in flight")
                                        .isFalse());
                            held.complete(new JsonObject().put("done", true));
                            return drained;
                          })
                      .onComplete(
                          ctx.succeeding(
                              drained ->
                                  ctx.verify(
                                      () -> {
                                        assertThat(limit.current()).isZero();
                                        drainedAfterAnswer.flag();
                                      })));
                }));
  }

  @Test
  @DisplayName("drained gives up after its timeout when a message never ends")
  void drainGivesUp(Vertx vertx, VertxTestContext ctx) {
    InFlight limit = InFlight.of("stuck", 10, new SimpleMeterRegistry());
    Promise<Void> received = Promise.promise();
    ActionRouter router =
        ActionRouter.of("stuck")
            .limit(limit)
            .on(
                "hold",
                m -> {
                  received.tryComplete();
                  return Promise.<JsonObject>promise().future();
                });
    var consumer = vertx.eventBus().<JsonObject>consumer(address, router);
    long started = System.nanoTime();
    consumer
        .completion()
        .onSuccess(
            v ->
                vertx
                    .eventBus()
                    .request(address, new JsonObject(), action("hold").setSendTimeout(DEADLINE_MS)))
        .compose(v -> received.future())
        .compose(v -> consumer.unregister())
        .compose(v -> router.drained(vertx, 100))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(limit.current()).as("still in flight").isEqualTo(1);
                          assertThat(System.nanoTime() - started)
                              .as("waited for the timeout")
                              .isGreaterThanOrEqualTo(100_000_000L);
                          ctx.completeNow();
                        })));
  }
}
