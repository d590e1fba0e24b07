package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Request ids")
class RequestIdsTest {
  @Test
  @DisplayName("are distinct random (version 4, IETF variant) UUIDs")
  void newIdsAreVersion4Uuids() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String id = RequestIds.newId();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.toString()).isEqualTo(id);
      assertThat(seen.add(id)).as("id %s repeated", id).isTrue();
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "/api/v1/docs/a/../b",
        "/api/v1/docs/./b",
        "/api/v1/docs/b/..",
        "/api/v1/docs/b/.",
        "/..",
        "/api/v1/docs/%2e%2e/b",
        "/api/v1/docs/%2E./b",
        "/api/v1/docs/.%2e",
        "/api/v1/docs/%2e/b",
        "/api/v1/docs/a%2Fb",
        "/api/v1/docs/a%2fb",
        "/api/v1/docs/a%5Cb",
        "/api/v1/docs/a%5cb",
        "api/v1/docs/a",
        "*",
        "",
        "/api/v1/docs/%zz",
        "/api/v1/docs/a%2"
      })
  @DisplayName(
      "refuse a target with a dot-segment, an encoded slash or backslash, no leading '/', or a broken escape")
  void refusesTargets(String path) {
    assertThat(RequestIds.refusal(path, path)).isNotNull();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "/api/v1/docs/a/b",
        "/api/v1/docs/a.b/c",
        "/api/v1/docs/a/...",
        "/api/v1/docs/..a/b",
        "/api/v1/docs/a../b",
        "/chat/app.js",
        "/api/v1/docs/a%20b",
        "/openapi.yaml",
        "/"
      })
  @DisplayName("let through paths whose dots or escapes are part of a name")
  void acceptsTargets(String path) {
    assertThat(RequestIds.refusal(path, path)).isNull();
  }

  @Test
  @DisplayName("keep a client's sane id, and replace one that is not")
  void keepsSaneIds() {
    assertThat(RequestIds.idFor("client-1.2:3/x+y=z")).isEqualTo("client-1.2:3/x+y=z");
    for (String insane : new String[] {null, "", "has space", "x".repeat(129), "ünï", "<id>"}) {
      assertThat(RequestIds.idFor(insane)).as(insane).isNotEqualTo(insane).matches("[0-9a-f-]{36}");
    }
  }
}
