package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.TroupeException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("EntityTags")
class EntityTagsTest {

  private static void assertBadRequest(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            TroupeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining(message);
  }

  // ---- writePrecondition
  // -------------------------------------------------------------------------

  @Test
  @DisplayName("no conditional headers give no precondition")
  void noHeaders() {
    assertThat(EntityTags.writePrecondition(null, null)).isEqualTo(Precondition.NONE);
  }

  @ParameterizedTest(name = "If-Match: [{0}]")
  @ValueSource(strings = {"*", " * "})
  @DisplayName("If-Match: * requires the document to exist")
  void ifMatchAny(String header) {
    assertThat(EntityTags.writePrecondition(header, null))
        .isEqualTo(new Precondition(null, true, false));
  }

  @ParameterizedTest(name = "If-Match: [{0}]")
  @ValueSource(strings = {"\"3\"", " \"3\" "})
  @DisplayName("If-Match with one strong ETag requires that version")
  void ifMatchVersion(String header) {
    assertThat(EntityTags.writePrecondition(header, null)).isEqualTo(Precondition.ifMatch(3));
  }

  @Test
  @DisplayName("If-Match accepts a large version")
  void ifMatchLargeVersion() {
    assertThat(EntityTags.writePrecondition("\"9007199254740991\"", null))
        .isEqualTo(Precondition.ifMatch(9007199254740991L));
  }

  @Test
  @DisplayName("If-Match with a weak ETag is rejected: writes need strong comparison")
  void ifMatchWeak() {
    assertBadRequest(() -> EntityTags.writePrecondition("W/\"3\"", null), "one strong ETag");
  }

  @ParameterizedTest(name = "If-Match: [{0}]")
  @ValueSource(strings = {"\"3\", \"4\"", "\"3\",\"3\"", "\"3\","})
  @DisplayName("If-Match with a list of ETags is rejected")
  void ifMatchList(String header) {
    assertBadRequest(() -> EntityTags.writePrecondition(header, null), "If-Match");
  }

  @ParameterizedTest(name = "If-Match: [{0}]")
  @ValueSource(
      strings = {"\"abc\"", "\"0\"", "\"-1\"", "\"\"", "\"3.0\"", "\"99999999999999999999\""})
  @DisplayName("If-Match naming no version of 1 or more is rejected, echoing the tag")
  void ifMatchNotAVersion(String header) {
    String value = header.substring(1, header.length() - 1);

    assertBadRequest(
        () -> EntityTags.writePrecondition(header, null),
        "If-Match must name a version such as \"3\", got \"" + value + "\"");
  }

  @ParameterizedTest(name = "If-Match: [{0}]")
  @ValueSource(strings = {"3", "", "W/3", "\"3", "*, \"3\"", "'3'"})
  @DisplayName("If-Match that is neither * nor quoted ETags is rejected")
  void ifMatchMalformed(String header) {
    assertBadRequest(() -> EntityTags.writePrecondition(header, null), "If-Match");
  }

  @ParameterizedTest(name = "If-None-Match: [{0}]")
  @ValueSource(strings = {"*", "  *  "})
  @DisplayName("If-None-Match: * on a write requires the document not to exist")
  void ifNoneMatchAnyOnWrite(String header) {
    assertThat(EntityTags.writePrecondition(null, header)).isEqualTo(Precondition.ifNoneMatchAny());
  }

  @ParameterizedTest(name = "If-None-Match: [{0}]")
  @ValueSource(strings = {"\"3\"", "W/\"3\"", "\"1\", \"2\"", "", "**"})
  @DisplayName("If-None-Match other than * on a write is rejected")
  void ifNoneMatchOtherOnWrite(String header) {
    assertBadRequest(
        () -> EntityTags.writePrecondition(null, header), "If-None-Match supports only *");
  }

  @ParameterizedTest(name = "If-Match: [{0}] with If-None-Match: *")
  @ValueSource(strings = {"*", "\"3\""})
  @DisplayName("If-Match together with If-None-Match: * is rejected")
  void bothHeaders(String ifMatch) {
    assertBadRequest(() -> EntityTags.writePrecondition(ifMatch, "*"), "If-None-Match");
  }

  // ---- noneMatchHits
  // -----------------------------------------------------------------------------

  @Test
  @DisplayName("no If-None-Match never hits")
  void noneMatchNull() {
    assertThat(EntityTags.noneMatchHits(null, 3)).isFalse();
  }

  @ParameterizedTest(name = "version {0}")
  @ValueSource(longs = {1, 3, 1_000_000})
  @DisplayName("If-None-Match: * hits any version")
  void noneMatchAny(long version) {
    assertThat(EntityTags.noneMatchHits("*", version)).isTrue();
    assertThat(EntityTags.noneMatchHits(" * ", version)).isTrue();
  }

  @ParameterizedTest(name = "If-None-Match: [{0}] at version {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"3\"                   | 3 | true",
        "\"3\"                   | 4 | false",
        "W/\"3\"                 | 3 | true",
        "W/\"3\"                 | 4 | false",
        "\"1\", W/\"3\", \"5\"   | 3 | true",
        "\"1\",\"5\"             | 5 | true",
        "\"1\", W/\"3\", \"5\"   | 4 | false",
        "\"abc\"                 | 3 | false",
        "\"03\"                  | 3 | false",
      })
  @DisplayName(
      "If-None-Match with ETags hits when any tag, weak or strong, names the current version")
  void noneMatchTags(String header, long version, boolean hits) {
    assertThat(EntityTags.noneMatchHits(header.trim(), version)).isEqualTo(hits);
  }

  @ParameterizedTest(name = "If-None-Match: [{0}]")
  @ValueSource(strings = {"3", "\"3\",", "\"3\" \"4\""})
  @DisplayName("a malformed If-None-Match on a read is rejected as BAD_REQUEST")
  void noneMatchMalformed(String header) {
    assertBadRequest(
        () -> EntityTags.noneMatchHits(header, 3),
        "If-None-Match must be * or a list of quoted ETags");
  }
}
