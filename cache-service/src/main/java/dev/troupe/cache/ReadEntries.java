package dev.troupe.cache;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Reads entries where they live: run by {@code IMap.submitToKeys}, it is the asynchronous
 * {@code getAll} that Hazelcast's IMap lacks, one operation per partition rather than one per key.
 * Read-only, so no backup is written and no entry is locked.
 */
final class ReadEntries implements EntryProcessor<String, CachedLookup, CachedLookup>, ReadOnly {
  static final ReadEntries INSTANCE = new ReadEntries();
  private static final long serialVersionUID = 1L;

  @Override
  public CachedLookup process(Map.Entry<String, CachedLookup> entry) {
    return entry.getValue();
  }

  @Override
  public EntryProcessor<String, CachedLookup, CachedLookup> getBackupProcessor() {
    return null;
  }
}
