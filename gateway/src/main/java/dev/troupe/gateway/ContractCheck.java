package dev.troupe.gateway;

import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.http.Cookie;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputErrorType;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.RequestBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a request against one operation of the OpenAPI document: each parameter, and the JSON
 * body, against its schema. A mismatch is a 400 problem naming the parameter and what the document
 * expects.
 *
 * <p>The schemas come from vertx-openapi's {@link OpenAPIContract}; the checking is done here
 * rather than by its {@code RequestValidator}, which in 5.0 decodes every parameter value as JSON
 * first (so the ids {@code 1.5} and {@code -1} are numbers, not strings, and an {@code
 * If-None-Match} list such as {@code "1", "2"} cannot be decoded at all), builds a new schema
 * validator per parameter per request (tens of microseconds each: it copies every schema of the
 * repository) and hops to a worker thread for every request. Here each validator is built once, and
 * the values checked are exactly the ones the handlers read. This runs on the event loop:
 * parameters are short, and a body is checked after it was parsed, against the document's schema of
 * it.
 */
final class ContractCheck {
  private static final String JSON = "application/json";

  private final List<ParameterCheck> parameters;
  private final Validator body;
  private final String bodyExpectation;

  private ContractCheck(List<ParameterCheck> parameters, Validator body, String bodyExpectation) {
    this.parameters = parameters;
    this.body = body;
    this.bodyExpectation = bodyExpectation;
  }

