package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.StateStoreContract;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("bridge settings")
class BridgeConfigTest {
  @Test
  @DisplayName("no allowlist may open the state store (Troupe's internal state) to bridged clients")
  void stateStoreIsNeverBridged() {
    assertThat(BridgeConfig.from(Settings.of(Map.of("TROUPE_BRIDGE_INBOUND", "troupe.request.v1,troupe.chat.v1")))
        .inbound()).containsExactly("troupe.request.v1", "troupe.chat.v1");
    for (String key : new String[] {"TROUPE_BRIDGE_INBOUND", "TROUPE_BRIDGE_OUTBOUND"}) {
      assertThatThrownBy(() -> BridgeConfig.from(Settings.of(Map.of(key, "troupe.request.v1," + StateStoreContract.ADDRESS))))
          .hasMessageContaining(StateStoreContract.ADDRESS).hasMessageContaining(key);
    }
  }
}
