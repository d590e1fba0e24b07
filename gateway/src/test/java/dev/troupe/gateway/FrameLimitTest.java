package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TCP bridge front follows frames across arbitrary chunks of the stream and passes only strict
 * JSON ones.
 */
@DisplayName("FrameLimit")
class FrameLimitTest {
  /**
   * A frame holding a JSON object of exactly {@code length} bytes (at least 8, or 2 for {@code
   * {}}).
   */
  private static Buffer frame(int length) {
    String json = length == 2 ? "{}" : "{\"p\":\"" + "x".repeat(length - 8) + "\"}";
    return Buffer.buffer().appendInt(length).appendString(json);
  }

  private static Buffer frame(byte[] json) {
    return Buffer.buffer().appendInt(json.length).appendBytes(json);
  }

  @Test
  @DisplayName(
      "frames up to the limit pass whole and unchanged, however the stream is cut, and the next too-long length is caught")
  void followsFramesAcrossChunks() {
    Buffer good =
        Buffer.buffer().appendBuffer(frame(10)).appendBuffer(frame(2)).appendBuffer(frame(100));
    Buffer stream = good.copy().appendBuffer(frame(101));
    int end = stream.length();
    for (int cut = 1; cut <= 7; cut++) {
      FrameLimit limit = new FrameLimit(100);
      Buffer relayed = Buffer.buffer();
      Buffer ready = Buffer.buffer();
      int at = 0;
      int caughtAt = -1;
      while (at < end && ready != null) {
        int next = Math.min(end, at + cut);
        ready = limit.accept(stream.getBuffer(at, next));
        if (ready == null) {
          caughtAt = next;
        } else {
          relayed.appendBuffer(ready);
        }
        at = next;
      }
      int tooLongHeaderEnd = good.length() + 4;
      assertThat(ready).as("chunks of %d", cut).isNull();
      assertThat(limit.refusal()).isEqualTo(FrameLimit.Refusal.TOO_LARGE);
      assertThat(caughtAt)
          .as("chunks of %d", cut)
          .isBetween(tooLongHeaderEnd, tooLongHeaderEnd + cut - 1);
      assertThat(relayed).as("chunks of %d", cut).isEqualTo(good);
    }
  }

  @Test
  @DisplayName("a negative length (a length over 2 GiB) is refused")
  void negativeLength() {
    assertThat(new FrameLimit(100).accept(Buffer.buffer().appendInt(-1))).isNull();
    assertThat(new FrameLimit(100).accept(frame(100))).isEqualTo(frame(100));
  }

  @Test
  @DisplayName("a frame is held until it is whole: nothing of it passes before")
  void holdsPartialFrames() {
    FrameLimit limit = new FrameLimit(100);
    Buffer whole = frame(20);
    assertThat(limit.accept(whole.getBuffer(0, 10)).length()).isZero();
    assertThat(limit.accept(whole.getBuffer(10, whole.length()))).isEqualTo(whole);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "7b2261223a22c080227d",
        "7b2261223a22eda080227d",
        "7b2261223a22ff227d",
        "7b2261223a22e282227d"
      })
  @DisplayName("a frame whose bytes are not UTF-8 is refused as such")
  void utf8PerFrame(String hex) {
    FrameLimit limit = new FrameLimit(100);
    assertThat(limit.accept(frame(2).appendBuffer(frame(HexFormat.of().parseHex(hex))))).isNull();
    assertThat(limit.refusal()).isEqualTo(FrameLimit.Refusal.NOT_JSON);
    assertThat(limit.reason()).isEqualTo("not valid UTF-8");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "/* c */ {}",
        "{} // c",
        "{\"a\":1,}",
        "{\"a\":1,\"a\":2}",
        "{'a':1}",
        "{a:1}",
        "{\"a\":NaN}",
        "{} {}",
        "[1]",
        "\"s\"",
        "{",
        "{\"a\":"
      })
  @DisplayName("a frame that is not one RFC 8259 JSON object is refused, however it is cut")
  void strictJsonPerFrame(String json) {
    Buffer stream = frame(2).appendBuffer(frame(json.getBytes(StandardCharsets.UTF_8)));
    for (int cut = 1; cut <= stream.length(); cut++) {
      FrameLimit limit = new FrameLimit(100);
      Buffer ready = Buffer.buffer();
      for (int at = 0; at < stream.length() && ready != null; at += cut) {
        ready = limit.accept(stream.getBuffer(at, Math.min(stream.length(), at + cut)));
      }
      assertThat(ready).as("chunks of %d", cut).isNull();
      assertThat(limit.refusal()).isEqualTo(FrameLimit.Refusal.NOT_JSON);
      assertThat(limit.reason()).startsWith("not");
    }
  }
}
