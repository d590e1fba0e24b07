package dev.troupe.cache;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stores an entry only if it describes a newer version than the cached one, atomically on the key's
 * partition owner. A slow read-fill that lost a race against a write therefore never puts an older
 * version back. Absences get their own, shorter time to live.
 */
final class FillIfNewer implements EntryProcessor<String, CachedLookup, Boolean> {
  private static final long serialVersionUID = 1L;

  private final CachedLookup candidate;
  private final long ttlSeconds;

  FillIfNewer(CachedLookup candidate, long ttlSeconds) {
    this.candidate = candidate;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Boolean process(Map.Entry<String, CachedLookup> entry) {
    return fill(entry, candidate, ttlSeconds);
  }

  /** Stores {@code candidate} in {@code entry} if it is newer; true when it did. */
  static boolean fill(Map.Entry<String, CachedLookup> entry, CachedLookup candidate, long ttlSeconds) {
    if (candidate == null || !candidate.isNewerThan(entry.getValue())) {
      return false;
    }
    if (entry instanceof ExtendedMapEntry<String, CachedLookup> extended) {
      extended.setValue(candidate, ttlSeconds, TimeUnit.SECONDS);
    } else {
      entry.setValue(candidate);
    }
    return true;
  }
}
