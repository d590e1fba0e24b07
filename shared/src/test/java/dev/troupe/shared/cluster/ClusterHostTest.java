package dev.troupe.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.config.Settings;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ClusterHost")
class ClusterHostTest {

  @Test
  @DisplayName("an address stays as it is, and the settings are returned unchanged")
  void addressUnchanged() {
    Settings s = Settings.of(Map.of("TROUPE_CLUSTER_HOST", "10.0.0.5"));

    assertThat(ClusterHost.resolve(s)).isSameAs(s);
  }

  @Test
  @DisplayName("the default stays loopback")
  void defaultLoopback() {
    assertThat(ClusterHost.resolve(Settings.empty()).string("TROUPE_CLUSTER_HOST", "127.0.0.1"))
        .isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("auto becomes the address this machine's host name resolves to")
  void autoIsLocalHost() throws Exception {
    Settings resolved = ClusterHost.resolve(Settings.of(Map.of("TROUPE_CLUSTER_HOST", "auto")));

    assertThat(resolved.optional("TROUPE_CLUSTER_HOST"))
        .isEqualTo(InetAddress.getLocalHost().getHostAddress());
  }

  @Test
  @DisplayName("a host name becomes its address")
  void hostName() {
    Settings resolved =
        ClusterHost.resolve(Settings.of(Map.of("TROUPE_CLUSTER_HOST", "localhost")));

    assertThat(resolved.optional("TROUPE_CLUSTER_HOST")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
  }

  @Test
  @DisplayName("a name that does not resolve fails naming the key")
  void unresolvable() {
    // .invalid never resolves (RFC 6761), so this asks no real name server for a real name.
    Settings s = Settings.of(Map.of("TROUPE_CLUSTER_HOST", "no-such-host.invalid"));

    assertThatThrownBy(() -> ClusterHost.resolve(s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TROUPE_CLUSTER_HOST");
  }
}
