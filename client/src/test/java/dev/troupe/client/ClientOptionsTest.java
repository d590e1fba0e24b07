package dev.troupe.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.client.ClientOptions.Transport;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Client options")
class ClientOptionsTest {

  @Test
  @DisplayName("a cluster client joins as a lite member on loopback, with the gateway's deadline")
  void clusterDefaults() {
    ClientOptions options = ClientOptions.builder().cluster("troupe", "127.0.0.1:5701").build();
    assertThat(options.transport()).isEqualTo(Transport.CLUSTER);
    assertThat(options.clusterName()).isEqualTo("troupe");
    assertThat(options.members()).containsExactly("127.0.0.1:5701");
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isZero();
    assertThat(options.eventBusPort()).isZero();
    assertThat(options.heartbeat()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.failureTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.joinTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.zoneAware()).isFalse();
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.attemptTimeout()).isNull();
    assertThat(options.maxRetries()).isEqualTo(2);
    assertThat(options.backoff().baseMs()).isEqualTo(50);
    assertThat(options.backoff().maxMs()).isEqualTo(1000);
    assertThat(options.bridgeHost()).isNull();
    assertThat(options.credential()).isNull();
    assertThat(options)
        .hasToString(
            "ClientOptions{cluster troupe through [127.0.0.1:5701] as a lite member on 127.0.0.1,"
                + " timeout 10000 ms}");
  }

  @Test
  @DisplayName("a bridge client keeps its credential out of toString")
  void bridgeDefaults() {
    ClientOptions options =
        ClientOptions.builder()
            .bridge("gateway.local", 7000)
            .apiKey("s3cret")
            .timeout(Duration.ofSeconds(3))
            .attemptTimeout(Duration.ofMillis(500))
            .retries(4, Duration.ofMillis(10), Duration.ofMillis(80))
            .build();
    assertThat(options.transport()).isEqualTo(Transport.BRIDGE);
    assertThat(options.bridgeHost()).isEqualTo("gateway.local");
    assertThat(options.bridgePort()).isEqualTo(7000);
    assertThat(options.credential()).isEqualTo("ApiKey s3cret");
    assertThat(options.pingInterval()).isEqualTo(Duration.ofSeconds(20));
    assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(options.maxFrameBytes()).isEqualTo(1024 * 1024);
    assertThat(options.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(options.attemptTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.maxRetries()).isEqualTo(4);
    assertThat(options.backoff().ceilingMs(3)).isEqualTo(40);
    assertThat(options.toString()).doesNotContain("s3cret").contains("with a credential");
    assertThat(ClientOptions.builder().bridge("h", 1).bearerToken("a.b.c").build().credential())
        .isEqualTo("Bearer a.b.c");
    assertThat(ClientOptions.builder().bridge("h", 1).build().toString())
        .contains("without a credential");
  }

  @Test
  @DisplayName("without a transport the options are for a Vert.x the caller gives")
  void eventBus() {
    ClientOptions options = ClientOptions.builder().timeout(Duration.ofMillis(250)).build();
    assertThat(options.transport()).isEqualTo(Transport.EVENT_BUS);
    assertThat(options.toString())
        .isEqualTo("ClientOptions{the caller's event bus, timeout 250 ms}");
  }

  @Test
  @DisplayName("every cluster setting can be given")
  void clusterSettings() {
    ClientOptions options =
        ClientOptions.builder()
            .cluster("prod", List.of("10.0.0.1:5701", "node-b:5701"))
            .host("10.0.0.9")
            .port(5801)
            .eventBusPort(5901)
            .heartbeat(Duration.ofSeconds(2))
            .failureTimeout(Duration.ofSeconds(30))
            .joinTimeout(Duration.ofSeconds(5))
            .zoneAware(true)
            .build();
    assertThat(options.members()).containsExactly("10.0.0.1:5701", "node-b:5701");
    assertThat(options.host()).isEqualTo("10.0.0.9");
    assertThat(options.port()).isEqualTo(5801);
    assertThat(options.eventBusPort()).isEqualTo(5901);
    assertThat(options.heartbeat()).isEqualTo(Duration.ofSeconds(2));
    assertThat(options.failureTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.joinTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.zoneAware()).isTrue();
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        refusal(b -> b.cluster(" ", "h:1"), "cluster: the cluster's name must not be blank"),
        refusal(b -> b.cluster("c"), "cluster: name at least one member"),
        refusal(b -> b.cluster("c", "nohost"), "cluster: member must be host:port, got 'nohost'"),
        refusal(b -> b.cluster("c", "h:x"), "cluster: member must be host:port, got 'h:x'"),
        refusal(b -> b.cluster("c", "h:0"), "with a port from 1 to 65535, got 'h:0'"),
        refusal(b -> b.cluster("c", ":5701"), "got ':5701'"),
        refusal(b -> b.cluster("c", "h:1").host(" "), "host must not be blank"),
        refusal(b -> b.cluster("c", "h:1").port(70000), "port must be 0 to 65535, got 70000"),
        refusal(b -> b.cluster("c", "h:1").eventBusPort(-1), "eventBusPort must be 0 to 65535"),
        refusal(
            b -> b.cluster("c", "h:1").heartbeat(Duration.ofMillis(10)),
            "heartbeat must be at least 1000 ms"),
        refusal(
            b -> b.cluster("c", "h:1").failureTimeout(Duration.ofSeconds(1)),
            "failureTimeout (1000 ms) must be longer than the heartbeat (1000 ms)"),
        refusal(
            b -> b.cluster("c", "h:1").joinTimeout(Duration.ZERO),
            "joinTimeout must be at least 1000 ms"),
        refusal(
            b -> b.cluster("c", "h:1").bridge("h", 1),
            "name one transport: cluster(...) or bridge(...), not both"),
        refusal(
            b -> b.cluster("c", "h:1").apiKey("k"),
            "apiKey/bearerToken does not apply to a cluster client"),
        refusal(
            b -> b.cluster("c", "h:1").maxFrameBytes(100),
            "maxFrameBytes does not apply to a cluster client"),
        refusal(b -> b.bridge(" ", 1), "bridge: the host must not be blank"),
        refusal(b -> b.bridge("h", 0), "bridge: port must be 1 to 65535, got 0"),
        refusal(b -> b.bridge("h", 1).apiKey("two words"), "the credential must be one word"),
        refusal(b -> b.bridge("h", 1).bearerToken(""), "the credential must be one word"),
        refusal(b -> b.bridge("h", 1).host("x"), "host does not apply to a bridge client"),
        refusal(
            b -> b.bridge("h", 1).zoneAware(true), "zoneAware does not apply to a bridge client"),
        refusal(
            b -> b.bridge("h", 1).pingInterval(Duration.ofMillis(10)),
            "pingInterval must be at least 1000 ms"),
        refusal(
            b -> b.bridge("h", 1).connectTimeout(Duration.ofMillis(10)),
            "connectTimeout must be at least 100 ms"),
        refusal(b -> b.bridge("h", 1).maxFrameBytes(10), "maxFrameBytes must be at least 64"),
        refusal(
            b -> b.pingInterval(Duration.ofSeconds(5)),
            "pingInterval does not apply to a client on the caller's event bus"),
        refusal(b -> b.timeout(Duration.ZERO), "timeout must be at least 1 ms, got 0 ms"),
        refusal(b -> b.attemptTimeout(Duration.ZERO), "attemptTimeout must be at least 1 ms"),
        refusal(
            b -> b.retries(-1, Duration.ofMillis(1), Duration.ofMillis(1)),
            "retries: maxRetries must be 0 to 100, got -1"),
        refusal(
            b -> b.retries(1, Duration.ZERO, Duration.ofMillis(1)),
            "retries: base must be at least 1 ms"),
        refusal(
            b -> b.retries(1, Duration.ofMillis(10), Duration.ofMillis(5)),
            "retries: max (5 ms) must not be below base (10 ms)"));
  }

  private static Arguments refusal(UnaryOperator<ClientOptions.Builder> settings, String message) {
    return Arguments.of(settings, message);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("refused")
  @DisplayName("a wrong or misplaced setting is refused, naming it")
  void refusesNamingTheSetting(UnaryOperator<ClientOptions.Builder> settings, String message) {
    assertThatThrownBy(() -> settings.apply(ClientOptions.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
