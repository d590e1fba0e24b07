package dev.troupe.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.ExtendedMapEntry;
import java.util.AbstractMap.SimpleEntry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The version ordering of cache entries, run against plain map entries (no cluster). */
class FillIfNewerTest {
  private static final String KEY = "notes/n-1";
  private static final long TTL = 30;

  private static CachedLookup document(long version) {
    return new CachedLookup(
        version, "{\"collection\":\"notes\",\"id\":\"n-1\",\"version\":" + version + "}");
  }

  private static CachedLookup absence(long version) {
    return new CachedLookup(version, null);
  }

  private static Map.Entry<String, CachedLookup> entry(CachedLookup cached) {
    return new SimpleEntry<>(KEY, cached);
  }

  @Test
  @DisplayName("an empty entry is filled and the fill reports it stored")
  void fillsEmptyEntry() {
    Map.Entry<String, CachedLookup> entry = entry(null);

    Boolean stored = new FillIfNewer(document(1), TTL).process(entry);

    assertThat(stored).isTrue();
    assertThat(entry.getValue()).isEqualTo(document(1));
  }

  @Test
  @DisplayName("an older cached version is replaced by a newer candidate")
  void replacesOlderVersion() {
    Map.Entry<String, CachedLookup> entry = entry(document(2));

    Boolean stored = new FillIfNewer(document(3), TTL).process(entry);

    assertThat(stored).isTrue();
    assertThat(entry.getValue()).isEqualTo(document(3));
  }

  @Test
  @DisplayName("a candidate of the same version as the cached one is not stored")
  void keepsEqualVersion() {
    CachedLookup cached = new CachedLookup(4, "{\"cached\":true}");
    Map.Entry<String, CachedLookup> entry = entry(cached);

    Boolean stored =
        new FillIfNewer(new CachedLookup(4, "{\"candidate\":true}"), TTL).process(entry);

    assertThat(stored).isFalse();
    assertThat(entry.getValue()).isSameAs(cached);
  }

  @Test
  @DisplayName("a newer cached version is kept when the candidate is older")
  void keepsNewerCachedVersion() {
    CachedLookup cached = document(7);
    Map.Entry<String, CachedLookup> entry = entry(cached);

    Boolean stored = new FillIfNewer(document(6), TTL).process(entry);

    assertThat(stored).isFalse();
    assertThat(entry.getValue()).isSameAs(cached);
  }

  @Test
  @DisplayName("an absence at version 5 replaces a cached document at version 4")
  void absenceBeatsOlderDocument() {
    Map.Entry<String, CachedLookup> entry = entry(document(4));

    Boolean stored = new FillIfNewer(absence(5), TTL).process(entry);

    assertThat(stored).isTrue();
    assertThat(entry.getValue()).isEqualTo(absence(5));
    assertThat(entry.getValue().envelope()).isNull();
  }

  @Test
  @DisplayName("an absence at version 5 does not replace a cached document at version 6")
  void absenceLosesToNewerDocument() {
    CachedLookup cached = document(6);
    Map.Entry<String, CachedLookup> entry = entry(cached);

    Boolean stored = new FillIfNewer(absence(5), TTL).process(entry);

    assertThat(stored).isFalse();
    assertThat(entry.getValue()).isSameAs(cached);
  }

  @Test
  @DisplayName("on a Hazelcast entry the value is stored with the fill's own time to live")
  void setsTimeToLiveOnExtendedEntry() {
    RecordingEntry entry = new RecordingEntry(document(1));

    Boolean stored = new FillIfNewer(absence(2), 7).process(entry);

    assertThat(stored).isTrue();
    assertThat(entry.getValue()).isEqualTo(absence(2));
    assertThat(entry.ttlSeconds).isEqualTo(7);
  }

  /** Records the time to live a value was set with; -1 while set without one. */
  private static final class RecordingEntry extends SimpleEntry<String, CachedLookup>
      implements ExtendedMapEntry<String, CachedLookup> {
    private long ttlSeconds = -1;

    RecordingEntry(CachedLookup value) {
      super(KEY, value);
    }

    @Override
    public CachedLookup setValue(CachedLookup value, long ttl, TimeUnit unit) {
      ttlSeconds = unit.toSeconds(ttl);
      return super.setValue(value);
    }

    @Override
    public CachedLookup setValueWithoutChangingExpiryTime(CachedLookup value) {
      return super.setValue(value);
    }
  }
}
