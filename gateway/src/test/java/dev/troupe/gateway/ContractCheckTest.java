package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.bus.BreakerConfig;
import dev.troupe.shared.bus.RetryConfig;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The document API's requests checked against the OpenAPI document, on a plain (unclustered) Vert.x
 * with no pipeline behind it: a request the document rejects is a 400 problem naming what was
 * wrong, and one it accepts goes on to the pipeline, which answers 503 here because nothing
 * listens.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Requests checked against the OpenAPI document")
class ContractCheckTest {
  private static final String DOC = "/api/v1/docs/books/dune";
  private static final int MAX_BODY = 4096;

  // One server and client per test, on that test's Vert.x: shared across the class (from
  // @BeforeAll),
  // a test now and then never completed (no request outstanding, seen only in full runs).
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void serve(Vertx vertx, VertxTestContext ctx) {
    OpenApi.load(vertx)
        .compose(
            openApi -> {
              Router router = Router.router(vertx);
              router.route().handler(RequestIds::assign);
              Calls calls =
                  new Calls(
                      vertx,
                      2_000,
                      RetryConfig.none(),
                      BreakerConfig.off(),
                      new SimpleMeterRegistry());
              new DocsApi(
                      calls,
                      new CacheFirstReads(calls, true, 500, new SimpleMeterRegistry()),
                      MAX_BODY,
                      openApi,
                      new Stages(new SimpleMeterRegistry()))
                  .mount(router);
              router.route().failureHandler(Problems::handle);
              router.errorHandler(404, Problems::handle);
              router.errorHandler(405, Problems::handle);
              router.errorHandler(413, Problems::handle);
              return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
            })
        .onComplete(
            ctx.succeeding(
                listening -> {
                  server = listening;
                  client = vertx.createHttpClient();
                  ctx.completeNow();
                }));
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    client.close().compose(v -> server.close()).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a limit that is not an integer, or out of 1..1000, is a 400 naming limit")
  void badLimits(VertxTestContext ctx) {
    Future.all(
            List.of(
                get("/api/v1/docs/books?limit=x"),
                get("/api/v1/docs/books?limit=0"),
                get("/api/v1/docs/books?limit=1001"),
                get("/api/v1/docs/books?limit=1.5")))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < all.size(); i++) {
                            Answer answer = all.resultAt(i);
                            answer.assertProblem(400, "query parameter limit");
                          }
                          assertThat(((Answer) all.resultAt(0)).detail())
                              .contains("is not an integer");
                          assertThat(((Answer) all.resultAt(2)).detail())
                              .contains("1001 is greater than 1000");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a collection or id breaking its pattern is a 400 naming the parameter and the rule")
  void badNames(VertxTestContext ctx) {
    Future.all(
            List.of(
                put("/api/v1/docs/Books/x", "{}", MultiMap.caseInsensitiveMultiMap()),
                put("/api/v1/docs/books/bad%20id", "{}", MultiMap.caseInsensitiveMultiMap()),
                delete("/api/v1/docs/books/" + "i".repeat(129)),
                get("/api/v1/docs/books?after=a%2Fb")))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          ((Answer) all.resultAt(0))
                              .assertProblem(400, "path parameter collection");
                          ((Answer) all.resultAt(0)).assertProblem(400, "1 to 64 characters");
                          ((Answer) all.resultAt(1)).assertProblem(400, "path parameter id");
                          ((Answer) all.resultAt(2)).assertProblem(400, "path parameter id");
                          ((Answer) all.resultAt(3)).assertProblem(400, "query parameter after");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a body that is not a JSON object is a 400; a non-JSON type stays 415, an oversized body 413")
  void badBodies(VertxTestContext ctx) {
    MultiMap json = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
    Future.all(
            List.of(
                put(DOC, "[1]", json),
                put(DOC, "42", json),
                put(DOC, "{broken", json),
                put(DOC, "", json),
                put(
                    DOC,
                    "{}",
                    MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain")),
                put(DOC, "{\"a\":\"" + "x".repeat(MAX_BODY) + "\"}", json)))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          ((Answer) all.resultAt(0)).assertProblem(400, "JSON object");
                          ((Answer) all.resultAt(1)).assertProblem(400, "JSON object");
                          ((Answer) all.resultAt(2)).assertProblem(400, "not valid JSON");
                          ((Answer) all.resultAt(3)).assertProblem(400, "empty");
                          ((Answer) all.resultAt(4)).assertProblem(415, "Content-Type");
                          ((Answer) all.resultAt(5)).assertProblem(413, "larger");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a malformed If-Match or If-None-Match on a write is a 400 naming the header")
  void badPreconditions(VertxTestContext ctx) {
    Future.all(
            List.of(
                put(DOC, "{}", MultiMap.caseInsensitiveMultiMap().add("If-Match", "3")),
                put(DOC, "{}", MultiMap.caseInsensitiveMultiMap().add("If-None-Match", "\"1\"")),
                send(
                    HttpMethod.DELETE,
                    DOC,
                    null,
                    MultiMap.caseInsensitiveMultiMap().add("If-Match", "W/\"1\""))))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          ((Answer) all.resultAt(0))
                              .assertProblem(400, "header parameter If-Match");
                          ((Answer) all.resultAt(1))
                              .assertProblem(400, "header parameter If-None-Match");
                          ((Answer) all.resultAt(2))
                              .assertProblem(400, "header parameter If-Match");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "what the document allows passes on to the pipeline: odd but valid ids, ETag lists, empty limit, no Content-Type")
  void validRequestsPass(VertxTestContext ctx) {
    Future.all(
            List.of(
                put(
                    "/api/v1/docs/books/1.5",
                    "{}",
                    MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json")),
                put("/api/v1/docs/books/-1", "{\"a\":[1]}", MultiMap.caseInsensitiveMultiMap()),
                put(
                    DOC,
                    "{}",
                    MultiMap.caseInsensitiveMultiMap()
                        .add("If-Match", "\"7\"")
                        .add("X-Request-Id", "any thing")),
                put(
                    DOC,
                    "{}",
                    MultiMap.caseInsensitiveMultiMap()
                        .add("Content-Type", "application/merge-patch+json")
                        .add("If-None-Match", "*")),
                send(
                    HttpMethod.GET,
                    DOC,
                    null,
                    MultiMap.caseInsensitiveMultiMap().add("If-None-Match", "\"1\", W/\"2\"")),
                delete("/api/v1/docs/books/a~b"),
                get("/api/v1/docs/books?limit=&after=1.5"),
                get("/api/v1/docs/books?limit=1000")))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < all.size(); i++) {
                            Answer answer = all.resultAt(i);
                            assertThat(answer.status())
                                .as("request %d: %s", i, answer.body())
                                .isEqualTo(503);
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a body that breaks the document's schema of it is a 400 naming what the schema expects")
  void bodySchema(Vertx vertx, VertxTestContext ctx) {
    JsonObject document =
        new JsonObject()
            .put("openapi", "3.1.0")
            .put("info", new JsonObject().put("title", "t").put("version", "1"))
            .put(
                "paths",
                new JsonObject()
                    .put(
                        "/things",
                        new JsonObject()
                            .put(
                                "put",
                                new JsonObject()
                                    .put("operationId", "putThing")
                                    .put(
                                        "requestBody",
                                        new JsonObject()
                                            .put("required", true)
                                            .put(
                                                "content",
                                                new JsonObject()
                                                    .put(
                                                        "application/json",
                                                        new JsonObject()
                                                            .put(
                                                                "schema",
                                                                new JsonObject()
                                                                    .put("type", "object")
                                                                    .put(
                                                                        "description",
                                                                        "an object with a title")
                                                                    .put(
                                                                        "required",
                                                                        new JsonArray()
                                                                            .add("title"))))))
                                    .put(
                                        "responses",
                                        new JsonObject()
                                            .put(
                                                "200",
                                                new JsonObject().put("description", "ok"))))));
    OpenAPIContract.from(vertx, document)
        .onComplete(
            ctx.succeeding(
                contract ->
                    ctx.verify(
                        () -> {
                          ContractCheck check = ContractCheck.of(contract, "putThing");
                          check.body(new JsonObject().put("title", "ok"));
                          assertThatThrownBy(
                                  () -> check.body(new JsonObject().put("name", "no title")))
                              .isInstanceOfSatisfying(
                                  TroupeException.class,
                                  e -> {
                                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                                    assertThat(e.getMessage())
                                        .startsWith("the request body does not match the API")
                                        .endsWith("expected an object with a title");
                                  });
                          assertThatThrownBy(() -> ContractCheck.of(contract, "noSuchOperation"))
                              .isInstanceOf(IllegalStateException.class)
                              .hasMessageContaining("noSuchOperation");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a document body (any JSON object) is checked by a type test, refusing what the schema validator"
          + " refuses with its words")
  void documentBodyFastPath(Vertx vertx, VertxTestContext ctx) {
    OpenApi.load(vertx)
        .onComplete(
            ctx.succeeding(
                openApi ->
                    ctx.verify(
                        () -> {
                          OpenAPIContract contract = openApi.contract();
                          var schema =
                              contract
                                  .operation("putDocument")
                                  .getRequestBody()
                                  .getContent()
                                  .get("application/json")
                                  .getSchema();
                          assertThat(ContractCheck.anyObject(schema))
                              .as("the document schema says only 'an object'")
                              .isTrue();
                          var general = contract.getSchemaRepository().validator(schema);
                          ContractCheck check = ContractCheck.of(contract, "putDocument");
                          check.body(
                              new JsonObject()
                                  .put(
                                      "nested", new JsonObject().put("a", new JsonArray().add(1))));
                          for (Object value :
                              new Object[] {new JsonArray().add(1), "text", 5, 2.5, true}) {
                            var expected = general.validate(value);
                            assertThat(expected.getValid()).isFalse();
                            String words = expected.getErrors().get(0).getError();
                            assertThatThrownBy(() -> check.body(value))
                                .as("%s", value)
                                .isInstanceOfSatisfying(
                                    TroupeException.class,
                                    e -> {
                                      assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                                      assertThat(e.getMessage()).containsIgnoringCase(words);
                                    });
                          }
                          ctx.completeNow();
                        })));
  }

  private record Answer(int status, String contentType, String body) {
    String detail() {
      return new JsonObject(body).getString("detail");
    }

    void assertProblem(int expected, String detailPart) {
      assertThat(status).as("status of %s", body).isEqualTo(expected);
      assertThat(contentType).isEqualTo(Problems.CONTENT_TYPE);
      JsonObject problem = new JsonObject(body);
      assertThat(problem.getInteger("status")).isEqualTo(expected);
      assertThat(problem.getString("detail")).contains(detailPart);
    }
  }

  private Future<Answer> get(String uri) {
    return send(HttpMethod.GET, uri, null, MultiMap.caseInsensitiveMultiMap());
  }

  private Future<Answer> delete(String uri) {
    return send(HttpMethod.DELETE, uri, null, MultiMap.caseInsensitiveMultiMap());
  }

  private Future<Answer> put(String uri, String body, MultiMap headers) {
    return send(HttpMethod.PUT, uri, body, headers);
  }

  private Future<Answer> send(HttpMethod method, String uri, String body, MultiMap headers) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(server.actualPort())
            .setURI(uri)
            .setHeaders(headers);
    return client
        .request(options)
        .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
        .compose(response -> response.body().map(b -> answer(response, b)));
  }

  private static Answer answer(HttpClientResponse response, Buffer body) {
    return new Answer(response.statusCode(), response.getHeader("Content-Type"), body.toString());
  }
}
