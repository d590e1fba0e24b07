package dev.troupe.shared.contract;

import io.vertx.core.buffer.Buffer;

/**
 * Checks that bytes are well-formed UTF-8 (RFC 3629, the Unicode standard's table of well-formed
 * byte sequences): no stray continuation bytes, no sequence cut short, no overlong forms ({@code C0
 * 80}), no encoded surrogates ({@code ED A0 80}), nothing past U+10FFFF. Decoding to a {@code
 * String} first would hide all of these behind U+FFFD, so whatever enters as bytes is checked as
 * bytes.
 *
 * <p>An instance follows a stream across chunk boundaries; {@link #isValid(Buffer)} checks a whole
 * buffer. Neither allocates.
 */
public final class Utf8 {
  /** Continuation bytes still expected by the sequence in progress; 0 between characters. */
  private int pending;

  /** The range the next continuation byte must fall in (narrower after E0, ED, F0, F4). */
  private int low = 0x80;

  private int high = 0xBF;
  private boolean broken;

  /** True when every byte of {@code bytes} is well-formed UTF-8 and no sequence is left open. */
  public static boolean isValid(Buffer bytes) {
    return isValid(bytes, 0, bytes.length());
  }

  /** True when {@code bytes[from, to)} is well-formed UTF-8 and no sequence is left open. */
  public static boolean isValid(Buffer bytes, int from, int to) {
    Utf8 scan = new Utf8();
    return scan.accept(bytes, from, to) && scan.atBoundary();
  }

  /** True when {@code bytes} is well-formed UTF-8 and no sequence is left open. */
  public static boolean isValid(byte[] bytes) {
    Utf8 scan = new Utf8();
    for (byte b : bytes) {
      if (!scan.accept(b)) {
        return false;
      }
    }
    return scan.atBoundary();
  }

  /**
   * Takes the next bytes of the stream; false once the stream holds a byte that is not well-formed.
   */
  public boolean accept(Buffer bytes, int from, int to) {
    for (int i = from; i < to && !broken; i++) {
      accept(bytes.getByte(i));
    }
    return !broken;
  }

  /**
   * Takes the next byte of the stream; false once the stream holds a byte that is not well-formed.
   */
  public boolean accept(byte value) {
    if (broken) {
      return false;
    }
    int b = value & 0xFF;
    if (pending > 0) {
      if (b < low || b > high) {
        broken = true;
        return false;
      }
      pending--;
      low = 0x80;
      high = 0xBF;
      return true;
    }
    if (b < 0x80) {
      return true;
    }
    if (b >= 0xC2 && b <= 0xDF) {
      pending = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      pending = 2;
      if (b == 0xE0) {
        low = 0xA0; // below: an overlong form of a 2-byte character
      } else if (b == 0xED) {
        high = 0x9F; // above: a UTF-16 surrogate, which is not a character
      }
    } else if (b >= 0xF0 && b <= 0xF4) {
      pending = 3;
      if (b == 0xF0) {
        low = 0x90; // below: an overlong form of a 3-byte character
      } else if (b == 0xF4) {
        high = 0x8F; // above: past U+10FFFF
      }
    } else {
      // 80..BF with no sequence open, C0/C1 (always overlong), F5..FF (never used).
      broken = true;
      return false;
    }
    return true;
  }

  /** True between characters: nothing broken and no sequence left open. */
  public boolean atBoundary() {
    return !broken && pending == 0;
  }

  /** Starts over, for the next independent piece of the stream (the next frame, the next line). */
  public void reset() {
    pending = 0;
    low = 0x80;
    high = 0xBF;
    broken = false;
  }
}
