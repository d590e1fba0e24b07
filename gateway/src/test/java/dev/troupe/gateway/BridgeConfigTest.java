package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.actor.ActorContract;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.StateStoreContract;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("bridge settings")
class BridgeConfigTest {
  @Test
  @DisplayName(
      "no allowlist may open Troupe's internal state (state store, job store, actor hosts) to bridged clients")
  void stateStoreIsNeverBridged() {
    assertThat(
            BridgeConfig.from(
                    Settings.of(
                        Map.of("TROUPE_BRIDGE_INBOUND", "troupe.request.v1,troupe.chat.v1")))
                .inbound())
        .containsExactly("troupe.request.v1", "troupe.chat.v1");
    for (String key : new String[] {"TROUPE_BRIDGE_INBOUND", "TROUPE_BRIDGE_OUTBOUND"}) {
      for (String internal :
          new String[] {
            StateStoreContract.ADDRESS,
            JobStoreContract.ADDRESS,
            ActorContract.ADDRESS_PREFIX + "5c1e7f0a-0000-4000-8000-000000000001"
          }) {
        assertThatThrownBy(
                () -> BridgeConfig.from(Settings.of(Map.of(key, "troupe.request.v1," + internal))))
            .as(key + "=" + internal)
            .hasMessageContaining(internal)
            .hasMessageContaining(key);
      }
    }
  }
}
