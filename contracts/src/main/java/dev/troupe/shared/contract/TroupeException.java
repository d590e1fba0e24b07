package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A failure with an {@link ErrorCode} and a message that is safe to show to a client. Services fail
 * futures with it, and their {@code ActionRouter} turns it into a reply failure; the JVM client
 * ({@code troupe-client}) fails its calls with it. A subclass adds what a caller acts on beyond the
 * message ({@link ChangeLogGone#earliest()}); its code says what it is.
 */
public class TroupeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;
  private final String stage;

  public TroupeException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public TroupeException(ErrorCode code, String message, Throwable cause) {
    this(code, null, message, cause);
  }

  /**
   * A failure of pipeline stage {@code stage} (a name of {@code dev.troupe.shared.metrics.Stages});
   * null when no stage is named.
   */
  public TroupeException(ErrorCode code, String stage, String message, Throwable cause) {
    super(message, cause, false, cause != null);
    this.code = Objects.requireNonNull(code);
    this.stage = stage;
  }

  public ErrorCode code() {
    return code;
  }

  /** The pipeline stage that failed, or null. */
  public String stage() {
    return stage;
  }

  public static TroupeException badRequest(String message) {
    return new TroupeException(ErrorCode.BAD_REQUEST, message);
  }

  public static TroupeException notFound(String message) {
    return new TroupeException(ErrorCode.NOT_FOUND, message);
  }

  public static TroupeException preconditionFailed(String message) {
    return new TroupeException(ErrorCode.PRECONDITION_FAILED, message);
  }
}
