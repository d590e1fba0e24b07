package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document and the gateway's own checks (DocKey, ListDocs, EntityTags) accept the same
 * input. This is what lets getDocument skip the document's schemas at run time, and what keeps the
 * document honest where both run.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("OpenAPI document and the gateway's own checks agree")
class OpenApiAgreementTest {
  private static final List<String> NAMES =
      List.of(
          "books",
          "b",
          "0",
          "a_b-c",
          "a".repeat(64),
          "a".repeat(65),
          "Books",
          "_lead",
          "-lead",
          "a.b",
          "a b",
          "a/b",
          "",
          "é",
          "ｆｕｌｌ",
          "books!",
          "9lives",
          "x-");
  private static final List<String> IDS =
      List.of(
          "dune",
          "D",
          "1.5",
          "-1",
          "1e3",
          "true",
          "null",
          "a~b",
          "a.b_c-d",
          "..a",
          "a..",
          "...",
          "i".repeat(128),
          "i".repeat(129),
          ".",
          "..",
          "",
          "a b",
          "a/b",
          "a%2Fb",
          "é",
          "😀",
          "[1]",
          "{}",
          "\"q\"",
          "a+b",
          "a?b",
          "a#b",
          "<script>");
  private static final List<String> WRITE_IF_MATCH =
      List.of(
          "\"1\"",
          " \"42\" ",
          "*",
          " * ",
          "\"0\"",
          "\"03\"",
          "\"-1\"",
          "W/\"1\"",
          "3",
          "\"1\", \"2\"",
          "*, \"1\"",
          "\"x\"",
          "\"\"",
          "\"",
          "",
          "\" 1\"");
  private static final List<String> READ_IF_NONE_MATCH =
      List.of(
          "\"1\"",
          "W/\"1\"",
          "\"1\", \"2\"",
          "\"1\",W/\"2\"",
          "*",
          " * ",
          "\"x\"",
          "\"\"",
          "3",
          "\"",
          "W/",
          "W/\"x",
          "*, \"1\"",
          "\"1\",",
          ",\"1\"",
          "\"1\" \"2\"");
  private static final List<String> LIMITS =
      List.of("1", "50", "1000", "0", "1001", "-1", "x", "1.5", "1e3", "99999999999", "+5", " 5");

  private static OpenAPIContract contract;

  @BeforeAll
  static void load(Vertx vertx, VertxTestContext ctx) {
    OpenApi.load(vertx)
        .onComplete(
            ctx.succeeding(
                api -> {
                  contract = api.contract();
                  ctx.completeNow();
                }));
  }

  @Test
  @DisplayName("collection names: the schema accepts exactly what DocKey accepts")
  void collections() {
    assertSameVerdicts(
        NAMES, schema("getDocument", "collection"), passes(DocKey::requireCollection));
  }

  @Test
  @DisplayName(
      "document ids (path and the after of a list): the schema accepts exactly what DocKey accepts")
  void ids() {
    assertSameVerdicts(IDS, schema("getDocument", "id"), passes(DocKey::requireId));
    assertSameVerdicts(IDS, schema("listDocuments", "after"), passes(DocKey::requireId));
  }

  @Test
  @DisplayName(
      "If-Match on writes: what EntityTags accepts the schema accepts, and what it rejects EntityTags rejects")
  void writeIfMatch() {
    Predicate<String> code = passes(v -> EntityTags.writePrecondition(v, null));
    assertSameVerdicts(WRITE_IF_MATCH, schema("putDocument", "If-Match"), code);
    assertSameVerdicts(WRITE_IF_MATCH, schema("deleteDocument", "If-Match"), code);
    // A version too large for a long matches the pattern; EntityTags still answers 400.
    assertThat(schema("putDocument", "If-Match").test("\"99999999999999999999\"")).isTrue();
    assertThat(code.test("\"99999999999999999999\"")).isFalse();
  }

  @Test
  @DisplayName("If-None-Match: on reads a list of entity tags or *, on writes only *")
  void ifNoneMatch() {
    assertSameVerdicts(
        READ_IF_NONE_MATCH, schema("getDocument", "If-None-Match"), passes(EntityTags::noneMatch));
    assertSameVerdicts(
        READ_IF_NONE_MATCH,
        schema("putDocument", "If-None-Match"),
        passes(v -> EntityTags.writePrecondition(null, v)));
  }

  @Test
  @DisplayName("limit: the schema accepts exactly the integers ListDocs accepts")
  void limits() {
    Predicate<String> schema = schema("listDocuments", "limit");
    Predicate<String> code = passes(v -> new ListDocs("c", Integer.parseInt(v), null));
    Map<String, String> disagreements = new TreeMap<>();
    for (String value : LIMITS) {
      Long parsed = parseLong(value);
      boolean bySchema = parsed != null && schema.test(value);
      if (bySchema != code.test(value)) {
        disagreements.put(value, "document " + bySchema + ", code " + !bySchema);
      }
    }
    assertThat(disagreements).isEmpty();
  }

  /**
   * Whether the schema of {@code operationId}'s parameter accepts a raw value (parsed as
   * ContractCheck does).
   */
  private static Predicate<String> schema(String operationId, String parameterName) {
    Parameter parameter =
        contract.operation(operationId).getParameters().stream()
            .filter(p -> p.getName().equals(parameterName))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError(operationId + " has no parameter " + parameterName));
    var validator = contract.getSchemaRepository().validator(parameter.getSchema());
    return value -> {
      Object typed = value;
      if (parameter.getSchemaType() == io.vertx.json.schema.common.dsl.SchemaType.INTEGER) {
        typed = parseLong(value);
        if (typed == null) {
          return false;
        }
      }
      return Boolean.TRUE.equals(validator.validate(typed).getValid());
    };
  }

  private static Long parseLong(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Predicate<String> passes(java.util.function.Consumer<String> check) {
    return value -> {
      try {
        check.accept(value);
        return true;
      } catch (TroupeException | NumberFormatException e) {
        return false;
      }
    };
  }

  private static void assertSameVerdicts(
      List<String> values, Predicate<String> document, Predicate<String> code) {
    List<String> disagreements = new ArrayList<>();
    for (String value : values) {
      boolean byDocument = document.test(value);
      boolean byCode = code.test(value);
      if (byDocument != byCode) {
        disagreements.add(
            "'"
                + value
                + "': document "
                + (byDocument ? "accepts" : "rejects")
                + ", code "
                + (byCode ? "accepts" : "rejects"));
      }
    }
    assertThat(disagreements).as("values the document and the code judge differently").isEmpty();
  }
}
