package dev.troupe.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Settings.load from YAML and environment")
class SettingsLoadTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path file = dir.resolve("troupe.yaml");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  @DisplayName("without TROUPE_CONFIG only TROUPE_ environment variables are read")
  void environmentOnly() {
    Settings s =
        Settings.load(Map.of("TROUPE_HTTP_PORT", "9000", "PATH", "/usr/bin", "HOME", "/root"));

    assertThat(s.asMap()).containsOnly(Map.entry("TROUPE_HTTP_PORT", "9000"));
  }

  @Test
  @DisplayName("nested YAML keys become flat TROUPE_ keys")
  void nestedKeys() throws IOException {
    Path file =
        yaml(
            """
        http:
          port: 9090
          host: 0.0.0.0
        cluster:
          name: prod
        """);

    Settings s = Settings.load(Map.of("TROUPE_CONFIG", file.toString()));

    assertThat(s.integer("TROUPE_HTTP_PORT", 8080, 0, 65535)).isEqualTo(9090);
    assertThat(s.string("TROUPE_HTTP_HOST", "127.0.0.1")).isEqualTo("0.0.0.0");
    assertThat(s.string("TROUPE_CLUSTER_NAME", "troupe")).isEqualTo("prod");
  }

  @Test
  @DisplayName("flat TROUPE_ keys in YAML are kept as written")
  void flatKeys() throws IOException {
    Path file =
        yaml(
            """
        TROUPE_HTTP_PORT: 9191
        TROUPE_CLUSTER_PORT_AUTO_INCREMENT: true
        """);

    Settings s = Settings.load(Map.of("TROUPE_CONFIG", file.toString()));

    assertThat(s.optional("TROUPE_HTTP_PORT")).isEqualTo("9191");
    assertThat(s.bool("TROUPE_CLUSTER_PORT_AUTO_INCREMENT", false)).isTrue();
  }

  @Test
  @DisplayName("dashes and dots in YAML keys become underscores and lists become comma lists")
  void dashesDotsAndLists() throws IOException {
    Path file =
        yaml(
            """
        cluster:
          failure-timeout-seconds: 20
          members:
            - 10.0.0.1:5701
            - 10.0.0.2:5701
        gateway.timeout-ms: 1500
        """);

    Settings s = Settings.load(Map.of("TROUPE_CONFIG", file.toString()));

    assertThat(s.optional("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS")).isEqualTo("20");
    assertThat(s.list("TROUPE_CLUSTER_MEMBERS", null))
        .containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(s.optional("TROUPE_GATEWAY_TIMEOUT_MS")).isEqualTo("1500");
  }

  @Test
  @DisplayName("an environment variable overrides the same key from YAML, other YAML keys stay")
  void environmentOverridesYaml() throws IOException {
    Path file =
        yaml(
            """
        http:
          port: 9090
          host: 10.1.1.1
        """);

    Settings s =
        Settings.load(Map.of("TROUPE_CONFIG", file.toString(), "TROUPE_HTTP_PORT", "7070"));

    assertThat(s.optional("TROUPE_HTTP_PORT")).isEqualTo("7070");
    assertThat(s.optional("TROUPE_HTTP_HOST")).isEqualTo("10.1.1.1");
  }

  @Test
  @DisplayName("an empty YAML file contributes nothing")
  void emptyFile() throws IOException {
    Path file = yaml("");

    Settings s = Settings.load(Map.of("TROUPE_CONFIG", file.toString()));

    assertThat(s.asMap()).containsOnlyKeys("TROUPE_CONFIG");
  }

  @Test
  @DisplayName("a TROUPE_CONFIG naming a missing file fails clearly with the key and the path")
  void missingFile() {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> Settings.load(Map.of("TROUPE_CONFIG", missing.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CONFIG")
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("not a readable file");
  }

  @Test
  @DisplayName("a TROUPE_CONFIG naming a directory fails as not a readable file")
  void directory() {
    assertThatThrownBy(() -> Settings.load(Map.of("TROUPE_CONFIG", dir.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a readable file");
  }

  @Test
  @DisplayName("invalid YAML fails clearly naming the file")
  void invalidYaml() throws IOException {
    Path file = yaml("http: [unclosed\n  port: : 1\n");

    assertThatThrownBy(() -> Settings.load(Map.of("TROUPE_CONFIG", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("is not valid YAML");
  }

  @Test
  @DisplayName("YAML whose top is not a mapping fails clearly")
  void topLevelNotAMapping() throws IOException {
    Path file = yaml("- a\n- b\n");

    assertThatThrownBy(() -> Settings.load(Map.of("TROUPE_CONFIG", file.toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must hold a YAML mapping");
  }
}
