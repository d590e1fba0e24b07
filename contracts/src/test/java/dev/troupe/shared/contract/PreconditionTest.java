package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Precondition")
class PreconditionTest {
  private static final DocKey KEY = DocKey.of("users", "alice");

  /**
   * Every kind of precondition against an absent document (stored 0) and stored versions 3 and 4.
   * {@code ifMatch} empty means no If-Match version.
   */
  @ParameterizedTest(name = "ifMatch={0} mustExist={1} mustNotExist={2} stored={3} -> {4}")
  @CsvSource({
    // none
    ",  false, false, 0, ok",
    ",  false, false, 3, ok",
    // If-Match "3"
    "3, false, false, 3, ok",
    "3, false, false, 4, failed",
    "3, false, false, 0, failed",
    // If-Match *
    ",  true,  false, 3, ok",
    ",  true,  false, 0, failed",
    // If-None-Match *
    ",  false, true,  0, ok",
    ",  false, true,  3, failed",
    // If-Match * and a version together
    "3, true,  false, 3, ok",
    "3, true,  false, 4, failed",
    "3, true,  false, 0, failed",
  })
  @DisplayName("check passes or fails with PRECONDITION_FAILED for every combination")
  void check(Long ifMatch, boolean mustExist, boolean mustNotExist, long stored, String outcome) {
    Precondition p = new Precondition(ifMatch, mustExist, mustNotExist);

    if (outcome.equals("ok")) {
      assertThatCode(() -> p.check(KEY, stored)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> p.check(KEY, stored))
          .isInstanceOfSatisfying(
              TroupeException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED))
          .hasMessageContaining("users/alice");
    }
  }

  @Test
  @DisplayName("a failed If-Match says the stored and the expected version")
  void ifMatchMessage() {
    assertThatThrownBy(() -> Precondition.ifMatch(3).check(KEY, 4))
        .hasMessage("users/alice is at version 4, not 3");
    assertThatThrownBy(() -> Precondition.ifMatch(3).check(KEY, 0))
        .hasMessage("users/alice does not exist");
  }

  @Test
  @DisplayName("a failed If-None-Match: * says the document already exists at its version")
  void ifNoneMatchMessage() {
    assertThatThrownBy(() -> Precondition.ifNoneMatchAny().check(KEY, 2))
        .hasMessage("users/alice already exists (version 2)");
  }

  @ParameterizedTest(name = "ifMatch={0} mustExist={1}")
  @CsvSource({
    ",  true",
    "3, false",
    "3, true",
  })
  @DisplayName("the constructor rejects If-None-Match: * combined with any If-Match as BAD_REQUEST")
  void rejectsNoneMatchWithMatch(Long ifMatch, boolean mustExist) {
    assertThatThrownBy(() -> new Precondition(ifMatch, mustExist, true))
        .isInstanceOfSatisfying(
            TroupeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining("If-None-Match");
  }

  @Test
  @DisplayName("isNone is true only for the empty precondition")
  void isNone() {
    assertThat(Precondition.NONE.isNone()).isTrue();
    assertThat(new Precondition(null, false, false).isNone()).isTrue();
    assertThat(Precondition.ifMatch(1).isNone()).isFalse();
    assertThat(new Precondition(null, true, false).isNone()).isFalse();
    assertThat(Precondition.ifNoneMatchAny().isNone()).isFalse();
  }

  @Test
  @DisplayName("the factories build the documented preconditions")
  void factories() {
    assertThat(Precondition.ifMatch(7)).isEqualTo(new Precondition(7L, false, false));
    assertThat(Precondition.ifNoneMatchAny()).isEqualTo(new Precondition(null, false, true));
  }
}
