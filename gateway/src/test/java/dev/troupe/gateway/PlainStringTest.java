package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.json.schema.Validator;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ContractCheck.PlainString}, the direct test of plain string parameters, against the
 * general schema validator it stands in for: over every parameter of the OpenAPI document and a set
 * of valid, invalid and edge values, it accepts exactly what the validator accepts.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Plain string parameters: the direct test agrees with the schema validator")
class PlainStringTest {
  private static final List<String> VALUES =
      List.of(
          "dune",
          "books",
          "a",
          "A",
          "0",
          ".",
          "..",
          "...",
          "a.b",
          "x".repeat(64),
          "x".repeat(65),
          "x".repeat(128),
          "x".repeat(129),
          "-a",
          "_a",
          "a-b_c",
          "a b",
          "a/b",
          "é",
          "a\n",
          "\na",
          "troupe-x",
          "chat-messages",
          "3f2a9c0e5b7d4e1f8a6b2c4d9e0f1a2b",
          "3F2A9C0E5B7D4E1F8A6B2C4D9E0F1A2B",
          "1.5",
          "-1",
          "~",
          "a~b.c",
          "",
          "true");

  @Test
  @DisplayName(
      "on every string parameter of the document it accepts what the validator accepts, and it"
          + " covers the document routes' collection and id")
  void agreesWithTheValidator(Vertx vertx, VertxTestContext ctx) {
    OpenApi.load(vertx)
        .onComplete(
            ctx.succeeding(
                openApi ->
                    ctx.verify(
                        () -> {
                          OpenAPIContract contract = openApi.contract();
                          List<String> covered = new ArrayList<>();
                          for (Operation operation : contract.operations()) {
                            for (Parameter parameter : operation.getParameters()) {
                              ContractCheck.PlainString plain =
                                  ContractCheck.PlainString.of(parameter.getSchema());
                              if (plain == null) {
                                continue;
                              }
                              covered.add(operation.getOperationId() + "." + parameter.getName());
                              Validator validator =
                                  contract.getSchemaRepository().validator(parameter.getSchema());
                              for (String value : VALUES) {
                                assertThat(plain.accepts(value))
                                    .as(
                                        "%s %s = %s",
                                        operation.getOperationId(), parameter.getName(), value)
                                    .isEqualTo(
                                        Boolean.TRUE.equals(validator.validate(value).getValid()));
                              }
                            }
                          }
                          assertThat(covered)
                              .contains(
                                  "putDocument.collection",
                                  "putDocument.id",
                                  "getDocument.collection",
                                  "getDocument.id");
                          ctx.completeNow();
                        })));
  }
}
