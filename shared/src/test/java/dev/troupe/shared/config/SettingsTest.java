package dev.troupe.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Settings typed getters")
class SettingsTest {
  private static final String KEY = "TROUPE_SOME_VALUE";

  private static Settings with(String value) {
    return Settings.of(Map.of(KEY, value));
  }

  @Test
  @DisplayName("an unset key gives the default of every getter")
  void defaults() {
    Settings s = Settings.empty();

    assertThat(s.string(KEY, "d")).isEqualTo("d");
    assertThat(s.optional(KEY)).isNull();
    assertThat(s.integer(KEY, 7, 1, 10)).isEqualTo(7);
    assertThat(s.longValue(KEY, 7L, 1, 10)).isEqualTo(7L);
    assertThat(s.bool(KEY, true)).isTrue();
    assertThat(s.list(KEY, List.of("x"))).containsExactly("x");
  }

  @Test
  @DisplayName("a blank value counts as unset and a set value is trimmed")
  void blankAndTrim() {
    assertThat(with("   ").string(KEY, "d")).isEqualTo("d");
    assertThat(with("   ").integer(KEY, 3, 1, 10)).isEqualTo(3);
    assertThat(with("  hello ").string(KEY, "d")).isEqualTo("hello");
    assertThat(with(" 8 ").integer(KEY, 3, 1, 10)).isEqualTo(8);
  }

  @Test
  @DisplayName("integer accepts the bounds and values inside them")
  void integerInRange() {
    assertThat(with("1").integer(KEY, 5, 1, 65535)).isEqualTo(1);
    assertThat(with("65535").integer(KEY, 5, 1, 65535)).isEqualTo(65535);
    assertThat(with("8080").integer(KEY, 5, 1, 65535)).isEqualTo(8080);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"0", "65536", "-1", "abc", "1.5", "8080x", "99999999999"})
  @DisplayName("integer out of range or not a number fails naming the key and the value")
  void integerRejects(String value) {
    assertThatThrownBy(() -> with(value).integer(KEY, 5, 1, 65535))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(KEY)
        .hasMessageContaining("from 1 to 65535")
        .hasMessageContaining("'" + value + "'");
  }

  @Test
  @DisplayName("longValue reads longs beyond int range and accepts its bounds")
  void longInRange() {
    assertThat(with("600000").longValue(KEY, 1, 1, 600_000)).isEqualTo(600_000L);
    assertThat(with("5000000000").longValue(KEY, 1, 1, Long.MAX_VALUE)).isEqualTo(5_000_000_000L);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"0", "600001", "ten", "2.5"})
  @DisplayName("longValue out of range or not a number fails naming the key")
  void longRejects(String value) {
    assertThatThrownBy(() -> with(value).longValue(KEY, 1, 1, 600_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(KEY)
        .hasMessageContaining("'" + value + "'");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"true", "TRUE", "yes", "on", "1", "True"})
  @DisplayName("bool reads the true spellings")
  void boolTrue(String value) {
    assertThat(with(value).bool(KEY, false)).isTrue();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"false", "FALSE", "no", "off", "0", "Off"})
  @DisplayName("bool reads the false spellings")
  void boolFalse(String value) {
    assertThat(with(value).bool(KEY, true)).isFalse();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"maybe", "2", "y", "enabled"})
  @DisplayName("bool with any other value fails naming the key")
  void boolRejects(String value) {
    assertThatThrownBy(() -> with(value).bool(KEY, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(KEY)
        .hasMessageContaining("'" + value + "'");
  }

  @Test
  @DisplayName("list splits on commas, trims and drops empty items")
  void list() {
    assertThat(with("a:1, b:2 ,,c:3,").list(KEY, List.of())).containsExactly("a:1", "b:2", "c:3");
    assertThat(with("single").list(KEY, List.of())).containsExactly("single");
  }

  @Test
  @DisplayName("of() drops null values and keeps the others")
  void ofDropsNulls() {
    Map<String, String> source = new HashMap<>();
    source.put("TROUPE_A", "1");
    source.put("TROUPE_B", null);

    Settings s = Settings.of(source);

    assertThat(s.asMap()).containsExactly(Map.entry("TROUPE_A", "1"));
  }

  @Test
  @DisplayName("with() returns a copy with the key set or removed, leaving the original alone")
  void withCopies() {
    Settings original = with("1");

    Settings changed = original.with(KEY, "2").with("TROUPE_OTHER", "x");
    Settings removed = original.with(KEY, null);

    assertThat(original.asMap()).containsExactly(Map.entry(KEY, "1"));
    assertThat(changed.asMap()).containsOnly(Map.entry(KEY, "2"), Map.entry("TROUPE_OTHER", "x"));
    assertThat(removed.asMap()).isEmpty();
  }

  @Test
  @DisplayName("asMap cannot be modified")
  void asMapIsReadOnly() {
    Map<String, String> map = with("1").asMap();

    assertThatThrownBy(() -> map.put("TROUPE_X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("toJson then fromJson gives the same settings")
  void jsonRoundTrip() {
    Settings s =
        Settings.of(
            Map.of(
                "TROUPE_HTTP_PORT",
                "9090",
                "TROUPE_CLUSTER_MEMBERS",
                "a:1,b:2",
                "TROUPE_FLAG",
                "true"));

    JsonObject json = s.toJson();
    Settings back = Settings.fromJson(json);

    assertThat(json.getString("TROUPE_HTTP_PORT")).isEqualTo("9090");
    assertThat(back.asMap()).isEqualTo(s.asMap());
    assertThat(back.integer("TROUPE_HTTP_PORT", 0, 0, 65535)).isEqualTo(9090);
  }

  @Test
  @DisplayName("fromJson keeps only TROUPE_ keys and turns other JSON values into strings")
  void fromJsonFilters() {
    JsonObject json =
        new JsonObject()
            .put("TROUPE_HTTP_PORT", 8081)
            .put("TROUPE_FLAG", true)
            .put("TROUPE_NOTHING", (Object) null)
            .put("unrelated", "x");

    Settings s = Settings.fromJson(json);

    assertThat(s.asMap())
        .containsOnly(Map.entry("TROUPE_HTTP_PORT", "8081"), Map.entry("TROUPE_FLAG", "true"));
  }
}
