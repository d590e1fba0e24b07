package dev.troupe.shared.contract;

/**
 * A change feed was asked to resume from a position the change log no longer covers: retention
 * removed changes after it. {@link #earliest()} is the first seq the log still holds; a consumer
 * reads again what it needs (the documents themselves), then follows from {@code earliest() - 1}.
 * Its code is {@link ErrorCode#GONE}; the gateway answers it as a 410 problem with the same {@code
 * earliest}.
 */
public final class ChangeLogGone extends TroupeException {
  private static final long serialVersionUID = 1L;
  private final long since;
  private final long earliest;

  public ChangeLogGone(long since, long earliest) {
    super(
        ErrorCode.GONE,
        "the change log no longer holds every change after position "
            + since
            + "; the earliest it holds is "
            + earliest
            + ": read the documents again, then follow from "
            + (earliest - 1));
    this.since = since;
    this.earliest = earliest;
  }

  /** The position that was asked for. */
  public long since() {
    return since;
  }

  /** The first seq the change log still holds. */
  public long earliest() {
    return earliest;
  }
}
