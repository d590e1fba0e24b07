package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Admission} in front of routes the test holds open: a request over the limit waits, the
 * newest waiting one is admitted first when a slot frees, a waiting write still gets its body, a
 * request that waited past the queue timeout (or found the queue full) gets 503 with Retry-After,
 * and event streams bypass it.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Gateway admission: limits, a LIFO wait, shedding")
class AdmissionTest {
  private final List<RoutingContext> held = new ArrayList<>();
  private final List<String> served = new ArrayList<>();
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private HttpServer server;
  private WebClient client;
  private Admission admission;

  private Future<Void> serve(Vertx vertx, Map<String, String> settings) {
    admission = new Admission(vertx, AdmissionConfig.from(Settings.of(settings)), registry);
    Router router = Router.router(vertx);
    router.route("/api/v1/*").handler(admission::handle);
    router
        .get("/api/v1/hold/:n")
        .handler(
            ctx -> {
              served.add(ctx.pathParam("n"));
              held.add(ctx);
            });
    router.get("/api/v1/fast/:n").handler(ctx -> ctx.response().end(ctx.pathParam("n")));
    router.get("/api/v1/docs/x/_events").handler(ctx -> ctx.response().end("stream"));
    router
        .put("/api/v1/echo")
        .handler(BodyHandler.create())
        .handler(ctx -> ctx.response().end(ctx.body().asString()));
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(0, "127.0.0.1")
        .map(
            s -> {
              server = s;
              client =
                  WebClient.create(
                      vertx,
                      new WebClientOptions()
                          .setDefaultHost("127.0.0.1")
                          .setDefaultPort(s.actualPort()),
                      new PoolOptions().setHttp1MaxSize(16));
              return null;
            });
  }

