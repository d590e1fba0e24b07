package dev.troupe.shared.contract;

/**
 * The body of db-service's {@code changes}: the committed changes with a sequence number above
 * {@code since}, at most {@code limit} of them.
 */
public record ChangesQuery(long since, int limit) {
  /** The page size when the caller names none. */
  public static final int DEFAULT_LIMIT = 100;

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  public ChangesQuery {
    if (since < 0) {
      throw TroupeException.badRequest("since must be an integer >= 0");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw TroupeException.badRequest("limit must be an integer from 1 to " + MAX_LIMIT);
    }
  }
}
