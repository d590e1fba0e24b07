package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Instants (updatedAt without DateTimeFormatter)")
class InstantsTest {
  private static final long MIN = Instant.parse("-1000-01-01T00:00:00Z").getEpochSecond();
  private static final long MAX = Instant.parse("+12000-01-01T00:00:00Z").getEpochSecond();

  @Test
  @DisplayName(
      "formats exactly as Instant.toString and parses back exactly as Instant.parse, at any precision")
  void matchesInstant() {
    Random random = new Random(7);
    for (int n = 0; n < 300_000; n++) {
      long seconds = n % 3 == 0 ? random.nextLong(MIN, MAX) : random.nextLong(0, 4_102_444_800L);
      int nano =
          switch (n % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nano);
      String text = instant.toString();

      assertThat(Instants.format(instant)).isEqualTo(text);
      assertThat(Instants.parse(text)).isEqualTo(instant);
    }
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999Z",
        "1970-01-01T00:00:00Z",
        "2024-02-29T12:00:00Z",
        "2026-01-31T12:00:00.1Z",
        "2026-01-31T12:00:00.12Z",
        "2026-01-31T12:00:00.1234Z",
        "2026-01-31t12:00:00z",
        "2026-01-31T23:59:60Z",
        "2026-01-31T12:00:00+01:00",
        "+10000-01-01T00:00:00Z",
        "2023-02-29T12:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-01-31T24:00:00Z",
        "2026-01-31T12:60:00Z",
        "2026-01-31T12:00:00.Z",
        "2026-01-31T12:00:00.1234567890Z",
        "2026-1-31T12:00:00Z",
        "2026-01-31 12:00:00Z",
        "2026-01-31T12:00:00",
        "20260131T120000Z",
        "2026-01-31T1a:00:00Z",
        "",
        "nonsense",
        "２０２６-01-31T12:00:00Z",
        "2026-01-31T12:00:00.-1Z",
        "-001-01-01T00:00:00Z"
      })
  @DisplayName(
      "any other text gets Instant.parse's answer: the same instant, or a DateTimeParseException")
  void edgeCasesAgreeWithInstantParse(String text) {
    Object expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeParseException e) {
      expected = DateTimeParseException.class;
    }
    Object actual;
    try {
      actual = Instants.parse(text);
    } catch (DateTimeParseException e) {
      actual = DateTimeParseException.class;
    }
    assertThat(actual).isEqualTo(expected);
  }
}
