package dev.troupe.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The circuit breaker in front of a downstream service, against a fake db-service on the bus. */
@ExtendWith(VertxExtension.class)
@DisplayName("CallPolicy circuit breaker")
class CallPolicyTest {
  private static final int FAILURES = 5;

  private static Future<Throwable> call(CallPolicy db) {
    return db.request(DbContract.ADDRESS, DbContract.GET.name(), new JsonObject(), "rid")
        .transform(ar -> Future.succeededFuture(ar.cause()));
  }

  private static Future<Void> calls(CallPolicy db, int n) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < n; i++) {
      chain = chain.compose(v -> call(db)).mapEmpty();
    }
    return chain;
  }

  @Test
  @DisplayName(
      "after five faults in a row the circuit opens and calls fail at once with UNAVAILABLE, without reaching the service")
  void opensOnFaults(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeService fake =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name())
            .fail(DbContract.GET.name(), ErrorCode.UNAVAILABLE);
    CallPolicy db = CallPolicy.of(vertx, "db-service", 5000, registry);
    fake.register(vertx)
        .compose(v -> calls(db, FAILURES))
        .compose(v -> call(db))
        .compose(refused -> fake.drained(vertx).map(refused))
        .onComplete(
            ctx.succeeding(
                refused ->
                    ctx.verify(
                        () -> {
                          assertThat(db.state()).isEqualTo(CircuitBreakerState.OPEN);
                          assertThat(fake.calls()).hasSize(FAILURES);
                          assertThat(Failures.code(refused)).isEqualTo(ErrorCode.UNAVAILABLE);
                          assertThat(refused).hasMessageContaining("circuit to db-service is open");
                          assertThat(
                                  registry
                                      .get("troupe_breaker_state")
                                      .tag("downstream", "db-service")
                                      .gauge()
                                      .value())
                              .isEqualTo(2.0);
                          assertThat(registry.get("troupe_breaker_rejected").counter().count())
                              .isEqualTo(1.0);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("answers about the request (404, 412) never open the circuit")
  void clientErrorsAreNotFaults(Vertx vertx, VertxTestContext ctx) {
    FakeService fake =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name())
            .fail(DbContract.GET.name(), ErrorCode.NOT_FOUND);
    CallPolicy db = CallPolicy.of(vertx, "db-service", 5000, new SimpleMeterRegistry());
    fake.register(vertx)
        .compose(v -> calls(db, 3 * FAILURES))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.state()).isEqualTo(CircuitBreakerState.CLOSED);
                          assertThat(fake.calls()).hasSize(3 * FAILURES);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a flood of load refusals (OVERLOADED) never opens the circuit: the downstream answered, it is busy, not broken")
  void loadRefusalsAreNotFaults(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeService fake =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name())
            .fail(DbContract.GET.name(), ErrorCode.OVERLOADED);
    CallPolicy db = CallPolicy.of(vertx, "db-service", 5000, registry);
    fake.register(vertx)
        .compose(v -> calls(db, 20 * FAILURES))
        .compose(v -> call(db))
        .onComplete(
            ctx.succeeding(
                last ->
                    ctx.verify(
                        () -> {
                          assertThat(db.state()).isEqualTo(CircuitBreakerState.CLOSED);
                          assertThat(fake.calls())
                              .as("every call reached the service")
                              .hasSize(20 * FAILURES + 1);
                          assertThat(Failures.code(last))
                              .as("the refusal is passed on as it came")
                              .isEqualTo(ErrorCode.OVERLOADED);
                          assertThat(
                                  registry
                                      .get("troupe_breaker_ignored")
                                      .tag("reason", "overloaded")
                                      .counter()
                                      .count())
                              .isEqualTo(20 * FAILURES + 1.0);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "timeouts while other calls to the downstream complete do not open the circuit: it is answering, only queued")
  void timeoutsOfAnAnsweringDownstreamAreNotFaults(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeService fake =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name(), DbContract.PUT.name())
            .reply(DbContract.GET.name(), new JsonObject())
            .silent(DbContract.PUT.name());
    CallPolicy db = CallPolicy.of(vertx, "db-service", 300, registry);
    fake.register(vertx)
        .compose(
            v -> {
              Future<Void> chain = Future.succeededFuture();
              for (int i = 0; i < 3 * FAILURES; i++) {
                // The get is sent after the put and answered at once, well within the put's
                // deadline.
                chain =
                    chain.compose(
                        x -> {
                          Future<Throwable> put =
                              db.request(
                                      DbContract.ADDRESS,
                                      DbContract.PUT.name(),
                                      new JsonObject(),
                                      "rid")
                                  .transform(ar -> Future.succeededFuture(ar.cause()));
                          Future<JsonObject> get =
                              db.request(
                                  DbContract.ADDRESS,
                                  DbContract.GET.name(),
                                  new JsonObject(),
                                  "rid");
                          return Future.all(put, get)
                              .map(
                                  all -> {
                                    ctx.verify(
                                        () ->
                                            assertThat(Failures.code(put.result()))
                                                .isEqualTo(ErrorCode.TIMEOUT));
                                    return null;
                                  });
                        });
              }
              return chain;
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.state()).isEqualTo(CircuitBreakerState.CLOSED);
                          assertThat(
                                  registry
                                      .get("troupe_breaker_ignored")
                                      .tag("reason", "timeout-while-answering")
                                      .counter()
                                      .count())
                              .isEqualTo(3.0 * FAILURES);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("timeouts while nothing else completes (a silent downstream) open the circuit")
  void timeoutsOfASilentDownstreamAreFaults(Vertx vertx, VertxTestContext ctx) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FakeService fake =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name()).silent(DbContract.GET.name());
    CallPolicy db = CallPolicy.of(vertx, "db-service", 100, registry);
    fake.register(vertx)
        .compose(v -> calls(db, FAILURES))
        .compose(v -> call(db))
        .onComplete(
            ctx.succeeding(
                refused ->
                    ctx.verify(
                        () -> {
                          assertThat(db.state()).isEqualTo(CircuitBreakerState.OPEN);
                          assertThat(fake.calls()).hasSize(FAILURES);
                          assertThat(refused).hasMessageContaining("circuit to db-service is open");
                          ctx.completeNow();
                        })));
  }
}
