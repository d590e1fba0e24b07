package dev.troupe.client;

import dev.troupe.shared.bus.BusNames;
import dev.troupe.shared.contract.StrictJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames of the TCP event-bus bridge's protocol: a 4-byte big-endian length, then that many
 * bytes of one JSON object in UTF-8. Read with Troupe's strict reader ({@link StrictJson}), as the
 * bridge reads what it is sent.
 */
final class BridgeFrames {
  /** The largest frame a bridge may send the client (a reply of many documents), 256 MiB. */
  static final int MAX_INBOUND_BYTES = 256 * 1024 * 1024;

  private BridgeFrames() {}

  /** A {@code ping} frame: the bridge answers {@code pong}, in order with the other frames. */
  static final Buffer PING = encode(new JsonObject().put("type", "ping"));

  /**
   * A {@code send} frame to {@code address} whose answer goes to {@code replyAddress}, with the
   * action and the attempt's deadline as headers ({@code extra}, if not null, adds its own).
   */
  static JsonObject send(
      String address,
      String replyAddress,
      String action,
      long timeoutMs,
      JsonObject extra,
      JsonObject body) {
    JsonObject headers = new JsonObject().put(BusNames.ACTION, action).put("timeout", timeoutMs);
    if (extra != null) {
      headers.mergeIn(extra);
    }
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("headers", headers)
        .put("body", body);
  }

  /** A {@code register} or {@code unregister} frame ({@code type}) for {@code address}. */
  static Buffer subscription(String type, String address) {
    return encode(new JsonObject().put("type", type).put("address", address));
  }

  /** The bytes of {@code frame} on the wire. */
  static Buffer encode(JsonObject frame) {
    Buffer json = frame.toBuffer();
    return Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json);
  }

  /**
   * Follows the bytes of one connection as they arrive, in chunks of any size, and hands out each
   * frame once it is whole.
   */
  static final class Reader {
    private final int maxBytes;
    private Buffer pending = Buffer.buffer();

    Reader(int maxBytes) {
      this.maxBytes = maxBytes;
    }

    /**
     * The frames {@code bytes} complete, in order (often none).
     *
     * @throws DecodeException when a frame announces more than the limit, or is not one JSON object
     *     in UTF-8: the stream cannot be followed past it
     */
    List<JsonObject> accept(Buffer bytes) {
      pending.appendBuffer(bytes);
      List<JsonObject> frames = new ArrayList<>(1);
      int at = 0;
      while (pending.length() - at >= 4) {
        int length = pending.getInt(at);
        if (length < 0 || length > maxBytes) {
          throw new DecodeException(
              "a bridge frame announced "
                  + Integer.toUnsignedString(length)
                  + " bytes; at most "
                  + maxBytes
                  + " are read");
        }
        if (pending.length() - at - 4 < length) {
          break;
        }
        frames.add(StrictJson.object(pending.slice(at + 4, at + 4 + length)));
        at += 4 + length;
      }
      if (at > 0) {
        pending = pending.getBuffer(at, pending.length());
      }
      return frames;
    }

    /** Bytes received that do not yet make a whole frame. */
    int pendingBytes() {
      return pending.length();
    }
  }
}
