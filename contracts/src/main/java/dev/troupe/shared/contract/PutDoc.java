package dev.troupe.shared.contract;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Create or replace a document, optionally only if {@code precondition} holds. With an {@code
 * idempotencyKey} the write is applied at most once; the same key again answers the first result
 * (see {@link IdempotencyKeys}).
 */
public record PutDoc(
    DocKey key, JsonObject data, Precondition precondition, String idempotencyKey) {
  public PutDoc {
    Objects.requireNonNull(key, "key");
    if (data == null) {
      throw TroupeException.badRequest("data must be a JSON object");
    }
    precondition = precondition == null ? Precondition.NONE : precondition;
    if (idempotencyKey != null) {
      IdempotencyKeys.require(idempotencyKey);
    }
  }

  /** A write without an idempotency key: applied again if sent again. */
  public PutDoc(DocKey key, JsonObject data, Precondition precondition) {
    this(key, data, precondition, null);
  }
}
