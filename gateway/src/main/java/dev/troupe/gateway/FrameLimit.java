package dev.troupe.gateway;

import dev.troupe.shared.contract.Utf8;
import io.vertx.core.buffer.Buffer;

/**
 * Follows the frames of the TCP bridge protocol (a 4-byte big-endian length, then that many bytes) as
 * they stream by, without buffering them, and tells when a frame announces more than the limit or its
 * bytes are not well-formed UTF-8. Lets the bridge's front refuse an oversized frame from its length
 * alone, before its bytes arrive, and a frame the bridge would decode with U+FFFD in place of what was
 * sent before it reaches the bridge whole.
 */
final class FrameLimit {
  /** Why a stream was refused. */
  enum Refusal { NONE, TOO_LARGE, NOT_UTF8 }

  private final int maxBytes;
  private final Utf8 text = new Utf8();
  private int headerBytes;
  private int length;
  private long remaining;
  private Refusal refusal = Refusal.NONE;

  FrameLimit(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Takes the next bytes of the stream; false when a frame in them announces more than the limit or
   * holds bytes that are not UTF-8 ({@link #refusal()} tells which). Once false, always false.
   */
  boolean accept(Buffer bytes) {
    if (refusal != Refusal.NONE) {
      return false;
    }
    int at = 0;
    int end = bytes.length();
    while (at < end) {
      if (remaining > 0) {
        int take = (int) Math.min(remaining, end - at);
        remaining -= take;
        if (!text.accept(bytes, at, at + take) || (remaining == 0 && !text.atBoundary())) {
          refusal = Refusal.NOT_UTF8;
          return false;
        }
        at += take;
        continue;
      }
      length = (length << 8) | (bytes.getByte(at++) & 0xff);
      if (++headerBytes == 4) {
        if (length < 0 || length > maxBytes) {
          refusal = Refusal.TOO_LARGE;
          return false;
        }
        remaining = length;
        headerBytes = 0;
        length = 0;
        text.reset();
      }
    }
    return true;
  }

  Refusal refusal() {
    return refusal;
  }
}
