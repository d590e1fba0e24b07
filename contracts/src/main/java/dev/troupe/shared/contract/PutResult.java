package dev.troupe.shared.contract;

import java.util.Objects;

/** The committed document and whether the write created it (HTTP 201) or replaced it (200). */
public record PutResult(Document document, boolean created) {
  public PutResult {
    Objects.requireNonNull(document, "document");
  }
}
