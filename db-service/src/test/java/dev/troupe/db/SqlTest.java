package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.rowset.serial.SerialClob;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link Sql}: statements in a dialect, and values as either driver hands them back. */
@DisplayName("Sql toolkit")
class SqlTest {
  private static final Instant T = Instant.parse("2026-01-31T12:00:00.123Z");

  @Test
  @DisplayName(
      "an IN list is padded to the next power of two, in the dialect, one shape per size class")
  void inLists() {
    Sql numbered = new Sql(s -> s.replace("?", "$"));
    Sql.InList pairs = numbered.inList("SELECT 1 WHERE (a, b) IN (%s)", "(?, ?)");
    assertThat(pairs.sql(1)).isEqualTo("SELECT 1 WHERE (a, b) IN (($, $))");
    assertThat(pairs.sql(3)).isEqualTo("SELECT 1 WHERE (a, b) IN (($, $), ($, $), ($, $), ($, $))");
    assertThat(pairs.sql(3)).isSameAs(pairs.sql(4));
    assertThat(List.of(Sql.slots(0), Sql.slots(1), Sql.slots(2), Sql.slots(5), Sql.slots(1000)))
        .containsExactly(1, 1, 2, 8, 1024);
    assertThat(Sql.padded(List.of("x", "y", "z"))).containsExactly("x", "y", "z", "z");
    assertThat(Sql.padded(List.of("x"))).containsExactly("x");
  }

  @Test
  @DisplayName("only plain lowercase words are composed into a statement as literals")
  void literals() {
    assertThat(Sql.literal("queued")).isEqualTo("'queued'");
    assertThat(Sql.literals(List.of("a", "b_c"))).isEqualTo("('a', 'b_c')");
    for (String bad : List.of("", "it's", "Queued", "a b", "x'); DROP TABLE t; --")) {
      assertThatThrownBy(() -> Sql.literal(bad)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName("a timestamp reads back as the same instant, whichever type the driver returns")
  void instants() {
    OffsetDateTime column = Sql.timestamp(T);
    assertThat(column.getOffset()).isEqualTo(ZoneOffset.UTC);
    assertThat(Sql.instant(column)).isEqualTo(T);
    assertThat(Sql.instant(Timestamp.from(T))).isEqualTo(T);
    assertThat(Sql.instant(LocalDateTime.ofInstant(T, ZoneOffset.UTC))).isEqualTo(T);
    assertThat(Sql.instant(T)).isEqualTo(T);
    assertThat(Sql.optionalInstant(null)).isNull();
    assertThatThrownBy(() -> Sql.instant("2026-01-31")).isInstanceOf(IllegalStateException.class);
    assertThat(Sql.now(java.time.Clock.fixed(T.plusNanos(999_999), ZoneOffset.UTC))).isEqualTo(T);
  }

  @Test
  @DisplayName("a TEXT or JSON column reads the same from a String (PostgreSQL) and a Clob (H2)")
  void textAndJson() throws Exception {
    JsonObject data = new JsonObject().put("title", "Dune").put("n", 1);
    String stored = Sql.jsonColumn(data);
    assertThat(Sql.json(stored)).isEqualTo(data);
    assertThat(Sql.json(new SerialClob(stored.toCharArray()))).isEqualTo(data);
    String big = "x".repeat(20_000);
    assertThat(Sql.text(new SerialClob(big.toCharArray()))).isEqualTo(big);
    assertThat(Sql.text(null)).isNull();
    assertThatThrownBy(() -> Sql.json(null)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Sql.text(42)).isInstanceOf(IllegalStateException.class);
  }
}
