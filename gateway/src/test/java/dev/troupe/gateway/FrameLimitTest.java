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
}
