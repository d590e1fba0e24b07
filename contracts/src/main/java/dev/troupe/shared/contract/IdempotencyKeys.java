package dev.troupe.shared.contract;

import java.util.UUID;

/**
 * Idempotency keys of writes. A write that carries one is applied at most once by db-service: the
 * same key again (a retry after a lost answer, inside Troupe or from a client's {@code
 * Idempotency-Key} header) gets the first result back instead of writing again. That is what makes
 * writes safe to retry.
 */
public final class IdempotencyKeys {
  /** The longest key accepted. */
  public static final int MAX_LENGTH = 255;

  private IdempotencyKeys() {}

  /**
   * {@code key}, or a bad request when it is empty, too long or holds anything but visible ASCII.
   */
  public static String require(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_LENGTH) {
      throw TroupeException.badRequest(
          "an idempotency key must hold 1 to " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw TroupeException.badRequest(
            "an idempotency key may hold only visible ASCII characters");
      }
    }
    return key;
  }

  /** A fresh key, for a write whose client sent none. */
  public static String generate() {
    return UUID.randomUUID().toString();
  }
}
