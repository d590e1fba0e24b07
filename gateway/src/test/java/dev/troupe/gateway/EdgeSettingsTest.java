package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.config.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The settings of the edge's guards: what is accepted, and that a bad value fails naming its key.
 */
@DisplayName("edge guard settings")
class EdgeSettingsTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  @DisplayName("TROUPE_AUTH accepts none, apikey and jwt only")
  void authModes() {
    assertThat(GatewayConfig.from(Settings.of(Map.of("TROUPE_AUTH", "jwt"))).auth())
        .isEqualTo("jwt");
    assertThatThrownBy(() -> GatewayConfig.from(Settings.of(Map.of("TROUPE_AUTH", "oauth"))))
        .hasMessageContaining("TROUPE_AUTH");
  }

  @Test
  @DisplayName(
      "jwt needs a key, an issuer and an audience, and an HS256 secret of at least 32 bytes")
  void jwtNeedsAll() {
    Map<String, String> complete =
        Map.of(
            "TROUPE_JWT_SECRET",
            SECRET,
            "TROUPE_JWT_ISSUER",
            "https://idp",
            "TROUPE_JWT_AUDIENCE",
            "troupe,docs");
    JwtConfig ok = JwtConfig.from(Settings.of(complete)).requireComplete();
    assertThat(ok.audiences()).containsExactly("troupe", "docs");
    assertThat(ok.leewaySeconds()).isEqualTo(30);
    assertThat(ok.toString()).doesNotContain(SECRET);
    assertThatThrownBy(
            () ->
                JwtConfig.from(
                        Settings.of(Map.of("TROUPE_JWT_ISSUER", "i", "TROUPE_JWT_AUDIENCE", "a")))
                    .requireComplete())
        .hasMessageContaining("TROUPE_JWT_SECRET");
    assertThatThrownBy(
            () ->
                JwtConfig.from(
                        Settings.of(
                            Map.of("TROUPE_JWT_SECRET", SECRET, "TROUPE_JWT_AUDIENCE", "a")))
                    .requireComplete())
        .hasMessageContaining("TROUPE_JWT_ISSUER");
    assertThatThrownBy(
            () ->
                JwtConfig.from(
                        Settings.of(Map.of("TROUPE_JWT_SECRET", SECRET, "TROUPE_JWT_ISSUER", "i")))
                    .requireComplete())
        .hasMessageContaining("TROUPE_JWT_AUDIENCE");
    assertThatThrownBy(
            () ->
                JwtConfig.from(
                        Settings.of(
                            Map.of(
                                "TROUPE_JWT_SECRET",
                                "short",
                                "TROUPE_JWT_ISSUER",
                                "i",
                                "TROUPE_JWT_AUDIENCE",
                                "a")))
                    .requireComplete())
        .hasMessageContaining("32 bytes");
    assertThatThrownBy(
            () -> JwtConfig.from(Settings.of(Map.of("TROUPE_JWT_LEEWAY_SECONDS", "3600"))))
        .hasMessageContaining("TROUPE_JWT_LEEWAY_SECONDS");
  }

  @Test
  @DisplayName(
      "the rate limit is off by default, takes decimal rates, and its burst defaults to a second's worth")
  void rateLimit() {
    assertThat(RateLimitConfig.from(Settings.empty()).enabled()).isFalse();
    assertThat(
            RateLimitConfig.from(Settings.of(Map.of("TROUPE_RATE_LIMIT_PER_SEC", "0"))).enabled())
        .isFalse();
    RateLimitConfig half =
        RateLimitConfig.from(Settings.of(Map.of("TROUPE_RATE_LIMIT_PER_SEC", "0.5")));
    assertThat(half.enabled()).isTrue();
    assertThat(half.ratePerSec()).isEqualTo(0.5);
    assertThat(half.burst()).isEqualTo(1);
    assertThat(RateLimitConfig.from(Settings.of(Map.of("TROUPE_RATE_LIMIT_PER_SEC", "20"))).burst())
        .isEqualTo(20);
    assertThat(
            RateLimitConfig.from(
                    Settings.of(
                        Map.of("TROUPE_RATE_LIMIT_PER_SEC", "20", "TROUPE_RATE_LIMIT_BURST", "50")))
                .burst())
        .isEqualTo(50);
    for (String bad : new String[] {"-1", "NaN", "Infinity", "1e3", "fast", "5d"}) {
      assertThatThrownBy(
              () -> RateLimitConfig.from(Settings.of(Map.of("TROUPE_RATE_LIMIT_PER_SEC", bad))))
          .as(bad)
          .hasMessageContaining("TROUPE_RATE_LIMIT_PER_SEC");
    }
  }

  @Test
  @DisplayName("health and metrics are open by default; key mode needs a SHA-256 hex")
  void healthKey() {
    Rejections rejections = new Rejections(new SimpleMeterRegistry());
    assertThat(HealthGuard.from(Settings.empty(), rejections)).isNull();
    assertThat(
            HealthGuard.from(
                Settings.of(
                    Map.of(
                        "TROUPE_HEALTH_AUTH", "key", "TROUPE_HEALTH_KEY_SHA256", "a".repeat(64))),
                rejections))
        .isNotNull();
    assertThatThrownBy(
            () -> HealthGuard.from(Settings.of(Map.of("TROUPE_HEALTH_AUTH", "key")), rejections))
        .hasMessageContaining("TROUPE_HEALTH_KEY_SHA256");
    assertThatThrownBy(
            () -> HealthGuard.from(Settings.of(Map.of("TROUPE_HEALTH_AUTH", "secret")), rejections))
        .hasMessageContaining("TROUPE_HEALTH_AUTH");
  }

  @Test
  @DisplayName("scopes come from scope, scp and scopes, as strings or arrays")
  void scopes() {
    assertThat(BearerTokens.scopes(new JsonObject().put("scope", " docs:read  docs:write ")))
        .containsExactlyInAnyOrder("docs:read", "docs:write");
    assertThat(
            BearerTokens.scopes(
                new JsonObject().put("scp", new JsonArray().add("docs:read").add(7))))
        .containsExactly("docs:read");
    assertThat(BearerTokens.scopes(new JsonObject().put("scopes", "docs:write")))
        .containsExactly("docs:write");
    assertThat(BearerTokens.scopes(new JsonObject().put("scope", 42))).isEmpty();
    assertThat(BearerTokens.bearer("bearer abc")).isEqualTo("abc");
    assertThat(BearerTokens.bearer("Bearer   ")).isNull();
    assertThat(BearerTokens.bearer("Basic abc")).isNull();
  }
}
