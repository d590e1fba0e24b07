package dev.troupe.cache;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/** Removes entries on their owners (and, through the backup processor, on their backups). */
final class RemoveEntries implements EntryProcessor<String, CachedLookup, Boolean> {
  static final RemoveEntries INSTANCE = new RemoveEntries();
  private static final long serialVersionUID = 1L;

  @Override
  public Boolean process(Map.Entry<String, CachedLookup> entry) {
    boolean present = entry.getValue() != null;
    entry.setValue(null);
    return present;
  }
}
