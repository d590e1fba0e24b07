package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A committed delete. {@code version} is the version the delete took: the next write of the same
 * key continues from it, so an ETag of a deleted document never matches a re-created one.
 */
public record DeleteResult(DocKey key, long version) {
  public DeleteResult {
    Objects.requireNonNull(key, "key");
  }
}
