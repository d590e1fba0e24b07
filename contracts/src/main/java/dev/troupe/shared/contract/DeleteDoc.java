package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * Delete a document, optionally only if {@code precondition} holds. With an {@code idempotencyKey}
 * it is applied at most once; the same key again answers the first result.
 */
public record DeleteDoc(DocKey key, Precondition precondition, String idempotencyKey) {
  public DeleteDoc {
    Objects.requireNonNull(key, "key");
    precondition = precondition == null ? Precondition.NONE : precondition;
    if (precondition.mustNotExist()) {
      throw TroupeException.badRequest("If-None-Match is not supported on delete");
    }
    if (idempotencyKey != null) {
      IdempotencyKeys.require(idempotencyKey);
    }
  }

  /** A delete without an idempotency key. */
  public DeleteDoc(DocKey key, Precondition precondition) {
    this(key, precondition, null);
  }
}
