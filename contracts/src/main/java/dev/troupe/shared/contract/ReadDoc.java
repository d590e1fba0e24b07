package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * The body of request-service's {@code get}: the key, and whether the answer carries the document
 * as its envelope text ({@code encoded}, what the gateway asks for: it writes the text out as it
 * is) or as a JSON object (bridge clients and {@code TroupeClient}), like {@link MultiGet}'s.
 */
public record ReadDoc(DocKey key, boolean encoded) {
  public ReadDoc {
    Objects.requireNonNull(key, "key");
  }
}
