package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The HTTP status the bus contract document ({@code asyncapi/troupe-bus.yaml} in shared) gives each
 * error code is the one the gateway answers with. shared's {@code BusContractDocumentTest} holds
 * the codes themselves to {@link ErrorCode}; the mapping lives here, in the gateway.
 */
@DisplayName("The bus contract's HTTP statuses")
class BusErrorStatusTest {

  @Test
  @DisplayName("each error code's documented HTTP status is the one Problems answers with")
  @SuppressWarnings("unchecked")
  void statusesMatch() throws IOException {
    Map<String, Object> doc;
    try (InputStream in = ErrorCode.class.getResourceAsStream("/asyncapi/troupe-bus.yaml")) {
      assertThat(in).as("troupe-bus.yaml on the classpath of troupe-shared").isNotNull();
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
    List<Map<String, Object>> errors = (List<Map<String, Object>>) doc.get("x-troupe-errors");
    assertThat(errors).hasSize(ErrorCode.values().length);
    for (Map<String, Object> error : errors) {
      ErrorCode code = ErrorCode.valueOf((String) error.get("name"));
      assertThat(error.get("httpStatus")).as(code.name()).isEqualTo(Problems.status(code));
    }
  }
}
