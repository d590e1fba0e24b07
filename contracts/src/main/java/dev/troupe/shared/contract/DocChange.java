package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A committed change of one document, as published on {@link DocEvents#ADDRESS}: a write ({@link
 * #PUT}) or a delete ({@link #DELETE}) that took {@code version}.
 */
public record DocChange(String op, DocKey key, long version) {
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
  }
}
