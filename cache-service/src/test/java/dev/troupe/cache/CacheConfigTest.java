package dev.troupe.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.EvictionPolicy;
import dev.troupe.shared.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CacheConfig")
class CacheConfigTest {
  private static CacheConfig config(Map<String, String> values) {
    return CacheConfig.from(Settings.of(values));
  }

  @Test
  @DisplayName("defaults: LRU, no max idle, no per-collection TTL")
  void defaults() {
    CacheConfig config = config(Map.of());
    assertThat(config.eviction()).isEqualTo(EvictionPolicy.LRU);
    assertThat(config.maxIdleSeconds()).isZero();
    assertThat(config.ttlFor("anything")).isEqualTo(300);
  }

  @Test
  @DisplayName(
      "LFU, max idle and per-collection TTLs are read; other collections keep the map's TTL")
  void overrides() {
    CacheConfig config =
        config(
            Map.of(
                "TROUPE_CACHE_EVICTION",
                "lfu",
                "TROUPE_CACHE_MAX_IDLE_SECONDS",
                "60",
                "TROUPE_CACHE_TTL_SECONDS",
                "120",
                "TROUPE_CACHE_COLLECTION_TTLS",
                "sessions=30, catalog=0"));
    assertThat(config.eviction()).isEqualTo(EvictionPolicy.LFU);
    assertThat(config.maxIdleSeconds()).isEqualTo(60);
    assertThat(config.ttlFor("sessions")).isEqualTo(30);
    assertThat(config.ttlFor("catalog")).isZero();
    assertThat(config.ttlFor("books")).isEqualTo(120);
  }

  @Test
  @DisplayName("a bad eviction policy or TTL entry stops the node with a message naming the key")
  void badValues() {
    assertThatThrownBy(() -> config(Map.of("TROUPE_CACHE_EVICTION", "random")))
        .hasMessageContaining("TROUPE_CACHE_EVICTION");
    assertThatThrownBy(() -> config(Map.of("TROUPE_CACHE_COLLECTION_TTLS", "Sessions=30")))
        .hasMessageContaining("TROUPE_CACHE_COLLECTION_TTLS");
    assertThatThrownBy(() -> config(Map.of("TROUPE_CACHE_COLLECTION_TTLS", "sessions=-1")))
        .hasMessageContaining("TROUPE_CACHE_COLLECTION_TTLS");
  }
}
