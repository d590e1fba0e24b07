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
    Map<String, Document> found, List<String> missing, List<FailedPart> failed)
    implements MultiGetReply {
  public MultiGetResult {
    found = Collections.unmodifiableMap(new LinkedHashMap<>(found));
    missing = List.copyOf(missing);
    failed = List.copyOf(failed);
  }

  @Override
  public MultiGetResult decoded() {
    return this;
  }

  @Override
  public EncodedMultiGetResult encoded() {
    Map<String, String> texts = new LinkedHashMap<>(found.size() * 2);
    found.forEach((id, doc) -> texts.put(id, StoredDoc.of(doc).envelope()));
    return new EncodedMultiGetResult(texts, missing, failed);
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
