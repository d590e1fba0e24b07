package dev.troupe.cache;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import java.io.IOException;
import java.util.Objects;

/**
 * A cache entry: what the database held for a key at {@code version}. {@code envelope} is the
 * document's JSON envelope, or null for an absence (never written, or deleted at {@code version}).
 *
 * <p>Hazelcast stores it serialized and deserializes it on every read. {@link DataSerializable}
 * writes a long and a string; Java serialization (a record was {@code Serializable}) built an
 * {@code ObjectInputStream} per read, about a fifth of a cache hit's allocations. Not a record, as
 * Hazelcast fills it in after creating it empty; treat it as immutable all the same.
 */
final class CachedLookup implements DataSerializable {
  private long version;
  private String envelope;

  /** For Hazelcast only, which then calls {@link #readData}. */
  CachedLookup() {}

  CachedLookup(long version, String envelope) {
    this.version = version;
    this.envelope = envelope;
  }

  long version() {
    return version;
  }

  String envelope() {
    return envelope;
  }

  boolean isNewerThan(CachedLookup other) {
    return other == null || version > other.version;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(version);
    out.writeString(envelope);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    version = in.readLong();
    envelope = in.readString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CachedLookup other
        && version == other.version
        && Objects.equals(envelope, other.envelope);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Objects.hashCode(envelope);
  }

  @Override
  public String toString() {
    return "CachedLookup[version=" + version + ", envelope=" + envelope + "]";
  }
}
