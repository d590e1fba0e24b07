package dev.troupe.cache;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link FillIfNewer} for a batch: run by {@code IMap.submitToKeys}, so a batch of fills is one
 * operation per partition instead of one per key. Each key gets its own candidate and time to live.
 * {@link DataSerializable} like the entries it carries: it travels to every member owning a key.
 */
final class FillManyIfNewer implements EntryProcessor<String, CachedLookup, Boolean>, DataSerializable {
  private static final long serialVersionUID = 1L;

  /** What to store under one key, and for how long. */
  record Candidate(CachedLookup entry, long ttlSeconds) {}

  private Map<String, Candidate> candidates;

  /** For Hazelcast only, which then calls {@link #readData}. */
  FillManyIfNewer() {}

  FillManyIfNewer(Map<String, Candidate> candidates) {
    this.candidates = new HashMap<>(candidates);
  }

  @Override
  public Boolean process(Map.Entry<String, CachedLookup> entry) {
    Candidate candidate = candidates.get(entry.getKey());
    return candidate != null && FillIfNewer.fill(entry, candidate.entry(), candidate.ttlSeconds());
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(candidates.size());
    for (Map.Entry<String, Candidate> e : candidates.entrySet()) {
      out.writeString(e.getKey());
      e.getValue().entry().writeData(out);
      out.writeLong(e.getValue().ttlSeconds());
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int size = in.readInt();
    candidates = new HashMap<>(size * 2);
    for (int i = 0; i < size; i++) {
      String key = in.readString();
      CachedLookup entry = new CachedLookup();
      entry.readData(in);
      candidates.put(key, new Candidate(entry, in.readLong()));
    }
  }
}
