package dev.troupe.shared.contract;

import dev.troupe.shared.contract.MultiGetResult.FailedPart;
import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link MultiGet} sent with {@code encoded}: a {@link MultiGetResult} whose found
 * documents are the JSON text of their envelopes, for a caller that writes them out without parsing
 * them (the gateway splices them into its {@code _mget} response). The text comes from Troupe's own
 * services (see {@link CachedLookups}); it is valid JSON of a {@link Document}.
 */
public record EncodedMultiGetResult(
    Map<String, String> found, List<String> missing, List<FailedPart> failed)
    implements MultiGetReply {
  public EncodedMultiGetResult {
    found = Collections.unmodifiableMap(new LinkedHashMap<>(found));
    missing = List.copyOf(missing);
    failed = List.copyOf(failed);
  }

  @Override
  public MultiGetResult decoded() {
    Map<String, Document> docs = new LinkedHashMap<>(found.size() * 2);
    found.forEach((id, text) -> docs.put(id, DocWire.document(new JsonObject(text))));
    return new MultiGetResult(docs, missing, failed);
  }

  @Override
  public EncodedMultiGetResult encoded() {
    return this;
  }
}