  /** The checks of {@code operationId}; fails when the document has no such operation. */
  static ContractCheck of(OpenAPIContract contract, String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation == null) {
      throw new IllegalStateException("the OpenAPI document has no operation " + operationId);
    }
    List<ParameterCheck> checks = new ArrayList<>();
    for (Parameter parameter : operation.getParameters()) {
      switch (parameter.getSchemaType()) {
        case STRING, INTEGER, NUMBER, BOOLEAN -> {}
        default ->
            throw new IllegalStateException(
                operationId
                    + ": parameter "
                    + parameter.getName()
                    + " has a "
                    + parameter.getSchemaType()
                    + " schema; only scalar parameters are checked");
      }
      checks.add(
          new ParameterCheck(
              parameter,
              contract.getSchemaRepository().validator(parameter.getSchema()),
              PlainString.of(parameter.getSchema()),
              expectation(parameter.getSchema())));
    }
    RequestBody requestBody = operation.getRequestBody();
    MediaType json = requestBody == null ? null : requestBody.getContent().get(JSON);
    if (json == null || json.getSchema() == null) {
      return new ContractCheck(List.copyOf(checks), null, null);
    }
    Validator body =
        anyObject(json.getSchema())
            ? ANY_OBJECT
            : contract.getSchemaRepository().validator(json.getSchema());
    return new ContractCheck(List.copyOf(checks), body, expectation(json.getSchema()));
  }

  /** Schema keywords that only annotate: they never make a value invalid. */
  private static final Set<String> ANNOTATIONS =
      Set.of("type", "description", "title", "examples", "example");

  /**
   * True when the schema says no more than "a JSON object" (the document body's {@code
   * DocumentData}): the general validator walks the whole value to collect its annotations, which
   * was about 4% of a PUT's CPU for a check a type test answers.
   */
  static boolean anyObject(JsonSchema schema) {
    return "object".equals(schema.get("type")) && ANNOTATIONS.containsAll(schema.fieldNames());
  }

  /** Accepts a JSON object, refuses anything else with the validator's words for it. */
  private static final Validator ANY_OBJECT =
      new Validator() {
        @Override
        public OutputUnit validate(Object value) {
          if (value instanceof JsonObject || value instanceof java.util.Map) {
            return new OutputUnit(true);
          }
          String type =
              value == null
                  ? "null"
                  : value instanceof JsonArray || value instanceof List
                      ? "array"
                      : value instanceof String
                          ? "string"
                          : value instanceof Boolean ? "boolean" : "number";
          return new OutputUnit(
                  "",
                  "",
                  "",
                  "Instance type " + type + " is invalid. Expected object",
                  OutputErrorType.INVALID_VALUE)
              .setValid(false);
        }
      };

  /**
   * A route handler: fails the request with a 400 on the first parameter that breaks its schema.
   */
  void parameters(RoutingContext ctx) {
    for (ParameterCheck check : parameters) {
      String problem = check.problem(ctx);
      if (problem != null) {
        ctx.fail(TroupeException.badRequest(problem));
        return;
      }
    }
    ctx.next();
  }

  /** Checks a parsed JSON body; throws a bad request when it breaks the document's schema. */
  void body(Object value) {
    if (body == null) {
      return;
    }
    OutputUnit result = body.validate(value);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw TroupeException.badRequest(
          "the request body does not match the API: " + reason(result) + bodyExpectation);
    }
  }

  /**
   * @param plain an exact test of the schema when it is a plain string schema (it accepts what the
   *     validator accepts), or null
   */
  private record ParameterCheck(
      Parameter parameter, Validator validator, PlainString plain, String expectation) {
    /** What is wrong with this parameter of the request, or null. */
    String problem(RoutingContext ctx) {
      String raw = raw(ctx);
      if (plain != null && raw != null && plain.accepts(raw)) {
        return null;
      }
      String name =
          parameter.getIn().name().toLowerCase(Locale.ROOT) + " parameter " + parameter.getName();
      if (raw == null) {
        return parameter.isRequired() ? "the " + name + " is missing" : null;
      }
      Object value;
      try {
        value =
            switch (parameter.getSchemaType()) {
              case INTEGER -> Long.parseLong(raw);
              case NUMBER -> Double.parseDouble(raw);
              case BOOLEAN -> parseBoolean(raw);
              default -> raw;
            };
      } catch (IllegalArgumentException e) {
        return "the "
            + name
            + " is not "
            + article(parameter.getSchemaType().name().toLowerCase(Locale.ROOT))
            + expectation;
      }
      OutputUnit result = validator.validate(value);
      return Boolean.TRUE.equals(result.getValid())
          ? null
          : "the " + name + " does not match the API: " + reason(result) + expectation;
    }

    /** The value the handlers read: decoded path and query values, the first of a repeated one. */
    private String raw(RoutingContext ctx) {
      String name = parameter.getName();
      return switch (parameter.getIn()) {
        case PATH -> ctx.pathParam(name);
        // DocsApi reads an empty query value as absent (limit= is the default limit).
        case QUERY -> emptyToNull(ctx.queryParams().get(name));
        case HEADER -> ctx.request().getHeader(name);
        case COOKIE -> {
          Cookie cookie = ctx.request().getCookie(name);
          yield cookie == null ? null : cookie.getValue();
        }
      };
    }
  }

  /**
   * A string schema of no more than {@code type: string}, a {@code pattern} and a {@code not:
   * {enum: [...]}} of strings (the collection and document id of every document route), tested
   * directly: the pattern compiled once, searched as JSON Schema says ({@link Matcher#find()}). The
   * general validator compiles the pattern and builds its output tree on every call, which was
   * about 4% of a PUT's CPU in a profile. Only acceptance is decided here; a value this test
   * refuses goes to the validator, which words the problem.
   */
  record PlainString(Pattern pattern, Set<String> excluded) {
    private static final Set<String> KEYWORDS =
        Set.of("type", "pattern", "not", "description", "title", "examples", "example");

    /** The test of {@code schema}, or null when it says more than this test knows. */
    static PlainString of(JsonSchema schema) {
      if (!"string".equals(schema.get("type"))
          || !KEYWORDS.containsAll(keywords(schema.fieldNames()))) {
        return null;
      }
      Object pattern = schema.get("pattern");
      if (pattern != null && !(pattern instanceof String)) {
        return null;
      }
      Set<String> excluded = Set.of();
      Object not = schema.get("not");
      if (not != null) {
        if (!(not instanceof JsonObject notSchema)
            || !keywords(notSchema.fieldNames()).equals(Set.of("enum"))
            || !(notSchema.getValue("enum") instanceof JsonArray values)
            || !values.stream().allMatch(String.class::isInstance)) {
          return null;
        }
        excluded = Set.copyOf(values.stream().map(String.class::cast).toList());
      }
      return new PlainString(pattern == null ? null : Pattern.compile((String) pattern), excluded);
    }

    /** The schema's keywords, without the repository's bookkeeping ({@code __absolute_uri__}). */
    private static Set<String> keywords(Set<String> fields) {
      return fields.stream().filter(f -> !f.startsWith("__")).collect(Collectors.toSet());
    }

    boolean accepts(String value) {
      return (pattern == null || pattern.matcher(value).find()) && !excluded.contains(value);
    }
  }

  private static Boolean parseBoolean(String raw) {
    if (raw.equals("true") || raw.equals("false")) {
      return Boolean.valueOf(raw);
    }
    throw new IllegalArgumentException(raw);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static String article(String type) {
    return (type.startsWith("i") ? "an " : "a ") + type;
  }

  /** The first error of a failed validation, e.g. {@code String does not match pattern}. */
  private static String reason(OutputUnit result) {
    OutputUnit unit = result;
    while (unit.getError() == null && unit.getErrors() != null && !unit.getErrors().isEmpty()) {
      unit = unit.getErrors().get(0);
    }
    String error = unit.getError();
    return error == null
        ? "invalid"
        : error.substring(0, 1).toLowerCase(Locale.ROOT) + error.substring(1);
  }

  /** {@code "; expected <the schema's description>"}, or its pattern, or nothing. */
  private static String expectation(JsonSchema schema) {
    String description = schema.get("description");
    if (description != null && !description.isBlank()) {
      return "; expected " + description.strip().replace("`", "");
    }
    String pattern = schema.get("pattern");
    return pattern == null ? "" : "; expected a match of " + pattern;
  }
}
