package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Access log line")
class AccessLogTest {
  @Test
  @DisplayName(
      "is one JSON object with the request's fields, and no optional field it does not have")
  void plainLine() {
    String line =
        AccessLog.line(
            "req-1", "GET", "/api/v1/docs/:collection/:id", 200, 161, 0.35, null, null, true);

    assertThat(line).doesNotContain("\n");
    JsonObject json = new JsonObject(line);
    assertThat(json.fieldNames())
        .containsExactly("requestId", "method", "route", "status", "bytes", "durationMs");
    assertThat(json.getString("requestId")).isEqualTo("req-1");
    assertThat(json.getString("method")).isEqualTo("GET");
    assertThat(json.getString("route")).isEqualTo("/api/v1/docs/:collection/:id");
    assertThat(json.getInteger("status")).isEqualTo(200);
    assertThat(json.getLong("bytes")).isEqualTo(161L);
    assertThat(json.getDouble("durationMs")).isEqualTo(0.35);
  }

  @Test
  @DisplayName(
      "escapes quotes, backslashes and control characters, so a hostile value cannot break the line")
  void escapes() {
    String nasty = "a\"b\\c\nd\re\tf\u0000g\u001fh\u2028i\u00e9";
    String line = AccessLog.line(nasty, "PUT", "(none)", 503, 0, 12.0, "MISS", nasty, false);

    assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u2028");
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("requestId")).isEqualTo(nasty);
    assertThat(json.getString("subject")).isEqualTo(nasty);
    assertThat(json.getString("cache")).isEqualTo("MISS");
    assertThat(json.getBoolean("aborted")).isTrue();
    assertThat(json.getDouble("durationMs")).isEqualTo(12.0);
  }
}
