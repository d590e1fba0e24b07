package dev.troupe.shared.contract;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * cache-service's answer to {@code getMany}: what it holds for the ids asked. A document comes as
 * the JSON text of its envelope, exactly as the cache stores it, so that a batch read passes it on
 * to the gateway's response without parsing and encoding it again on every hop; an absence comes as
 * the version it was recorded at. Ids in neither map are misses.
 *
 * <p>The text was encoded by cache-service from a {@link Document} ({@code
 * DocWire.toJson(document)}), never taken from a caller, so receivers may write it out as JSON
 * unchecked.
 */
public record CachedLookups(Map<String, String> envelopes, Map<String, Long> absent) {
  public CachedLookups {
    envelopes = Collections.unmodifiableMap(new LinkedHashMap<>(envelopes));
    absent = Collections.unmodifiableMap(new LinkedHashMap<>(absent));
  }

  /** Whether the cache knows the id, as a document or as an absence. */
  public boolean holds(String id) {
    return envelopes.containsKey(id) || absent.containsKey(id);
  }
}
