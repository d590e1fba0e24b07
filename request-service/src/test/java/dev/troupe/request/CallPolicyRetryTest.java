package dev.troupe.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Backoff;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.bus.RetryConfig;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries of calls to a downstream service, against a fake db-service on the bus. */
@ExtendWith(VertxExtension.class)
@DisplayName("CallPolicy retries")
class CallPolicyRetryTest {
  private static final RetryConfig TWO_RETRIES = new RetryConfig(2, new Backoff(5, 20));
  private static final Document DOC =
      new Document(
          DocKey.of("notes", "n"), 1, Instant.parse("2026-01-31T12:00:00Z"), new JsonObject());
  private static final Lookup FOUND = Lookup.found(DOC);
  private static final PutResult WRITTEN = new PutResult(DOC, true);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /**
   * Fails the first {@code faults} calls with {@code code}, then answers as a found or written doc.
   */
  private static FakeService flaky(String action, int faults, ErrorCode code) {
    JsonObject answer =
        action.equals(DbContract.PUT.name()) ? DocWire.toJson(WRITTEN) : CacheWire.toJson(FOUND);
    AtomicInteger calls = new AtomicInteger();
    return new FakeService(DbContract.ADDRESS, action)
        .answer(
            action,
            body ->
                calls.incrementAndGet() <= faults
                    ? Future.failedFuture(new TroupeException(code, "transient " + code))
                    : Future.succeededFuture(answer));
  }

  private CallPolicy db(Vertx vertx) {
    return CallPolicy.withRetries(vertx, "db-service", 5000, TWO_RETRIES, registry);
  }

  private double retries(String action) {
    var counter =
        registry
            .find("troupe_retries")
            .tag("downstream", "db-service")
            .tag("action", action)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static PutDoc write(String idempotencyKey) {
    return new PutDoc(DocKey.of("notes", "n"), new JsonObject(), Precondition.NONE, idempotencyKey);
  }

  @Test
  @DisplayName("a read that meets a transient fault is retried, succeeds, and the retry is counted")
  void readRetriedAfterTransientFault(Vertx vertx, VertxTestContext ctx) {
    FakeService fake = flaky(DbContract.GET.name(), 2, ErrorCode.UNAVAILABLE);
    CallPolicy db = db(vertx);
    fake.register(vertx)
        .compose(v -> db.call(DbContract.GET, DOC.key(), "rid"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo(FOUND);
                          assertThat(fake.calls()).hasSize(3);
                          assertThat(retries(DbContract.GET.name())).isEqualTo(2.0);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a read keeps failing past its retries: the last fault is the answer")
  void retriesAreBounded(Vertx vertx, VertxTestContext ctx) {
    FakeService fake = flaky(DbContract.GET.name(), 10, ErrorCode.UNAVAILABLE);
    CallPolicy db = db(vertx);
    fake.register(vertx)
        .compose(v -> db.call(DbContract.GET, DOC.key(), "rid"))
        .onComplete(
            ctx.failing(
                fault ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(fault)).isEqualTo(ErrorCode.UNAVAILABLE);
                          assertThat(fake.calls()).hasSize(3);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("an answer about the request (404) is final: never retried")
  void clientErrorNotRetried(Vertx vertx, VertxTestContext ctx) {
    FakeService fake = flaky(DbContract.GET.name(), 1, ErrorCode.NOT_FOUND);
    CallPolicy db = db(vertx);
    fake.register(vertx)
        .compose(v -> db.call(DbContract.GET, DOC.key(), "rid"))
        .onComplete(
            ctx.failing(
                fault ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(fault)).isEqualTo(ErrorCode.NOT_FOUND);
                          assertThat(fake.calls()).hasSize(1);
                          assertThat(retries(DbContract.GET.name())).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a write without an idempotency key is not idempotent: a transient fault is not retried")
  void writeWithoutKeyNotRetried(Vertx vertx, VertxTestContext ctx) {
    FakeService fake = flaky(DbContract.PUT.name(), 1, ErrorCode.UNAVAILABLE);
    CallPolicy db = db(vertx);
    fake.register(vertx)
        .compose(v -> db.call(DbContract.PUT, write(null), "rid"))
        .onComplete(
            ctx.failing(
                fault ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(fault)).isEqualTo(ErrorCode.UNAVAILABLE);
                          assertThat(fake.calls()).hasSize(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a write without an idempotency key answered MOVED (a leaving node did nothing) is sent again")
  void writeWithoutKeyResentAfterMoved(Vertx vertx, VertxTestContext ctx) {
    FakeService fake = flaky(DbContract.PUT.name(), 1, ErrorCode.MOVED);
    CallPolicy db = db(vertx);
    fake.register(vertx)
        .compose(v -> db.call(DbContract.PUT, write(null), "rid"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo(WRITTEN);
                          assertThat(fake.calls()).hasSize(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a write with an idempotency key is retried after a transient fault, carrying the same key")
  void writeWithKeyRetried(Vertx vertx, VertxTestContext ctx) {
    FakeService fake = flaky(DbContract.PUT.name(), 1, ErrorCode.TIMEOUT);
    CallPolicy db = db(vertx);
    fake.register(vertx)
        .compose(v -> db.call(DbContract.PUT, write("k-1"), "rid"))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo(WRITTEN);
                          assertThat(fake.calls()).hasSize(2);
                          assertThat(fake.calls())
                              .allSatisfy(
                                  call ->
                                      assertThat(call.body().getString("idempotencyKey"))
                                          .isEqualTo("k-1"));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "retries share the call's deadline: a silent service is given up at the deadline, not once per attempt")
  void deadlineCoversEveryAttempt(Vertx vertx, VertxTestContext ctx) {
    FakeService fake =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name()).silent(DbContract.GET.name());
    CallPolicy db = CallPolicy.withRetries(vertx, "db-service", 300, TWO_RETRIES, registry);
    fake.register(vertx)
        .compose(v -> db.call(DbContract.GET, DOC.key(), "rid"))
        .onComplete(
            ctx.failing(
                fault ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(fault)).isEqualTo(ErrorCode.TIMEOUT);
                          // The first attempt spent the whole deadline, so there was nothing left
                          // to retry with.
                          assertThat(fake.calls()).hasSize(1);
                          ctx.completeNow();
                        })));
  }
}
