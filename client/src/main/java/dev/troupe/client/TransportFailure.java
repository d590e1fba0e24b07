package dev.troupe.client;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;

/**
 * An attempt that failed on the way, not at a service: it never left the client ({@link
 * Kind#NOT_SENT}, safe to send again whatever the action), or the connection was lost while it
 * waited for its answer ({@link Kind#LOST}: it may have been done). Callers see it as {@link
 * ErrorCode#UNAVAILABLE}.
 */
final class TransportFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  enum Kind {
    NOT_SENT,
    LOST
  }

  private final Kind kind;

  private TransportFailure(Kind kind, String message, Throwable cause) {
    super(message, cause, false, false);
    this.kind = kind;
  }

  static TransportFailure notSent(String message) {
    return new TransportFailure(Kind.NOT_SENT, message, null);
  }

  static TransportFailure notSent(String message, Throwable cause) {
    return new TransportFailure(Kind.NOT_SENT, message, cause);
  }

  static TransportFailure lost(String message) {
    return new TransportFailure(Kind.LOST, message, null);
  }

  Kind kind() {
    return kind;
  }

  TroupeException toTroupeException() {
    return new TroupeException(ErrorCode.UNAVAILABLE, getMessage(), this);
  }
}
