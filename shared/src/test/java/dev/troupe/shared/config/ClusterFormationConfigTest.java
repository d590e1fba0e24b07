package dev.troupe.shared.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClusterFormationConfig")
class ClusterFormationConfigTest {

  @Test
  @DisplayName("defaults: 5 s join wait, start alone, split-brain searches after 5 s, every 5 s")
  void defaults() {
    assertThat(ClusterFormationConfig.from(Settings.empty()))
        .isEqualTo(new ClusterFormationConfig(5, 1, 5, 5))
        .isEqualTo(ClusterFormationConfig.DEFAULTS);
  }

  @Test
  @DisplayName("refuses a start quorum below 1 and merge delays below 1 s, naming the key")
  void refusesOutOfRange() {
    assertThatThrownBy(
            () ->
                ClusterFormationConfig.from(
                    Settings.of(Map.of("TROUPE_CLUSTER_MERGE_INTERVAL_SECONDS", "0"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CLUSTER_MERGE_INTERVAL_SECONDS");
    assertThatThrownBy(
            () ->
                ClusterFormationConfig.from(
                    Settings.of(Map.of("TROUPE_CLUSTER_INITIAL_MIN_SIZE", "0"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CLUSTER_INITIAL_MIN_SIZE");
    assertThatThrownBy(() -> new ClusterFormationConfig(-1, 1, 10, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CLUSTER_JOIN_WAIT_SECONDS");
  }
}
