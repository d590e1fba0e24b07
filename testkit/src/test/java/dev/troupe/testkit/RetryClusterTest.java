package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retries through the real pipeline. Node 1 is a bare node on which the test plays db-service: ids
 * starting with {@code flaky-} fail once as unavailable (a database restarting) and then work, ids
 * starting with {@code stale-} always fail the write's precondition.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Retries between services")
class RetryClusterTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "request", "cache")
              .node()
              .setting("TROUPE_RETRY_BACKOFF_MS", "10"));

  private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
  private static final List<String> WRITE_KEYS = new CopyOnWriteArrayList<>();
  private static MessageConsumer<JsonObject> fakeDb;

  @BeforeAll
  static void playDatabase() throws Exception {
    Vertx vertx = TROUPE.cluster().node(1).vertx();
    fakeDb =
        vertx
            .eventBus()
            .consumer(
                DbContract.ADDRESS,
                ActionRouter.of("fake-db")
                    .onRaw(DbContract.GET, msg -> get(DocWire.docKey(msg.body())))
                    .onRaw(DbContract.PUT, msg -> put(DocWire.putDoc(msg.body()))));
    fakeDb
        .completion()
        .compose(v -> TROUPE.cluster().awaitAddress(0, DbContract.ADDRESS))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stopPlaying() throws Exception {
    fakeDb.unregister().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static int attempt(String what) {
    return ATTEMPTS.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  private static Future<JsonObject> get(DocKey key) {
    if (attempt("get " + key) == 1 && key.id().startsWith("flaky-")) {
      return Future.failedFuture(
          new TroupeException(ErrorCode.UNAVAILABLE, "the database is restarting"));
    }
    return Future.succeededFuture(
        CacheWire.toJson(
            Lookup.found(
                new Document(
                    key,
                    1,
                    Instant.parse("2026-01-01T00:00:00Z"),
                    new JsonObject().put("id", key.id())))));
  }

  private static Future<JsonObject> put(PutDoc put) {
    WRITE_KEYS.add(put.key().id() + "=" + put.idempotencyKey());
    int n = attempt("put " + put.key());
    if (put.key().id().startsWith("stale-")) {
      return Future.failedFuture(
          TroupeException.preconditionFailed(put.key() + " is at version 3, not 1"));
    }
    if (put.key().id().startsWith("flaky-") && n == 1) {
      return Future.failedFuture(
          new TroupeException(ErrorCode.UNAVAILABLE, "the database is restarting"));
    }
    return Future.succeededFuture(
        DocWire.toJson(new PutResult(new Document(put.key(), 1, Instant.now(), put.data()), true)));
  }

  private static double retries(String action) {
    Counter counter =
        TROUPE
            .cluster()
            .node(0)
            .runtime()
            .registry()
            .find("troupe_retries")
            .tag("downstream", "db-service")
            .tag("action", action)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName("a read that meets a restarting database once is retried and answered 200")
  void readRetried(Vertx vertx, VertxTestContext ctx) {
    double before = retries(DbContract.GET.name());
    new Http(vertx, TROUPE.cluster().httpPort(0))
        .get("/api/v1/docs/retry/flaky-r1")
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(200);
                          assertThat(ATTEMPTS.get("get retry/flaky-r1").get()).isEqualTo(2);
                          assertThat(retries(DbContract.GET.name())).isEqualTo(before + 1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a write meeting a restarting database is retried with the same idempotency key and answered 201")
  void writeRetriedWithItsKey(Vertx vertx, VertxTestContext ctx) {
    new Http(vertx, TROUPE.cluster().httpPort(0))
        .putJson("/api/v1/docs/retry/flaky-w1", "{}")
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(201);
                          List<String> keys =
                              WRITE_KEYS.stream().filter(k -> k.startsWith("flaky-w1=")).toList();
                          assertThat(keys).hasSize(2);
                          assertThat(keys.get(0)).isEqualTo(keys.get(1)).doesNotEndWith("=null");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a failed precondition is an answer, not a fault: sent once, 412")
  void clientErrorNotRetried(Vertx vertx, VertxTestContext ctx) {
    new Http(vertx, TROUPE.cluster().httpPort(0))
        .putJson("/api/v1/docs/retry/stale-w1", "{}", "If-Match", "\"1\"")
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(412);
                          assertThat(ATTEMPTS.get("put retry/stale-w1").get()).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }
}
