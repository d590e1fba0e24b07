package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.launcher.TroupeNode;
import dev.troupe.testkit.TroupeCluster;
import dev.troupe.testkit.TroupeClusterExtension;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI document against the gateway that serves it. The gateway here is a {@link
 * GatewayVerticle} this test deploys itself (on a node running the pipeline), so that its router
 * can be walked: every route it serves must be an operation of the document and every operation of
 * the document must be served, answering a status, media type, headers and body the document
 * describes. API keys are on, as in production.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("OpenAPI document and the gateway it describes")
class OpenApiContractTest {
  private static final String KEY = "openapi-contract-test-key";
  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  private static final String DOC_URI = "app:///troupe.json";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "chat")
              .setting("TROUPE_AUTH", "apikey")
              // chat:admin: the examples act as alice, as a service acting for users would.
              .setting(
                  "TROUPE_API_KEYS", "contract=" + sha256(KEY) + "=docs:read docs:write chat:admin")
              .setting("TROUPE_ACCESS_LOG", "false"));

  private static GatewayVerticle gateway;
  private static int port;
  private static JsonObject document;

  @BeforeAll
  static void deployGateway(VertxTestContext ctx) throws IOException {
    document = OpenApi.yamlToJson(resource());
    TroupeNode node = TROUPE.cluster().node(0);
    gateway = new GatewayVerticle();
    node.vertx()
        .deployVerticle(
            gateway, new DeploymentOptions().setConfig(node.runtime().settings().toJson()))
        .onComplete(
            ctx.succeeding(
                id -> {
                  port = node.httpPort();
                  ctx.completeNow();
                }));
  }

  @Test
  @DisplayName(
      "every route the gateway serves is an operation of the document, and every operation is a route")
  void routesAreDocumented(VertxTestContext ctx) {
    Set<String> served = endpoints(gateway.router().getRoutes());
    Set<String> documented = operations(document);
    ctx.verify(
        () -> {
          assertThat(served)
              .as("the walk found the routes")
              .contains("GET /api/v1/docs/{collection}/{id}", "GET /health/ready");
          assertThat(minus(served, documented))
              .as("routes served but not in openapi/troupe.yaml")
              .isEmpty();
          assertThat(minus(documented, served))
              .as("operations in openapi/troupe.yaml that no route serves")
              .isEmpty();
          ctx.completeNow();
        });
  }

  @Test
  @DisplayName(
      "the parity check catches a route added without documenting it, and an operation nobody serves")
  void parityCheckCanFail(Vertx vertx, VertxTestContext ctx) {
    Router extra = Router.router(vertx);
    extra.post("/api/v1/docs/:collection").handler(c -> c.end());
    extra.route("/admin").handler(c -> c.end());
    extra.route("/internal/*").handler(c -> c.end());
    extra.routeWithRegex(HttpMethod.GET, "/files/.*").handler(c -> c.end());
    List<Route> routes = new ArrayList<>(gateway.router().getRoutes());
    routes.addAll(extra.getRoutes());
    JsonObject moreDocumented = document.copy();
    moreDocumented
        .getJsonObject("paths")
        .put(
            "/api/v1/things",
            new JsonObject().put("get", new JsonObject().put("operationId", "getThings")));
    ctx.verify(
        () -> {
          assertThat(minus(endpoints(routes), operations(document)))
              .hasSize(4)
              .contains("POST /api/v1/docs/{collection}", "ANY /admin", "ANY /internal/*")
              .anyMatch(e -> e.startsWith("REGEX "));
          assertThat(minus(operations(moreDocumented), endpoints(gateway.router().getRoutes())))
              .containsExactly("GET /api/v1/things");
          ctx.completeNow();
        });
  }

  @Test
  @DisplayName(
      "each operation of the document, called as the document describes it, answers as the document says")
  void everyOperationAnswersAsDocumented(Vertx vertx, VertxTestContext ctx) {
    WebClient http = client(vertx);
    SchemaRepository schemas = schemaRepository();
    List<Call> calls = calls(document);
    List<String> mismatches = new ArrayList<>();
    Map<String, String> jobIds = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (Call call : calls) {
      // The result (and errors) of the job createJob started are there once it has finished.
      boolean result =
          List.of("getJobResult", "getJobErrors")
              .contains(call.operation().getString("operationId"));
      chain =
          chain
              .compose(
                  v ->
                      result
                          ? awaitJobFinished(vertx, http, jobIds.get("id"), 200)
                          : Future.<Void>succeededFuture())
              .compose(
                  v ->
                      call.isWebSocket()
                          ? call.upgrade(vertx)
                              .map(
                                  found -> {
                                    mismatches.addAll(found);
                                    return null;
                                  })
                          : call.streams()
                              ? call.openStream(vertx, jobIds)
                                  .map(
                                      found -> {
                                        mismatches.addAll(found);
                                        return null;
                                      })
                              : call.send(http, jobIds)
                                  .map(
                                      response -> {
                                        mismatches.addAll(call.mismatches(response, schemas));
                                        if ("createJob"
                                                .equals(call.operation().getString("operationId"))
                                            && response.statusCode() == 202) {
                                          jobIds.put(
                                              "id", response.bodyAsJsonObject().getString("id"));
                                        }
                                        return null;
                                      }));
    }
    chain.onComplete(
        ctx.succeeding(
            v ->
                ctx.verify(
                    () -> {
                      assertThat(calls).hasSize(operations(document).size());
                      assertThat(mismatches).as("answers the document does not describe").isEmpty();
                      ctx.completeNow();
                    })));
  }

  @Test
  @DisplayName(
      "GET /openapi.yaml and /openapi.json serve the document, without a key, as YAML and as the same JSON")
  void servesTheDocument(Vertx vertx, VertxTestContext ctx) {
    WebClient http = client(vertx);
    Future.all(http.get("/openapi.yaml").send(), http.get("/openapi.json").send())
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          HttpResponse<Buffer> yaml = both.resultAt(0);
                          HttpResponse<Buffer> json = both.resultAt(1);
                          assertThat(yaml.statusCode()).isEqualTo(200);
                          assertThat(yaml.getHeader("Content-Type")).isEqualTo("application/yaml");
                          assertThat(yaml.bodyAsString()).isEqualTo(resource());
                          Object parsed =
                              new Yaml(new SafeConstructor(new LoaderOptions()))
                                  .load(yaml.bodyAsString());
                          assertThat(parsed).isInstanceOf(java.util.Map.class);
                          assertThat(((java.util.Map<?, ?>) parsed).get("openapi"))
                              .isEqualTo("3.1.0");
                          assertThat(json.statusCode()).isEqualTo(200);
                          assertThat(json.getHeader("Content-Type")).isEqualTo("application/json");
                          assertThat(json.bodyAsJsonObject()).isEqualTo(document);
                          assertThat(
                                  json.bodyAsJsonObject()
                                      .getJsonObject("components")
                                      .getJsonObject("securitySchemes")
                                      .fieldNames())
                              .containsExactlyInAnyOrder(
                                  "apiKey", "apiKeyAuthorization", "bearerJwt");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "the gateway rejects what the document rejects with a 400 problem naming it, after authentication")
  void rejectsWhatTheDocumentRejects(Vertx vertx, VertxTestContext ctx) {
    WebClient http = client(vertx);
    Future.all(
            List.of(
                http.get("/api/v1/docs/books?limit=ten").putHeader("X-Api-Key", KEY).send(),
                http.get("/api/v1/docs/books?limit=0").putHeader("X-Api-Key", KEY).send(),
                http.put("/api/v1/docs/books/bad%20id")
                    .putHeader("X-Api-Key", KEY)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer("{}")),
                http.put("/api/v1/docs/books/ok")
                    .putHeader("X-Api-Key", KEY)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer("[1,2]")),
                http.get("/api/v1/docs/books/bad%20id").putHeader("X-Api-Key", KEY).send(),
                http.get("/api/v1/docs/books?limit=ten").send()))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          assertProblem(all.resultAt(0), 400, "query parameter limit");
                          assertProblem(all.resultAt(1), 400, "query parameter limit");
                          assertProblem(all.resultAt(2), 400, "path parameter id");
                          assertProblem(all.resultAt(3), 400, "JSON object");
                          assertProblem(all.resultAt(4), 400, "id must be");
                          assertProblem(all.resultAt(5), 401, "API key");
                          ctx.completeNow();
                        })));
  }

  // ---- the routes
  // ----------------------------------------------------------------------------------

  /**
   * {@code METHOD /path/{param}} of every route that serves requests. Routes without a path are
   * handlers for every request (request ids, CORS, failures); a prefix route ({@code /x/*}) without
   * methods in front of documented paths is middleware such as authentication. Any other prefix
   * route, a route without methods, or a regex route serves something the document does not name,
   * and is listed as such.
   */
  static Set<String> endpoints(List<Route> routes) {
    Set<String> endpoints = new TreeSet<>();
    Set<String> documentedPaths = document.getJsonObject("paths").fieldNames();
    for (Route route : routes) {
      String path = route.getPath();
      if (path == null) {
        // A route with path parameters is a regex route too, but keeps its path; this one has none.
        if (route.isRegexPath()) {
          endpoints.add("REGEX " + route.getName());
        }
        continue;
      }
      if (!route.isExactPath()) {
        if (!documentedPaths.stream().anyMatch(p -> p.startsWith(path))
            || route.methods() != null && !route.methods().isEmpty()) {
          endpoints.add("ANY " + path + "*");
        }
        continue;
      }
      String template = path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      if (route.methods() == null || route.methods().isEmpty()) {
        endpoints.add("ANY " + template);
      } else {
        route.methods().forEach(m -> endpoints.add(m.name() + " " + template));
      }
    }
    return endpoints;
  }

  /** {@code METHOD /path/{param}} of every operation of the document. */
  static Set<String> operations(JsonObject document) {
    Set<String> operations = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(key)) {
          operations.add(key.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return operations;
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> difference = new TreeSet<>(a);
    difference.removeAll(b);
    return difference;
  }

  // ---- calling each operation as documented
  // ---------------------------------------------------------

  private static final String EVENT_STREAM = "text/event-stream";

  /**
   * One operation, called with the examples of the document (path parameters and required query
   * parameters); creating writes first, then posts, reads, and the delete last.
   */
  private record Call(String method, String template, JsonObject operation, JsonObject pathItem) {
    String uri() {
      return uri(Map.of());
    }

    /**
     * The template with each path parameter's example (a job id: the one {@code ids} holds, a job
     * being something only the gateway can name) and each required query parameter's.
     */
    String uri(Map<String, String> ids) {
      String uri = template;
      List<String> query = new ArrayList<>();
      for (JsonObject parameter : parameters()) {
        String name = parameter.getString("name");
        if ("path".equals(parameter.getString("in"))) {
          String value =
              template.startsWith("/api/v1/jobs/") && ids.containsKey(name)
                  ? ids.get(name)
                  : example(resolve(parameter.getJsonObject("schema")));
          uri = uri.replace("{" + name + "}", value);
        } else if ("query".equals(parameter.getString("in"))
            && parameter.getBoolean("required", false)) {
          query.add(name + "=" + example(resolve(parameter.getJsonObject("schema"))));
        }
      }
      return query.isEmpty() ? uri : uri + "?" + String.join("&", query);
    }

    /** An operation marked {@code x-websocket} is a WebSocket upgrade, not a request/response. */
    boolean isWebSocket() {
      return operation.getBoolean("x-websocket", false);
    }

    /** Opens the WebSocket as documented (101), then closes it; a refused upgrade is a mismatch. */
    Future<List<String>> upgrade(Vertx vertx) {
      WebSocketClient client = vertx.createWebSocketClient();
      WebSocketConnectOptions options =
          new WebSocketConnectOptions()
              .setHost("127.0.0.1")
              .setPort(port)
              .setURI(uri())
              .addHeader("X-Api-Key", KEY);
      return client
          .connect(options)
          .compose(socket -> socket.close().<List<String>>map(closed -> List.of()))
          .otherwise(
              e ->
                  List.of(
                      method
                          + " "
                          + uri()
                          + " ("
                          + operation.getString("operationId")
                          + "): the WebSocket upgrade failed: "
                          + e.getMessage()))
          .eventually(client::close);
    }

    List<JsonObject> parameters() {
      List<JsonObject> all = new ArrayList<>();
      for (JsonArray list :
          new JsonArray[] {
            pathItem.getJsonArray("parameters"), operation.getJsonArray("parameters")
          }) {
        if (list != null) {
          list.forEach(p -> all.add(resolve((JsonObject) p)));
        }
      }
      return all;
    }

    /** Whether the operation answers with a stream that never ends (Server-Sent Events). */
    boolean streams() {
      JsonObject ok = operation.getJsonObject("responses").getJsonObject("200");
      return ok != null && ok.getJsonObject("content", new JsonObject()).containsKey(EVENT_STREAM);
    }

    /** Opens the stream, checks its status and media type against the document, and closes it. */
    Future<List<String>> openStream(Vertx vertx, Map<String, String> ids) {
      HttpClient client = vertx.createHttpClient();
      return client
          .request(
              new RequestOptions()
                  .setMethod(HttpMethod.valueOf(method))
                  .setHost("127.0.0.1")
                  .setPort(port)
                  .setURI(uri(ids))
                  .addHeader("X-Api-Key", KEY))
          .compose(HttpClientRequest::send)
          .map(
              response -> {
                List<String> found = new ArrayList<>();
                String call =
                    method
                        + " "
                        + uri(ids)
                        + " ("
                        + operation.getString("operationId")
                        + ") answered "
                        + response.statusCode()
                        + ": ";
                if (response.statusCode() != 200) {
                  found.add(call + "not the stream");
                } else if (!String.valueOf(response.getHeader("Content-Type"))
                    .startsWith(EVENT_STREAM)) {
                  found.add(
                      call
                          + "media type "
                          + response.getHeader("Content-Type")
                          + " is not documented");
                }
                return found;
              })
          .eventually(client::close);
    }

    Future<HttpResponse<Buffer>> send(WebClient http, Map<String, String> ids) {
      var request = http.request(HttpMethod.valueOf(method), uri(ids)).putHeader("X-Api-Key", KEY);
      JsonObject body = operation.getJsonObject("requestBody");
      if (body == null) {
        return request.send();
      }
      JsonObject content = body.getJsonObject("content");
      if (!content.containsKey("application/json")) {
        // Another media type (an import's NDJSON) is sent as the example the document gives of it.
        String type = content.fieldNames().iterator().next();
        return request
            .putHeader("Content-Type", type)
            .sendBuffer(Buffer.buffer(content.getJsonObject(type).getString("example")));
      }
      JsonObject schema =
          resolve(content.getJsonObject("application/json").getJsonObject("schema"));
      return request
          .putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer(schema.getJsonArray("examples").getJsonObject(0).encode()));
    }

    /**
     * Where the answer departs from the document: status, media type, required headers, body
     * schema.
     */
    List<String> mismatches(HttpResponse<Buffer> response, SchemaRepository schemas) {
      String call =
          method
              + " "
              + uri()
              + " ("
              + operation.getString("operationId")
              + ") answered "
              + response.statusCode()
              + ": ";
      List<String> found = new ArrayList<>();
      if (response.statusCode() >= 300) {
        found.add(call + "not a success: " + response.bodyAsString());
      }
      JsonObject responses = operation.getJsonObject("responses");
      JsonObject documented = responses.getJsonObject(String.valueOf(response.statusCode()));
      if (documented == null) {
        found.add(call + "status not documented");
        return found;
      }
      documented = resolve(documented);
      JsonObject headers = documented.getJsonObject("headers", new JsonObject());
      for (String header : headers.fieldNames()) {
        if (resolve(headers.getJsonObject(header)).getBoolean("required", false)
            && response.getHeader(header) == null) {
          found.add(call + "header " + header + " missing");
        }
      }
      JsonObject content = documented.getJsonObject("content");
      String type = response.getHeader("Content-Type");
      if (content == null) {
        if (response.body() != null && response.body().length() > 0) {
          found.add(call + "a body where the document has none");
        }
        return found;
      }
      String mediaType = type == null ? "" : type.split(";", 2)[0].trim();
      if (!content.containsKey(mediaType)) {
        found.add(
            call + "media type " + type + " not documented; documented: " + content.fieldNames());
        return found;
      }
      JsonObject schema = content.getJsonObject(mediaType).getJsonObject("schema");
      if (schema != null && (mediaType.equals("application/json") || mediaType.endsWith("+json"))) {
        OutputUnit result =
            schemas
                .validator(
                    JsonSchema.of(absolute(schema)),
                    new JsonSchemaOptions()
                        .setDraft(Draft.DRAFT202012)
                        .setOutputFormat(OutputFormat.Basic)
                        .setBaseUri(
                            "app:///responses/"
                                + operation.getString("operationId")
                                + "/"
                                + response.statusCode()),
                    true)
                .validate(response.bodyAsJson(Object.class));
        if (!Boolean.TRUE.equals(result.getValid())) {
          found.add(
              call
                  + "body does not match its schema: "
                  + result.toJson().encode()
                  + " body "
                  + response.bodyAsString());
        }
      }
      return found;
    }
  }

  private static List<Call> calls(JsonObject document) {
    List<Call> calls = new ArrayList<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String key : item.fieldNames()) {
        if (METHODS.contains(key)) {
          calls.add(new Call(key.toUpperCase(Locale.ROOT), path, item.getJsonObject(key), item));
        }
      }
    }
    List<String> order = List.of("PUT", "POST", "GET", "DELETE");
    calls.sort(Comparator.comparingInt(c -> order.indexOf(c.method())));
    return calls;
  }

  /**
   * Completes once job {@code id} has finished, asking every 100 ms at most {@code tries} times.
   */
  private static Future<Void> awaitJobFinished(Vertx vertx, WebClient http, String id, int tries) {
    if (id == null) {
      return Future.failedFuture(new AssertionError("createJob answered no job id"));
    }
    return http.get("/api/v1/jobs/" + id)
        .putHeader("X-Api-Key", KEY)
        .send()
        .compose(
            r -> {
              String state = r.statusCode() == 200 ? r.bodyAsJsonObject().getString("state") : null;
              if (Set.of("succeeded", "failed", "cancelled").contains(state)) {
                return Future.succeededFuture();
              }
              if (tries <= 1) {
                return Future.failedFuture(
                    new AssertionError("job " + id + " did not finish: " + r.bodyAsString()));
              }
              return vertx.timer(100).compose(t -> awaitJobFinished(vertx, http, id, tries - 1));
            });
  }

  private static String example(JsonObject schema) {
    JsonArray examples = schema.getJsonArray("examples");
    if (examples == null || examples.isEmpty()) {
      throw new AssertionError("the document gives no example of " + schema.encode());
    }
    return String.valueOf(examples.getValue(0));
  }

  /** Follows a local {@code $ref} of the document, once. */
  private static JsonObject resolve(JsonObject object) {
    String ref = object.getString("$ref");
    if (ref == null) {
      return object;
    }
    JsonObject target = document;
    for (String part : ref.substring(2).split("/")) {
      target = target.getJsonObject(part.replace("~1", "/").replace("~0", "~"));
    }
    return resolve(target);
  }

  /** A schema of the document whose local {@code $ref}s point into the document by absolute URI. */
  private static JsonObject absolute(JsonObject schema) {
    JsonObject copy = new JsonObject();
    schema.forEach(e -> copy.put(e.getKey(), absoluteValue(e.getKey(), e.getValue())));
    return copy;
  }

  private static Object absoluteValue(String key, Object value) {
    if ("$ref".equals(key) && value instanceof String ref && ref.startsWith("#")) {
      return DOC_URI + ref;
    }
    if (value instanceof JsonObject object) {
      return absolute(object);
    }
    if (value instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(absoluteValue(null, item)));
      return copy;
    }
    return value;
  }

  private static SchemaRepository schemaRepository() {
    SchemaRepository repository =
        SchemaRepository.create(
            new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012)
                .setBaseUri(DOC_URI)
                .setOutputFormat(OutputFormat.Basic));
    repository.dereference(DOC_URI, JsonSchema.of(document.copy()));
    return repository;
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------

  private static WebClient client(Vertx vertx) {
    return WebClient.create(
        vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String detailPart) {
    assertThat(r.statusCode()).as("status of %s", r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isEqualTo(Problems.CONTENT_TYPE);
    JsonObject problem = r.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).contains(detailPart);
    assertThat(problem.getString("requestId")).isEqualTo(r.getHeader("X-Request-Id"));
  }

  private static String resource() throws IOException {
    try (InputStream in =
        OpenApiContractTest.class.getClassLoader().getResourceAsStream(OpenApi.RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
