package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A committed change of one document, as published on {@link DocEvents#ADDRESS}: a write ({@link
 * #PUT}) or a delete ({@link #DELETE}) that took {@code version}, at position {@code seq} of the
 * change log (the {@code seq} of db-service's {@code changes}): a consumer that missed events reads
 * the log from the last {@code seq} it saw. {@code seq} is 0 on an event of a node built before the
 * change log was numbered in commit order (issue 21).
 */
public record DocChange(String op, DocKey key, long version, long seq) {
  public static final String PUT = "put";
  public static final String DELETE = "delete";

  public DocChange {
    if (!PUT.equals(op) && !DELETE.equals(op)) {
      throw TroupeException.badRequest("op must be put or delete, got " + op);
    }
    Objects.requireNonNull(key, "key");
    if (version < 1) {
      throw TroupeException.badRequest("version must be >= 1, got " + version);
    }
    if (seq < 0) {
      throw TroupeException.badRequest("seq must be >= 0, got " + seq);
    }
  }
}
