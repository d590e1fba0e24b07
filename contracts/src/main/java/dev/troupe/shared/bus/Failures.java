package dev.troupe.shared.bus;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;

/** Classifies any failure into an {@link ErrorCode} and a message that is safe to show a client. */
public final class Failures {
  private Failures() {}

  public static ErrorCode code(Throwable failure) {
    if (failure instanceof TroupeException te) {
      return te.code();
    }
    if (failure instanceof BusFault fault) {
      return fault.code();
    }
    if (failure instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> ErrorCode.fromCode(re.failureCode());
        case TIMEOUT -> ErrorCode.TIMEOUT;
        case NO_HANDLERS -> ErrorCode.UNAVAILABLE;
        case ERROR -> ErrorCode.UNAVAILABLE;
      };
    }
    if (failure instanceof DecodeException || failure instanceof ClassCastException) {
      return ErrorCode.BAD_REQUEST;
    }
    return ErrorCode.INTERNAL;
  }

  /**
   * The client-safe text for a failure; internal faults get a generic text (the cause is logged).
   */
  public static String message(Throwable failure) {
    if (failure instanceof TroupeException te) {
      return te.getMessage();
    }
    if (failure instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return re.getMessage();
      }
      return re.failureType() == ReplyFailure.TIMEOUT
          ? "a downstream service did not answer in time"
          : "a downstream service is not available";
    }
    if (failure instanceof DecodeException) {
      return "malformed JSON";
    }
    if (failure instanceof ClassCastException) {
      return "a field has the wrong type";
    }
    return "internal error";
  }

  /** The pipeline stage a failure names, or null: read from the failure, never from its text. */
  public static String stage(Throwable failure) {
    if (failure instanceof TroupeException te) {
      return te.stage();
    }
    if (failure instanceof BusFault fault) {
      return fault.stage();
    }
    return null;
  }

  /** A failure as a {@link TroupeException}, keeping its code, stage and client-safe message. */
  public static TroupeException normalise(Throwable failure) {
    if (failure instanceof TroupeException te) {
      return te;
    }
    return new TroupeException(code(failure), stage(failure), message(failure), failure);
  }

  /** The structured reply a service sends for {@code failure} (its {@code ActionRouter} does). */
  public static BusFault fault(Throwable failure) {
    if (failure instanceof BusFault fault) {
      return fault;
    }
    return new BusFault(code(failure), stage(failure), message(failure));
  }
}