  @AfterEach
  void close() {
    if (admission != null) {
      admission.close();
    }
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Completes once {@code n} requests are held by the route. */
  private Future<Void> heldCount(Vertx vertx, int n) {
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(
        5,
        t -> {
          if (held.size() >= n) {
            vertx.cancelTimer(t);
            done.tryComplete();
          }
        });
    return done.future();
  }

  private double queued(String kind) {
    return registry.get("troupe_gateway_queued").tag("bulkhead", kind).gauge().value();
  }

  /** Completes once {@code n} requests of {@code kind} wait. */
  private Future<Void> queuedCount(Vertx vertx, String kind, int n) {
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(
        5,
        t -> {
          if (queued(kind) >= n) {
            vertx.cancelTimer(t);
            done.tryComplete();
          }
        });
    return done.future();
  }

  @Test
  @DisplayName(
      "over the limit, requests wait; when the slot frees the newest waiting one goes first, and a"
          + " waiting write is admitted with its body")
  void waitsAndAdmitsNewestFirst(Vertx vertx, VertxTestContext ctx) {
    List<Future<HttpResponse<Buffer>>> waiting = new ArrayList<>();
    serve(
            vertx,
            Map.of(
                "TROUPE_GATEWAY_LIMIT", "fixed",
                "TROUPE_GATEWAY_MAX_IN_FLIGHT", "1",
                "TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT", "1",
                "TROUPE_GATEWAY_QUEUE_TIMEOUT_MS", "30000"))
        .compose(
            v -> {
              Future<HttpResponse<Buffer>> first = client.get("/api/v1/hold/first").send();
              return heldCount(vertx, 1).map(x -> first);
            })
        .compose(
            first -> {
              waiting.add(client.get("/api/v1/hold/older").send());
              return queuedCount(vertx, "read", 1)
                  .compose(
                      x -> {
                        waiting.add(client.get("/api/v1/hold/newer").send());
                        return queuedCount(vertx, "read", 2);
                      })
                  .compose(
                      x -> {
                        // writes have a lane of their own: one is admitted although reads wait
                        return client.put("/api/v1/echo").sendBuffer(Buffer.buffer("body-1"));
                      })
                  .compose(
                      echo -> {
                        ctx.verify(() -> assertThat(echo.bodyAsString()).isEqualTo("body-1"));
                        held.get(0).response().end("done");
                        return first;
                      });
            })
        .compose(first -> heldCount(vertx, 2))
        .onComplete(
            ctx.succeeding(
                x ->
                    ctx.verify(
                        () -> {
                          assertThat(served).containsExactly("first", "newer");
                          held.get(1).response().end();
                          heldCount(vertx, 3)
                              .onComplete(
                                  ctx.succeeding(
                                      y ->
                                          ctx.verify(
                                              () -> {
                                                assertThat(served)
                                                    .containsExactly("first", "newer", "older");
                                                held.get(2).response().end();
                                                Future.all(waiting)
                                                    .onComplete(
                                                        ctx.succeeding(all -> ctx.completeNow()));
                                              })));
                        })));
  }

  @Test
  @DisplayName("a write that waited for a slot is admitted with its whole body")
  void waitingWriteKeepsItsBody(Vertx vertx, VertxTestContext ctx) {
    serve(
            vertx,
            Map.of(
                "TROUPE_GATEWAY_LIMIT", "fixed",
                "TROUPE_GATEWAY_WRITE_MAX_IN_FLIGHT", "1",
                "TROUPE_GATEWAY_QUEUE_TIMEOUT_MS", "30000"))
        .compose(
            v -> {
              Buffer big = Buffer.buffer("x".repeat(200_000));
              List<Future<HttpResponse<Buffer>>> puts = new ArrayList<>();
              for (int i = 0; i < 6; i++) {
                puts.add(client.put("/api/v1/echo").sendBuffer(big));
              }
              return Future.all(puts).map(all -> puts);
            })
        .onComplete(
            ctx.succeeding(
                puts ->
                    ctx.verify(
                        () -> {
                          for (Future<HttpResponse<Buffer>> put : puts) {
                            assertThat(put.result().statusCode()).isEqualTo(200);
                            assertThat(put.result().bodyAsString()).hasSize(200_000);
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a request that waited past the queue timeout gets 503 with Retry-After")
  void shedsAfterTheQueueTimeout(Vertx vertx, VertxTestContext ctx) {
    serve(
            vertx,
            Map.of(
                "TROUPE_GATEWAY_LIMIT", "fixed",
                "TROUPE_GATEWAY_MAX_IN_FLIGHT", "1",
                "TROUPE_GATEWAY_QUEUE_TIMEOUT_MS", "50"))
        .compose(
            v -> {
              client.get("/api/v1/hold/first").send();
              return heldCount(vertx, 1);
            })
        .compose(v -> client.get("/api/v1/fast/2").send())
        .onComplete(
            ctx.succeeding(
                shed ->
                    ctx.verify(
                        () -> {
                          assertThat(shed.statusCode()).isEqualTo(503);
                          assertThat(shed.getHeader("Retry-After")).isEqualTo("1");
                          assertThat(shed.bodyAsJsonObject().getString("detail"))
                              .contains("waited 50 ms");
                          assertThat(
                                  registry
                                      .get("troupe_rejected")
                                      .tag("service", "gateway")
                                      .tag("bulkhead", "read")
                                      .tag("reason", "queue-timeout")
                                      .counter()
                                      .count())
                              .isEqualTo(1.0);
                          held.get(0).response().end();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "with the queue full the next request gets 503 at once; event streams are not admitted here")
  void shedsAtOnceWhenTheQueueIsFull(Vertx vertx, VertxTestContext ctx) {
    serve(
            vertx,
            Map.of(
                "TROUPE_GATEWAY_LIMIT", "fixed",
                "TROUPE_GATEWAY_MAX_IN_FLIGHT", "1",
                "TROUPE_GATEWAY_QUEUE", "0"))
        .compose(
            v -> {
              client.get("/api/v1/hold/first").send();
              return heldCount(vertx, 1);
            })
        .compose(
            v ->
                Future.all(
                    client.get("/api/v1/fast/2").send(),
                    client.get("/api/v1/docs/x/_events").send()))
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          HttpResponse<Buffer> shed = both.resultAt(0);
                          HttpResponse<Buffer> stream = both.resultAt(1);
                          assertThat(shed.statusCode()).isEqualTo(503);
                          assertThat(shed.getHeader("Retry-After")).isEqualTo("1");
                          assertThat(shed.bodyAsJsonObject().getString("detail"))
                              .contains("queue is full");
                          assertThat(stream.statusCode()).isEqualTo(200);
                          held.get(0).response().end();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "the adaptive limit starts between its bounds and is exported; a bad setting is refused")
  void adaptiveLimitIsBoundedAndExported(Vertx vertx, VertxTestContext ctx) {
    assertThatThrownBy(
            () -> AdmissionConfig.from(Settings.of(Map.of("TROUPE_GATEWAY_LIMIT", "gradient3"))))
        .hasMessageContaining("adaptive, vegas, gradient2 or fixed");
    serve(vertx, Map.of("TROUPE_GATEWAY_MIN_IN_FLIGHT", "4", "TROUPE_GATEWAY_MAX_IN_FLIGHT", "100"))
        .compose(
            v -> {
              List<Future<HttpResponse<Buffer>>> gets = new ArrayList<>();
              for (int i = 0; i < 50; i++) {
                gets.add(client.get("/api/v1/fast/" + i).send());
              }
              return Future.all(gets);
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          double limit =
                              registry
                                  .get("troupe_inflight_limit")
                                  .tag("service", "gateway")
                                  .tag("bulkhead", "read")
                                  .gauge()
                                  .value();
                          assertThat(limit).isBetween(4.0, 100.0);
                          assertThat(
                                  registry
                                      .get("troupe_inflight")
                                      .tag("service", "gateway")
                                      .tag("bulkhead", "read")
                                      .gauge()
                                      .value())
                              .isZero();
                          ctx.completeNow();
                        })));
  }
}
