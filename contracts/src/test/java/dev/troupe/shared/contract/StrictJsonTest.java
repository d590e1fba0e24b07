package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one JSON reader: RFC 8259 only, from well-formed UTF-8 only, through every Vert.x codec path.
 */
@DisplayName("Strict JSON")
class StrictJsonTest {
  @BeforeAll
  static void strict() {
    StrictJson.install();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "/* c */ {\"a\":1}",
        "{\"a\":1} // c",
        "{\"a\":1} /* c */",
        "# c\n{\"a\":1}",
        "{\"a\":1,}",
        "[1,2,]",
        "[1,,2]",
        "{'a':1}",
        "{\"a\":'x'}",
        "{a:1}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":-Infinity}",
        "{\"a\":01}",
        "{\"a\":+1}",
        "{\"a\":.5}",
        "{\"a\":1.}",
        "{\"a\":\"\\x\"}",
        "{\"a\":\"tab\there\"}",
        "{\"a\":1,\"a\":2}",
        "{\"o\":{\"b\":1,\"c\":2,\"b\":3}}",
        "{\"a\":1}{\"b\":2}",
        "{\"a\":1} 2",
        "{",
        "{\"a\":}",
        "nul",
        "{\"a\":tru}",
        ""
      })
  @DisplayName("refuses what RFC 8259 does not allow, and duplicate names")
  void refusesNonStandard(String text) {
    Buffer bytes = Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> StrictJson.value(bytes))
        .isInstanceOf(DecodeException.class)
        .hasMessageStartingWith("not valid JSON");
    // The same reader is under every Vert.x codec: strings, buffers, arrays.
    assertThatThrownBy(() -> new JsonObject(text)).isInstanceOf(DecodeException.class);
    assertThatThrownBy(bytes::toJsonValue).isInstanceOf(DecodeException.class);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "80", // a continuation byte with no sequence open
        "c080",
        "c1bf", // 2-byte overlong forms
        "e08080",
        "e09fbf", // 3-byte overlong forms
        "f0808080",
        "f08fbfbf", // 4-byte overlong forms
        "eda080",
        "edbfbf", // UTF-16 surrogates encoded on their own
        "f4908080",
        "f5808080",
        "ff",
        "fe", // past U+10FFFF, or never used
        "e282",
        "f09f98",
        "c3", // cut short
        "c328",
        "e228a1", // a continuation byte missing
      })
  @DisplayName("refuses bytes that are not well-formed UTF-8, wherever they are")
  void refusesInvalidUtf8(String hex) {
    byte[] bad = HexFormat.of().parseHex(hex);
    Buffer inString = Buffer.buffer("{\"a\":\"x").appendBytes(bad).appendString("y\"}");
    Buffer inName = Buffer.buffer("{\"").appendBytes(bad).appendString("\":1}");
    for (Buffer bytes : new Buffer[] {inString, inName}) {
      assertThatThrownBy(() -> StrictJson.value(bytes))
          .isInstanceOf(DecodeException.class)
          .hasMessage("not valid UTF-8");
      assertThatThrownBy(() -> StrictJson.checkObject(bytes, 0, bytes.length()))
          .isInstanceOf(DecodeException.class)
          .hasMessage("not valid UTF-8");
    }
    assertThat(Utf8.isValid(bad)).isFalse();
  }

  @Test
  @DisplayName("refuses a leading byte order mark, which RFC 8259 forbids sending")
  void refusesByteOrderMark() {
    Buffer bom = Buffer.buffer(HexFormat.of().parseHex("efbbbf")).appendString("{\"a\":1}");
    assertThatThrownBy(() -> StrictJson.value(bom)).hasMessageContaining("byte order mark");
    assertThatThrownBy(() -> StrictJson.checkObject(bom, 0, bom.length()))
        .hasMessageContaining("byte order mark");
  }

  @Test
  @DisplayName(
      "a stream checked piece by piece is judged as the whole: sequences may span pieces, not end the stream")
  void streams() {
    byte[] smile = "a😀é€".getBytes(StandardCharsets.UTF_8);
    Utf8 scan = new Utf8();
    for (byte b : smile) {
      assertThat(scan.accept(b)).isTrue();
    }
    assertThat(scan.atBoundary()).isTrue();
    scan.accept(smile[1]);
    assertThat(scan.atBoundary()).as("inside a 4-byte sequence").isFalse();
    scan.reset();
    assertThat(scan.atBoundary()).isTrue();
  }

  @Test
  @DisplayName(
      "accepts every RFC 8259 form: all value types, escapes, any Unicode, whitespace around")
  void acceptsStandard() {
    String text =
        " \t\r\n{\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\ud83d\\ude00😀é€\",\"n\":-0.5e-3,\"i\":0,"
            + "\"big\":123456789012345678901234567890,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,[],{}],"
            + "\"\":1,\"o\":{\"s\":{\"s\":1}}}\n";
    JsonObject object = StrictJson.object(Buffer.buffer(text));
    assertThat(object.getString("s")).isEqualTo("a\"\\/\b\f\n\r\tA😀😀é€");
    assertThat(object.getJsonArray("a"))
        .isEqualTo(new JsonArray().add(1).add(new JsonArray()).add(new JsonObject()));
    assertThat(object.getInteger("")).isEqualTo(1);
    // The same name in two different objects is no duplicate.
    assertThat(object.getJsonObject("o").getJsonObject("s").getInteger("s")).isEqualTo(1);
    assertThat(StrictJson.value(Buffer.buffer("[1,\"x\"]")))
        .isEqualTo(new JsonArray().add(1).add("x"));
    assertThat(StrictJson.value(Buffer.buffer("\"x\""))).isEqualTo("x");
    int length = text.getBytes(StandardCharsets.UTF_8).length;
    StrictJson.checkObject(Buffer.buffer("xx" + text + "yy"), 2, length + 2);
  }

  @Test
  @DisplayName("decimals stay exact, however many digits or however large")
  void exactNumbers() {
    JsonObject object =
        StrictJson.object(
            Buffer.buffer("{\"a\":0.1000000000000000055511151231257827,\"b\":1e400}"));
    assertThat(object.getValue("a"))
        .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
    assertThat(object.getValue("b")).isEqualTo(new BigDecimal("1e400"));
  }

  @Test
  @DisplayName("a value that is not an object, where an object is expected, is refused as such")
  void objectOnly() {
    assertThatThrownBy(() -> StrictJson.object(Buffer.buffer("[1]")))
        .hasMessage("not a JSON object");
    assertThatThrownBy(() -> StrictJson.checkObject(Buffer.buffer("[1]"), 0, 3))
        .hasMessage("not a JSON object");
    assertThatThrownBy(() -> StrictJson.checkObject(Buffer.buffer("{} {}"), 0, 5))
        .hasMessageStartingWith("not valid JSON");
    assertThatThrownBy(() -> StrictJson.checkObject(Buffer.buffer("{\"a\":1,\"a\":1}"), 0, 13))
        .hasMessageContaining("Duplicate field 'a'");
  }
}
