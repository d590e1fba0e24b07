package dev.troupe.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * Follows the frames of the TCP bridge protocol (a 4-byte big-endian length, then that many bytes) as
 * they stream by, without buffering them, and tells when a frame announces more than the limit. Lets
 * the bridge's front refuse an oversized frame from its length alone, before its bytes arrive.
 */
final class FrameLimit {
  private final int maxBytes;
  private int headerBytes;
  private int length;
  private long remaining;

  FrameLimit(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Takes the next bytes of the stream; false when a frame in them announces more than the limit. */
  boolean accept(Buffer bytes) {
    int at = 0;
    int end = bytes.length();
    while (at < end) {
      if (remaining > 0) {
        int skip = (int) Math.min(remaining, end - at);
        remaining -= skip;
        at += skip;
        continue;
      }
      length = (length << 8) | (bytes.getByte(at++) & 0xff);
      if (++headerBytes == 4) {
        if (length < 0 || length > maxBytes) {
          return false;
        }
        remaining = length;
        headerBytes = 0;
        length = 0;
      }
    }
    return true;
  }
}
