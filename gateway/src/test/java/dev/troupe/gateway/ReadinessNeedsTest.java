package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.config.Settings;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Readiness needs")
class ReadinessNeedsTest {
  @Test
  @DisplayName("by default a node needs the services it runs itself, chat included where it runs")
  void defaultIsOwn() {
    assertThat(ReadinessNeeds.needed(Settings.of(Map.of()), Set.of("request", "chat")))
        .containsExactlyInAnyOrder("request", "chat");
    assertThat(ReadinessNeeds.needed(Settings.of(Map.of()), Set.of())).isEmpty();
  }

  @Test
  @DisplayName("TROUPE_READY_NEEDS names the services instead; none names none")
  void setting() {
    assertThat(
            ReadinessNeeds.needed(
                Settings.of(Map.of(ReadinessNeeds.SETTING, "request, db")), Set.of("cache")))
        .containsExactlyInAnyOrder("request", "db");
    assertThat(
            ReadinessNeeds.needed(
                Settings.of(Map.of(ReadinessNeeds.SETTING, "none")), Set.of("db")))
        .isEmpty();
    assertThatThrownBy(
            () ->
                ReadinessNeeds.needed(
                    Settings.of(Map.of(ReadinessNeeds.SETTING, "gateway")), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ReadinessNeeds.SETTING);
  }
}
