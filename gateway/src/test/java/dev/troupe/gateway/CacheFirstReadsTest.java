package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.BreakerConfig;
import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.HandedOverJson;
import dev.troupe.shared.bus.RetryConfig;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.ReadDoc;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.StoredDoc;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's document read asks cache-service first: a hit or a recorded absence is answered
 * without request-service; a miss, a cache fault or the setting turned off reads through
 * request-service. Services are stand-ins on a plain Vert.x that record what they were asked.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Document reads ask the cache first")
class CacheFirstReadsTest {
  private static final Instant AT = Instant.parse("2026-01-31T12:00:00Z");

  private final List<String> pipelineReads = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private HttpClient client;

  private static StoredDoc stored(String id, long version, String from) {
    return StoredDoc.of(
        new Document(DocKey.of("books", id), version, AT, new JsonObject().put("from", from)));
  }

  /** The cache: "hot" is a document, "gone" an absence at version 3, "cold" a miss, "x" fails. */
  private static Future<CacheLookup> cache(DocKey key) {
    return switch (key.id()) {
      case "hot" -> Future.succeededFuture(CacheLookup.found(stored("hot", 7, "cache")));
      case "gone" -> Future.succeededFuture(CacheLookup.absent(3));
      case "cold" -> Future.succeededFuture(CacheLookup.MISS);
      default -> Future.failedFuture(new TroupeException(ErrorCode.UNAVAILABLE, "cache down"));
    };
  }

  private Future<ReadResult> pipeline(ReadDoc read) {
    pipelineReads.add(read.key().id());
    return Future.succeededFuture(
        new ReadResult(stored(read.key().id(), 9, "pipeline"), ReadResult.CacheStatus.MISS, true));
  }

  private Future<Void> serve(Vertx vertx, boolean cacheReads) {
    HandedOverJson.register(vertx);
    BusFault.register(vertx);
    Calls calls =
        new Calls(vertx, 2_000, RetryConfig.none(), BreakerConfig.off(), new SimpleMeterRegistry());
    return vertx
        .eventBus()
        .consumer(
            CacheContract.ADDRESS,
            ActionRouter.of("fake-cache").on(CacheContract.GET, CacheFirstReadsTest::cache))
        .completion()
        .compose(
            v ->
                vertx
                    .eventBus()
                    .consumer(
                        RequestContract.ADDRESS,
                        ActionRouter.of("fake-request").on(RequestContract.GET, this::pipeline))
                    .completion())
        .compose(v -> OpenApi.load(vertx))
        .compose(
            openApi -> {
              Router router = Router.router(vertx);
              router.route().handler(RequestIds::assign);
              new DocsApi(
                      calls,
                      new CacheFirstReads(calls, cacheReads, 500, new SimpleMeterRegistry()),
                      4096,
                      openApi,
                      new Stages(new SimpleMeterRegistry()))
                  .mount(router);
              router.route().failureHandler(Problems::handle);
              return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
            })
        .map(
            listening -> {
              server = listening;
              client = vertx.createHttpClient();
              return null;
            });
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    (client == null ? Future.<Void>succeededFuture() : client.close())
        .compose(v -> server == null ? Future.<Void>succeededFuture() : server.close())
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Status, X-Cache and body of a GET of books/{id}. */
  private Future<List<String>> get(String id) {
    return client
        .request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/api/v1/docs/books/" + id)
        .compose(req -> req.send())
        .compose(
            resp ->
                resp.body()
                    .map(
                        body ->
                            List.of(
                                String.valueOf(resp.statusCode()),
                                String.valueOf(resp.getHeader("X-Cache")),
                                body.toString())));
  }

  @Test
  @DisplayName(
      "a hit and a recorded absence are answered from the cache alone; a miss and a cache fault read through request-service")
  void cacheFirst(Vertx vertx, VertxTestContext ctx) {
    serve(vertx, true)
        .compose(v -> Future.all(get("hot"), get("gone"), get("cold"), get("x")))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          List<String> hot = all.resultAt(0);
                          assertThat(hot.subList(0, 2)).containsExactly("200", "HIT");
                          assertThat(new JsonObject(hot.get(2)).getInteger("version")).isEqualTo(7);
                          assertThat(hot.get(2)).contains("\"from\":\"cache\"");
                          List<String> gone = all.resultAt(1);
                          assertThat(gone.get(0)).isEqualTo("404");
                          assertThat(gone.get(2)).contains("books/gone does not exist");
                          List<String> cold = all.resultAt(2);
                          assertThat(cold.subList(0, 2)).containsExactly("200", "MISS");
                          assertThat(cold.get(2)).contains("\"from\":\"pipeline\"");
                          List<String> broken = all.resultAt(3);
                          assertThat(broken.subList(0, 2)).containsExactly("200", "MISS");
                          assertThat(pipelineReads).containsExactlyInAnyOrder("cold", "x");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("with TROUPE_GATEWAY_CACHE_READS=false every read goes through request-service")
  void off(Vertx vertx, VertxTestContext ctx) {
    serve(vertx, false)
        .compose(v -> get("hot"))
        .onComplete(
            ctx.succeeding(
                hot ->
                    ctx.verify(
                        () -> {
                          assertThat(hot.subList(0, 2)).containsExactly("200", "MISS");
                          assertThat(pipelineReads).containsExactly("hot");
                          ctx.completeNow();
                        })));
  }
}
