package dev.troupe.shared.contract;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/** Create or replace a document, optionally only if {@code precondition} holds. */
public record PutDoc(DocKey key, JsonObject data, Precondition precondition) {
  public PutDoc {
    Objects.requireNonNull(key, "key");
    if (data == null) {
      throw TroupeException.badRequest("data must be a JSON object");
    }
    precondition = precondition == null ? Precondition.NONE : precondition;
  }
}
