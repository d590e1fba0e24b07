package dev.troupe.cache;

import com.hazelcast.map.EntryProcessor;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link FillIfNewer} for a batch: run by {@code IMap.submitToKeys}, so a batch of fills is one
 * operation per partition instead of one per key. Each key gets its own candidate and time to live.
 */
final class FillManyIfNewer implements EntryProcessor<String, CachedLookup, Boolean> {
  private static final long serialVersionUID = 1L;

  /** What to store under one key, and for how long. */
  record Candidate(CachedLookup entry, long ttlSeconds) implements Serializable {}

  private final HashMap<String, Candidate> candidates;

  FillManyIfNewer(Map<String, Candidate> candidates) {
    this.candidates = new HashMap<>(candidates);
  }

  @Override
  public Boolean process(Map.Entry<String, CachedLookup> entry) {
    Candidate candidate = candidates.get(entry.getKey());
    return candidate != null && FillIfNewer.fill(entry, candidate.entry(), candidate.ttlSeconds());
  }
}
