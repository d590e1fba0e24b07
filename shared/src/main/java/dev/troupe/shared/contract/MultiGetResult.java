package dev.troupe.shared.contract;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link MultiGet}: the documents found by id (in the order asked), the ids that do
 * not exist, and, only for a partial read, the parts that failed.
 */
public record MultiGetResult(
    Map<String, Document> found, List<String> missing, List<FailedPart> failed) {
  public MultiGetResult {
    found = Collections.unmodifiableMap(new LinkedHashMap<>(found));
    missing = List.copyOf(missing);
    failed = List.copyOf(failed);
  }

  /**
   * Ids whose part of the read failed with {@code code}; {@code message} is safe to show a client.
   */
  public record FailedPart(List<String> ids, ErrorCode code, String message) {
    public FailedPart {
      ids = List.copyOf(ids);
    }
  }
}
