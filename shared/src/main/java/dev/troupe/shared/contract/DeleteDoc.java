package dev.troupe.shared.contract;

import java.util.Objects;

/** Delete a document, optionally only if {@code precondition} holds. */
public record DeleteDoc(DocKey key, Precondition precondition) {
  public DeleteDoc {
    Objects.requireNonNull(key, "key");
    precondition = precondition == null ? Precondition.NONE : precondition;
    if (precondition.mustNotExist()) {
      throw TroupeException.badRequest("If-None-Match is not supported on delete");
    }
  }
}
