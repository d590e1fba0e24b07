package dev.troupe.cache;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stores an entry only if it describes a newer version than the cached one, atomically on the key's
 * partition owner. A slow read-fill that lost a race against a write therefore never puts an older
 * version back. Absences get their own, shorter time to live. Travels to a remote owner as {@link
 * DataSerializable}, like the entry it carries.
 */
final class FillIfNewer implements EntryProcessor<String, CachedLookup, Boolean>, DataSerializable {
  private static final long serialVersionUID = 1L;

  private CachedLookup candidate;
  private long ttlSeconds;

  /** For Hazelcast only, which then calls {@link #readData}. */
  FillIfNewer() {}

  FillIfNewer(CachedLookup candidate, long ttlSeconds) {
    this.candidate = candidate;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public Boolean process(Map.Entry<String, CachedLookup> entry) {
    return fill(entry, candidate, ttlSeconds);
  }

  /** Stores {@code candidate} in {@code entry} if it is newer; true when it did. */
  static boolean fill(
      Map.Entry<String, CachedLookup> entry, CachedLookup candidate, long ttlSeconds) {
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

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    candidate.writeData(out);
    out.writeLong(ttlSeconds);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    candidate = new CachedLookup();
    candidate.readData(in);
    ttlSeconds = in.readLong();
  }
}
