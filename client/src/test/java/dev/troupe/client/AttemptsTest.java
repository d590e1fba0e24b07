package dev.troupe.client;

import static dev.troupe.client.Outcomes.failsWith;
import static dev.troupe.client.Outcomes.succeeds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Backoff;
import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.RetryPolicy.Delivery;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.ReadDoc;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deadlines and retries of one call, against a transport that answers from a script: which failures
 * are sent again (by the action's declaration), within which deadline, and what the caller sees.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Attempts of a call")
class AttemptsTest {
  private static final DocKey KEY = DocKey.of("books", "dune");
  private static final Document DOC =
      new Document(KEY, 1, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject().put("n", 1));
  private static final ReadDoc READ = new ReadDoc(KEY, false);
  private static final Backoff FAST = new Backoff(1, 2);

  /** Answers each attempt with the next outcome and records the deadline it was given. */
  private static final class Script implements Transport {
    final Vertx vertx;
    final Deque<Future<JsonObject>> outcomes = new ArrayDeque<>();
    final List<Long> deadlines = new ArrayList<>();
    final List<String> actions = new ArrayList<>();

    Script(Vertx vertx) {
      this.vertx = vertx;
    }

    Script then(Throwable failure) {
      outcomes.add(Future.failedFuture(failure));
      return this;
    }

    Script then(JsonObject reply) {
      outcomes.add(Future.succeededFuture(reply));
      return this;
    }

    @Override
    public Future<JsonObject> request(
        String address, String action, JsonObject body, long timeoutMs) {
      deadlines.add(timeoutMs);
      actions.add(address + " " + action);
      Future<JsonObject> next = outcomes.poll();
      return next != null ? next : Future.failedFuture(new IllegalStateException("unscripted"));
    }

    @Override
    public Future<Subscription> subscribe(String address, Handler<JsonObject> handler) {
      return Future.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public Vertx vertx() {
      return vertx;
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  private static Attempts attempts(Script script, int retries, Long attemptMs) {
    return new Attempts(script.vertx, script, retries, FAST, attemptMs, System::nanoTime);
  }

  private static JsonObject read() {
    return DocWire.READ_RESULT.encode(new ReadResult(DOC, ReadResult.CacheStatus.MISS));
  }

  private static JsonObject written() {
    return DocWire.PUT_RESULT.encode(new PutResult(DOC, true));
  }

  private static ReplyException failure(ReplyFailure type) {
    return new ReplyException(type, -1, type.name());
  }

  private static ReplyException answered(ErrorCode code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.code(), message);
  }

  private static PutDoc put(String idempotencyKey) {
    return new PutDoc(KEY, new JsonObject(), Precondition.NONE, idempotencyKey);
  }

  @Test
  @DisplayName("a call no service got is sent again, even a write without an idempotency key")
  void notDoneIsSentAgain(Vertx vertx, VertxTestContext ctx) {
    Script script =
        new Script(vertx)
            .then(failure(ReplyFailure.NO_HANDLERS))
            .then(new BusFault(ErrorCode.MOVED, null, "leaving"))
            .then(TransportFailure.notSent("the bridge is down"))
            .then(written());
    attempts(script, 3, null)
        .call(RequestContract.PUT, put(null), 5_000)
        .onComplete(
            succeeds(
                ctx,
                result -> {
                  assertThat(result.document()).isEqualTo(DOC);
                  assertThat(script.actions).hasSize(4).containsOnly("troupe.request.v1 put");
                }));
  }

  @Test
  @DisplayName("a write that may have been done is not sent again without an idempotency key")
  void lostWriteIsFinal(Vertx vertx, VertxTestContext ctx) {
    Script script = new Script(vertx).then(failure(ReplyFailure.TIMEOUT)).then(written());
    attempts(script, 2, null)
        .call(RequestContract.PUT, put(null), 5_000)
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.TIMEOUT,
                e -> {
                  assertThat(e).hasMessage("troupe.request.v1 put: no answer within 5000 ms");
                  assertThat(script.deadlines).singleElement().isIn(4_999L, 5_000L);
                }));
  }

  @Test
  @DisplayName("a write with an idempotency key that may have been done is sent again")
  void lostKeyedWriteIsSentAgain(Vertx vertx, VertxTestContext ctx) {
    Script script =
        new Script(vertx).then(TransportFailure.lost("the connection broke")).then(written());
    attempts(script, 2, null)
        .call(RequestContract.PUT, put("order-17"), 5_000)
        .onComplete(
            succeeds(
                ctx,
                result -> {
                  assertThat(result.created()).isTrue();
                  assertThat(script.deadlines).hasSize(2);
                  // A write's attempts get what is left of the deadline, never less.
                  assertThat(script.deadlines.get(0)).isGreaterThan(4_900L);
                }));
  }

  @Test
  @DisplayName(
      "a read's attempt gets the attempt deadline while retries are left, the last one what is left")
  void readsHaveAttemptDeadlines(Vertx vertx, VertxTestContext ctx) {
    Script script =
        new Script(vertx)
            .then(failure(ReplyFailure.TIMEOUT))
            .then(failure(ReplyFailure.TIMEOUT))
            .then(read());
    attempts(script, 2, 300L)
        .call(RequestContract.GET, READ, 5_000)
        .onComplete(
            succeeds(
                ctx,
                result -> {
                  assertThat(result.document()).isEqualTo(DOC);
                  assertThat(script.deadlines.subList(0, 2)).containsExactly(300L, 300L);
                  assertThat(script.deadlines.get(2)).isGreaterThan(4_000L);
                }));
  }

  @Test
  @DisplayName("without an attempt deadline a read's attempts get half the call's deadline")
  void defaultAttemptDeadline(Vertx vertx, VertxTestContext ctx) {
    Script script = new Script(vertx).then(read());
    attempts(script, 2, null)
        .call(RequestContract.GET, READ, 4_000)
        .onComplete(
            succeeds(
                ctx,
                result -> {
                  assertThat(script.deadlines).containsExactly(2_000L);
                }));
  }

  @Test
  @DisplayName("a service's answer is final: NOT_FOUND with its detail, sent once")
  void answersAreFinal(Vertx vertx, VertxTestContext ctx) {
    Script script =
        new Script(vertx).then(answered(ErrorCode.NOT_FOUND, "books/dune not found")).then(read());
    attempts(script, 2, null)
        .call(RequestContract.GET, READ, 5_000)
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.NOT_FOUND,
                e -> {
                  assertThat(e).hasMessage("books/dune not found");
                  assertThat(script.actions).hasSize(1);
                }));
  }

  @Test
  @DisplayName("retries stop after the last one allowed, and the message counts the attempts")
  void retriesAreBounded(Vertx vertx, VertxTestContext ctx) {
    Script script = new Script(vertx);
    for (int i = 0; i < 5; i++) {
      script.then(failure(ReplyFailure.NO_HANDLERS));
    }
    attempts(script, 2, null)
        .call(RequestContract.GET, READ, 5_000)
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.UNAVAILABLE,
                e -> {
                  assertThat(e)
                      .hasMessage(
                          "troupe.request.v1 get: nothing serves troupe.request.v1 now"
                              + " (3 attempts)");
                  assertThat(script.actions).hasSize(3);
                }));
  }

  @Test
  @DisplayName("no retry starts when its wait would outlast the deadline")
  void retriesStayWithinTheDeadline(Vertx vertx, VertxTestContext ctx) {
    Script script = new Script(vertx).then(failure(ReplyFailure.NO_HANDLERS)).then(read());
    new Attempts(vertx, script, 2, new Backoff(60_000, 60_000), null, System::nanoTime)
        .call(RequestContract.GET, READ, 1_000)
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.UNAVAILABLE,
                e -> {
                  assertThat(script.actions).hasSize(1);
                }));
  }

  @Test
  @DisplayName("a retry that only ran out of time answers the fault that made it retry")
  void lostRetryShowsThePreviousFault(Vertx vertx, VertxTestContext ctx) {
    Script script =
        new Script(vertx)
            .then(answered(ErrorCode.MOVED, "node n1 is leaving"))
            .then(failure(ReplyFailure.TIMEOUT));
    attempts(script, 1, null)
        .call(RequestContract.GET, READ, 5_000)
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.MOVED,
                e -> {
                  assertThat(e).hasMessage("node n1 is leaving");
                }));
  }

  @Test
  @DisplayName("with no retries, one attempt gets the whole deadline")
  void noRetries(Vertx vertx, VertxTestContext ctx) {
    Script script = new Script(vertx).then(failure(ReplyFailure.NO_HANDLERS));
    attempts(script, 0, 100L)
        .call(RequestContract.GET, READ, 2_000)
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(script.deadlines.get(0)).isGreaterThan(1_900L);
                          assertThat(e).hasMessageNotContaining("attempts");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a reply that does not match the contract is INTERNAL, naming the action")
  void malformedReply(Vertx vertx, VertxTestContext ctx) {
    Script script = new Script(vertx).then(new JsonObject().put("document", "not an object"));
    attempts(script, 2, null)
        .call(RequestContract.GET, READ, 2_000)
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.INTERNAL,
                e -> {
                  assertThat(e)
                      .hasMessageStartingWith(
                          "troupe.request.v1 get: the reply does not match the contract");
                }));
  }

  @Test
  @DisplayName("a request its codec cannot encode fails at once, sending nothing")
  void unencodableRequest(Vertx vertx, VertxTestContext ctx) {
    Script script = new Script(vertx);
    Action<String, JsonObject> broken =
        Action.idempotent(
            "troupe.test.v1",
            "broken",
            dev.troupe.shared.bus.Codec.of(
                s -> {
                  throw TroupeException.badRequest("cannot encode " + s);
                },
                json -> "x"),
            dev.troupe.shared.bus.Codec.json(),
            "a codec that refuses");
    attempts(script, 2, null)
        .call(broken, "it", 1_000)
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.BAD_REQUEST,
                e -> {
                  assertThat(script.actions).isEmpty();
                }));
  }

  static Stream<Arguments> deliveries() {
    return Stream.of(
        Arguments.of(failure(ReplyFailure.NO_HANDLERS), Delivery.NOT_DONE, ErrorCode.UNAVAILABLE),
        Arguments.of(failure(ReplyFailure.ERROR), Delivery.NOT_DONE, ErrorCode.UNAVAILABLE),
        Arguments.of(failure(ReplyFailure.TIMEOUT), Delivery.LOST, ErrorCode.TIMEOUT),
        Arguments.of(answered(ErrorCode.MOVED, "m"), Delivery.NOT_DONE, ErrorCode.MOVED),
        Arguments.of(new BusFault(ErrorCode.MOVED, null, "m"), Delivery.NOT_DONE, ErrorCode.MOVED),
        Arguments.of(
            new BusFault(ErrorCode.OVERLOADED, "db", "busy"),
            Delivery.ANSWERED,
            ErrorCode.OVERLOADED),
        Arguments.of(
            answered(ErrorCode.PRECONDITION_FAILED, "p"),
            Delivery.ANSWERED,
            ErrorCode.PRECONDITION_FAILED),
        Arguments.of(TransportFailure.notSent("down"), Delivery.NOT_DONE, ErrorCode.UNAVAILABLE),
        Arguments.of(TransportFailure.lost("broke"), Delivery.LOST, ErrorCode.UNAVAILABLE),
        Arguments.of(
            new TroupeException(ErrorCode.FORBIDDEN, "no"), Delivery.ANSWERED, ErrorCode.FORBIDDEN),
        Arguments.of(new IllegalStateException("bug"), Delivery.ANSWERED, ErrorCode.INTERNAL));
  }

  @ParameterizedTest(name = "{0} -> {1}, {2}")
  @MethodSource("deliveries")
  @DisplayName("each failure tells whether a service got the call, and maps to one ErrorCode")
  void classifies(Throwable failure, Delivery delivery, ErrorCode code) {
    assertThat(Attempts.delivery(failure)).isEqualTo(delivery);
    TroupeException shown = Attempts.error(failure, RequestContract.GET, 1_000, 1);
    assertThat(shown.code()).isEqualTo(code);
    if (code == ErrorCode.INTERNAL) {
      assertThat(shown).hasMessage("internal error");
    }
  }
}
