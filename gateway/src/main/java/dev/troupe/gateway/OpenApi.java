package dev.troupe.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The gateway's OpenAPI 3.1 document, {@code openapi/troupe.yaml} on the classpath: the source of
 * truth for the HTTP API. Served at {@code GET /openapi.yaml} and {@code GET /openapi.json}, and
 * the contract that {@link ContractCheck}s check requests against. Each gateway instance loads its
 * own (about a second, off the event loop), so no schema validator is shared between event loops.
 */
final class OpenApi {
  static final String RESOURCE = "openapi/troupe.yaml";
  static final String YAML_PATH = "/openapi.yaml";
  static final String JSON_PATH = "/openapi.json";

  private final Buffer yaml;
  private final Buffer json;
  private final OpenAPIContract contract;

  private OpenApi(Buffer yaml, Buffer json, OpenAPIContract contract) {
    this.yaml = yaml;
    this.json = json;
    this.contract = contract;
  }

  /**
   * Reads and checks the document; fails when it is missing or not a valid OpenAPI 3.1 contract.
   */
  static Future<OpenApi> load(Vertx vertx) {
    // Reading a classpath resource may touch the disk: not on an event loop.
    return vertx
        .executeBlocking(() -> read(RESOURCE))
        .compose(
            text -> {
              JsonObject document = yamlToJson(text);
              return OpenAPIContract.from(vertx, requestsOnly(document))
                  .map(contract -> new OpenApi(Buffer.buffer(text), document.toBuffer(), contract));
            })
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "the OpenAPI document " + RESOURCE + " is not usable: " + e.getMessage(),
                        e)));
  }

  OpenAPIContract contract() {
    return contract;
  }

  /** The checks of one operation; fails at start when the document lacks it. */
  ContractCheck check(String operationId) {
    return ContractCheck.of(contract, operationId);
  }

  /** {@code GET /openapi.yaml} and {@code GET /openapi.json}; open to anyone, like health. */
  void mount(Router router) {
    router
        .get(YAML_PATH)
        .handler(AccessLog::route)
        .handler(ctx -> send(ctx, "application/yaml", yaml));
    router
        .get(JSON_PATH)
        .handler(AccessLog::route)
        .handler(ctx -> send(ctx, "application/json", json));
  }

  private static void send(RoutingContext ctx, String contentType, Buffer body) {
    ctx.response()
        .putHeader("Content-Type", contentType)
        .putHeader("Cache-Control", "no-cache")
        .end(body);
  }

  /**
   * The document with its responses reduced to their status codes. vertx-openapi 5.0 refuses a
   * contract whose responses use a media type it cannot validate (application/problem+json,
   * application/yaml, OpenMetrics text; eclipse-vertx/vertx-openapi#107), and the gateway validates
   * requests only. Request bodies that are not JSON (an import's NDJSON, which it also refuses) go
   * too.
   */
  static JsonObject requestsOnly(JsonObject document) {
    JsonObject copy = document.copy();
    copy.getJsonObject("paths", new JsonObject())
        .forEach(
            path -> {
              if (path.getValue() instanceof JsonObject item) {
                item.forEach(
                    operation -> {
                      if (operation.getValue() instanceof JsonObject op
                          && op.getValue("responses") instanceof JsonObject responses) {
                        JsonObject statuses = new JsonObject();
                        responses
                            .fieldNames()
                            .forEach(
                                status ->
                                    statuses.put(
                                        status, new JsonObject().put("description", status)));
                        op.put("responses", statuses);
                      }
                      if (operation.getValue() instanceof JsonObject op
                          && op.getValue("requestBody") instanceof JsonObject body
                          && body.getValue("content") instanceof JsonObject content
                          && !content.containsKey("application/json")) {
                        // An import's NDJSON is checked line by line as it streams in, never as one
                        // document.
                        op.remove("requestBody");
                      }
                    });
              }
            });
    return copy;
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = OpenApi.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Parses YAML (safe types only) into the JSON object it denotes. */
  static JsonObject yamlToJson(String text) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    if (!(root instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("the document is not a YAML mapping");
    }
    return (JsonObject) toJson(root);
  }

  private static Object toJson(Object yaml) {
    if (yaml instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, value) -> object.put(String.valueOf(key), toJson(value)));
      return object;
    }
    if (yaml instanceof List<?> list) {
      JsonArray array = new JsonArray();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    if (yaml == null
        || yaml instanceof String
        || yaml instanceof Number
        || yaml instanceof Boolean) {
      return yaml;
    }
    // Timestamps and binary have no JSON form; quote them in the YAML.
    throw new IllegalArgumentException(
        "a value of type " + yaml.getClass().getSimpleName() + " has no JSON form: " + yaml);
  }
}
