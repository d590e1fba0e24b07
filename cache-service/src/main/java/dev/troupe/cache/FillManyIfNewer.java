package dev.troupe.cache;

import com.hazelcast.map.EntryProcessor;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link FillIfNewer} for a batch: run by {@code IMap.submitToKeys}, so a batch of fills is one
 * operation per partition instead of one per key. Each key gets its own candidate.
 */
final class FillManyIfNewer implements EntryProcessor<String, CachedLookup, Boolean> {
  private static final long serialVersionUID = 1L;

  private final HashMap<String, CachedLookup> candidates;
  private final long ttlSeconds;
  private final long negativeTtlSeconds;

  FillManyIfNewer(Map<String, CachedLookup> candidates, long ttlSeconds, long negativeTtlSeconds) {
    this.candidates = new HashMap<>(candidates);
    this.ttlSeconds = ttlSeconds;
    this.negativeTtlSeconds = negativeTtlSeconds;
  }

  @Override
  public Boolean process(Map.Entry<String, CachedLookup> entry) {
    CachedLookup candidate = candidates.get(entry.getKey());
    long ttl = candidate != null && candidate.envelope() == null ? negativeTtlSeconds : ttlSeconds;
    return FillIfNewer.fill(entry, candidate, ttl);
  }
}
