package dev.troupe.gateway;

import dev.troupe.shared.contract.StrictJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;

/**
 * Follows the frames of the TCP bridge protocol (a 4-byte big-endian length, then that many bytes)
 * as they stream by and lets through only frames that may reach the bridge: a frame announcing more
 * than the limit is refused from its length alone, before its bytes arrive; any other frame is held
 * until it is whole, then passed on only if it is one RFC 8259 JSON object in well-formed UTF-8
 * ({@link StrictJson}: no comments or other extensions, no duplicate names). The bridge behind
 * would decode bad bytes with U+FFFD in place of what was sent, and drop a frame it cannot parse
 * without a word to the client; refused here, the client is told why. At most one frame is held per
 * connection, as the bridge itself holds one.
 */
final class FrameLimit {
  /** Why a stream was refused. */
  enum Refusal {
    NONE,
    TOO_LARGE,
    NOT_JSON
  }

  private final int maxBytes;
  private int headerBytes;
  private int length;
  private long remaining;
  private Buffer frame;
  private Refusal refusal = Refusal.NONE;
  private String reason;

  FrameLimit(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Takes the next bytes of the stream and returns the whole frames they complete, to be relayed
   * (often none); null when a frame in them is refused ({@link #refusal()} tells why), and from
   * then on.
   */
  Buffer accept(Buffer bytes) {
    if (refusal != Refusal.NONE) {
      return null;
    }
    Buffer ready = Buffer.buffer();
    int at = 0;
    int end = bytes.length();
    while (at < end) {
      if (frame != null) {
        int take = (int) Math.min(remaining, end - at);
        frame.appendBuffer(bytes, at, take);
        remaining -= take;
        at += take;
        if (remaining == 0 && !pass(ready)) {
          return null;
        }
        continue;
      }
      length = (length << 8) | (bytes.getByte(at++) & 0xff);
      if (++headerBytes == 4) {
        if (length < 0 || length > maxBytes) {
          refusal = Refusal.TOO_LARGE;
          reason = "larger than " + maxBytes + " bytes";
          return null;
        }
        remaining = length;
        frame = Buffer.buffer(length);
        headerBytes = 0;
        length = 0;
        if (remaining == 0 && !pass(ready)) {
          return null;
        }
      }
    }
    return ready;
  }

  Refusal refusal() {
    return refusal;
  }

  /** What was wrong with the refused frame, for the client. */
  String reason() {
    return reason;
  }

  /** Checks the whole frame; appends it to {@code ready} when it may pass. */
  private boolean pass(Buffer ready) {
    try {
      StrictJson.checkObject(frame, 0, frame.length());
    } catch (DecodeException e) {
      refusal = Refusal.NOT_JSON;
      reason = e.getMessage();
      frame = null;
      return false;
    }
    ready.appendInt(frame.length()).appendBuffer(frame);
    frame = null;
    return true;
  }
}
