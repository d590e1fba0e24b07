package dev.troupe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Bridge frames")
class BridgeFramesTest {
  private static final JsonObject PING = new JsonObject().put("type", "ping");
  private static final JsonObject SEND =
      new JsonObject()
          .put("type", "send")
          .put("address", "troupe.request.v1")
          .put("body", new JsonObject().put("title", "Dune – 1965"));

  private static Buffer raw(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer().appendInt(bytes.length).appendBytes(bytes);
  }

  @Test
  @DisplayName("a frame is a 4-byte big-endian length, then the JSON object in UTF-8")
  void encodes() {
    Buffer frame = BridgeFrames.encode(SEND);
    byte[] json = SEND.encode().getBytes(StandardCharsets.UTF_8);
    assertThat(frame.getInt(0)).isEqualTo(json.length);
    assertThat(frame.getBytes(4, frame.length())).isEqualTo(json);
    assertThat(frame.getByte(0)).isZero();
  }

  @Test
  @DisplayName("frames are read whole, however the stream is cut")
  void readsAcrossChunks() {
    Buffer stream = BridgeFrames.encode(SEND).appendBuffer(BridgeFrames.encode(PING));
    BridgeFrames.Reader reader = new BridgeFrames.Reader(1024);
    List<JsonObject> frames = new ArrayList<>();
    for (int i = 0; i < stream.length(); i++) {
      frames.addAll(reader.accept(stream.getBuffer(i, i + 1)));
      if (i < BridgeFrames.encode(SEND).length() - 1) {
        assertThat(frames).isEmpty();
      }
    }
    assertThat(frames).containsExactly(SEND, PING);
    assertThat(reader.pendingBytes()).isZero();
    assertThat(new BridgeFrames.Reader(1024).accept(stream)).containsExactly(SEND, PING);
  }

  @Test
  @DisplayName("a frame announcing more than the limit is refused from its length")
  void refusesLargeFrames() {
    BridgeFrames.Reader reader = new BridgeFrames.Reader(16);
    assertThatThrownBy(() -> reader.accept(Buffer.buffer().appendInt(17)))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("announced 17 bytes; at most 16");
    assertThatThrownBy(() -> new BridgeFrames.Reader(16).accept(Buffer.buffer().appendInt(-1)))
        .hasMessageContaining("announced 4294967295 bytes");
  }

  @Test
  @DisplayName("a frame that is not one strict JSON object is refused")
  void refusesWhatIsNotStrictJson() {
    assertThatThrownBy(() -> new BridgeFrames.Reader(1024).accept(raw("{\"a\":1,\"a\":2}")))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("Duplicate field");
    assertThatThrownBy(() -> new BridgeFrames.Reader(1024).accept(raw("[1]")))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> new BridgeFrames.Reader(1024).accept(raw("{/*c*/}")))
        .isInstanceOf(DecodeException.class);
  }
}
