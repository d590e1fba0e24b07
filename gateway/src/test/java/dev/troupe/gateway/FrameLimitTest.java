package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The TCP bridge front follows frame lengths across arbitrary chunks of the stream. */
@DisplayName("FrameLimit")
class FrameLimitTest {
  private static Buffer frame(int length) {
    return Buffer.buffer().appendInt(length).appendBytes(new byte[length]);
  }

  @Test
  @DisplayName("frames up to the limit pass, however the stream is cut, and the next too-long length is caught")
  void followsFramesAcrossChunks() {
    Buffer stream = Buffer.buffer().appendBuffer(frame(10)).appendBuffer(frame(0)).appendBuffer(frame(100))
        .appendBuffer(frame(101));
    int end = stream.length();
    for (int cut = 1; cut <= 7; cut++) {
      FrameLimit limit = new FrameLimit(100);
      boolean ok = true;
      int at = 0;
      int caughtAt = -1;
      while (at < end && ok) {
        int next = Math.min(end, at + cut);
        ok = limit.accept(stream.getBuffer(at, next));
        if (!ok) {
          caughtAt = next;
        }
        at = next;
      }
      int tooLongHeaderEnd = 4 + 10 + 4 + 4 + 100 + 4;
      assertThat(ok).as("chunks of %d", cut).isFalse();
      assertThat(caughtAt).as("chunks of %d", cut).isBetween(tooLongHeaderEnd, tooLongHeaderEnd + cut - 1);
    }
  }

  @Test
  @DisplayName("a negative length (a length over 2 GiB) is refused")
  void negativeLength() {
    assertThat(new FrameLimit(100).accept(Buffer.buffer().appendInt(-1))).isFalse();
    assertThat(new FrameLimit(100).accept(Buffer.buffer().appendInt(100).appendBytes(new byte[100]))).isTrue();
  }

  @Test
  @DisplayName("a frame whose bytes are not UTF-8 is refused as such, even when a character spans two chunks or frames")
  void utf8PerFrame() {
    byte[] euro = "€".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Buffer good = Buffer.buffer().appendInt(3).appendBytes(euro).appendInt(1).appendByte((byte) 'a');
    for (int cut = 1; cut <= good.length(); cut++) {
      FrameLimit limit = new FrameLimit(100);
      for (int at = 0; at < good.length(); at += cut) {
        assertThat(limit.accept(good.getBuffer(at, Math.min(good.length(), at + cut)))).as("chunks of %d", cut).isTrue();
      }
    }
    FrameLimit overlong = new FrameLimit(100);
    assertThat(overlong.accept(Buffer.buffer().appendInt(2).appendByte((byte) 0xC0).appendByte((byte) 0x80))).isFalse();
    assertThat(overlong.refusal()).isEqualTo(FrameLimit.Refusal.NOT_UTF8);
    // A character may not run on past its frame into the next one.
    FrameLimit cutShort = new FrameLimit(100);
    assertThat(cutShort.accept(Buffer.buffer().appendInt(2).appendBytes(euro, 0, 2))).isFalse();
    assertThat(cutShort.refusal()).isEqualTo(FrameLimit.Refusal.NOT_UTF8);
    FrameLimit large = new FrameLimit(100);
    assertThat(large.accept(Buffer.buffer().appendInt(101))).isFalse();
    assertThat(large.refusal()).isEqualTo(FrameLimit.Refusal.TOO_LARGE);
  }
}
