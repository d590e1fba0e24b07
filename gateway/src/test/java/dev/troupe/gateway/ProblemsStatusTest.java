package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Problems.status")
class ProblemsStatusTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "BAD_REQUEST, 400",
    "FORBIDDEN, 403",
    "NOT_FOUND, 404",
    "MOVED, 421",
    "CONFLICT, 409",
    "GONE, 410",
    "PRECONDITION_FAILED, 412",
    "PAYLOAD_TOO_LARGE, 413",
    "INTERNAL, 502",
    "UNAVAILABLE, 503",
    "OVERLOADED, 503",
    "TIMEOUT, 504",
  })
  @DisplayName("each error code maps to its documented HTTP status")
  void documentedStatus(ErrorCode code, int status) {
    assertThat(Problems.status(code)).isEqualTo(status);
  }

  @Test
  @DisplayName(
      "no two error codes share an HTTP status, but for the two 503s: a fault (UNAVAILABLE) and shed load (OVERLOADED)")
  void distinct() {
    assertThat(
            Arrays.stream(ErrorCode.values())
                .filter(code -> code != ErrorCode.OVERLOADED)
                .map(Problems::status))
        .doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ErrorCode.class)
  @DisplayName("client mistakes are 4xx and downstream faults are 5xx, never 500")
  void neverPlain500(ErrorCode code) {
    int status = Problems.status(code);

    assertThat(status).isNotEqualTo(500).isBetween(400, 599);
    assertThat(status < 500).isEqualTo(code.code() < 5000);
  }
}
