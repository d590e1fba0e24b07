package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ErrorCode")
class ErrorCodeTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(ErrorCode.class)
  @DisplayName("fromCode(code()) gives back the same error code")
  void roundTrip(ErrorCode code) {
    assertThat(ErrorCode.fromCode(code.code())).isSameAs(code);
  }

  @ParameterizedTest(name = "code {0}")
  @ValueSource(ints = {0, -1, 1, 400, 500, 4001, 4999, 9999, Integer.MAX_VALUE, Integer.MIN_VALUE})
  @DisplayName("an unknown code (from a newer sender) counts as INTERNAL")
  void unknownIsInternal(int unknown) {
    assertThat(ErrorCode.fromCode(unknown)).isSameAs(ErrorCode.INTERNAL);
  }

  @Test
  @DisplayName("the wire numbers are pinned: codes are never renumbered")
  void pinnedNumbers() {
    Map<ErrorCode, Integer> expected =
        Map.ofEntries(
            Map.entry(ErrorCode.BAD_REQUEST, 4000),
            Map.entry(ErrorCode.UNAUTHORIZED, 4010),
            Map.entry(ErrorCode.FORBIDDEN, 4030),
            Map.entry(ErrorCode.MOVED, 4210),
            Map.entry(ErrorCode.TOO_MANY_REQUESTS, 4290),
            Map.entry(ErrorCode.NOT_FOUND, 4040),
            Map.entry(ErrorCode.CONFLICT, 4090),
            Map.entry(ErrorCode.PRECONDITION_FAILED, 4120),
            Map.entry(ErrorCode.GONE, 4100),
            Map.entry(ErrorCode.PAYLOAD_TOO_LARGE, 4130),
            Map.entry(ErrorCode.INTERNAL, 5000),
            Map.entry(ErrorCode.UNAVAILABLE, 5030),
            Map.entry(ErrorCode.OVERLOADED, 5031),
            Map.entry(ErrorCode.TIMEOUT, 5040));

    assertThat(ErrorCode.values()).hasSize(expected.size());
    expected.forEach((code, number) -> assertThat(code.code()).as(code.name()).isEqualTo(number));
  }

  @Test
  @DisplayName("no two error codes share a number")
  void distinctNumbers() {
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).doesNotHaveDuplicates();
  }
}
