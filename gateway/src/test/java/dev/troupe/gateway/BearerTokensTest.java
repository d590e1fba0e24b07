package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.config.Settings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Building the JWT verifier from settings: an inline PEM (one line with \n escapes), and bad keys
 * named.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("BearerTokens setup")
class BearerTokensTest {
  private static final Rejections REJECTIONS = new Rejections(new SimpleMeterRegistry());

  @Test
  @DisplayName(
      "an RS256 public key given inline, as one line with \\n escapes, verifies tokens of its private key")
  void inlinePem(Vertx vertx, VertxTestContext ctx) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    String oneLine =
        ("-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----")
            .replace("\n", "\\n");
    JwtConfig config =
        JwtConfig.from(
                Settings.of(
                    Map.of(
                        "TROUPE_JWT_PUBLIC_KEY",
                        oneLine,
                        "TROUPE_JWT_ISSUER",
                        "iss",
                        "TROUPE_JWT_AUDIENCE",
                        "aud")))
            .requireComplete();
    long now = System.currentTimeMillis() / 1000;
    String token =
        rs256(
            rsa,
            new JsonObject()
                .put("iss", "iss")
                .put("aud", "aud")
                .put("sub", "s")
                .put("exp", now + 60));
    Checkpoint verified = ctx.checkpoint();
    BearerTokens.create(vertx, config, REJECTIONS)
        .compose(tokens -> tokens.authenticate(token))
        .onComplete(
            ctx.succeeding(
                user ->
                    ctx.verify(
                        () -> {
                          assertThat(user.attributes().getString("sub")).isEqualTo("s");
                          verified.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a key that is not a PEM public key, or a file that cannot be read, fails naming the setting")
  void badKeys(Vertx vertx, VertxTestContext ctx) {
    Checkpoint badPem = ctx.checkpoint();
    Checkpoint missingFile = ctx.checkpoint();
    Map<String, String> base = Map.of("TROUPE_JWT_ISSUER", "iss", "TROUPE_JWT_AUDIENCE", "aud");
    JwtConfig pem =
        JwtConfig.from(
            Settings.of(
                    Map.of(
                        "TROUPE_JWT_PUBLIC_KEY",
                        "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n"))
                .with("TROUPE_JWT_ISSUER", "iss")
                .with("TROUPE_JWT_AUDIENCE", "aud"));
    BearerTokens.create(vertx, pem, REJECTIONS)
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).hasMessageContaining("TROUPE_JWT_PUBLIC_KEY");
                          badPem.flag();
                        })));
    JwtConfig file =
        JwtConfig.from(
            Settings.of(base).with("TROUPE_JWT_PUBLIC_KEY_FILE", "/nonexistent/jwt.pem"));
    BearerTokens.create(vertx, file, REJECTIONS)
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).hasMessageContaining("TROUPE_JWT_PUBLIC_KEY_FILE");
                          missingFile.flag();
                        })));
  }

  @Test
  @DisplayName(
      "TROUPE_JWT_CHAT_USER_CLAIM names the claim a token acts as in chat; without it a token acts as no chat user")
  void chatUserClaim(Vertx vertx, VertxTestContext ctx) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair rsa = generator.generateKeyPair();
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";
    JwtConfig config =
        JwtConfig.from(
                Settings.of(
                    Map.of(
                        "TROUPE_JWT_PUBLIC_KEY",
                        pem,
                        "TROUPE_JWT_ISSUER",
                        "iss",
                        "TROUPE_JWT_AUDIENCE",
                        "aud",
                        "TROUPE_JWT_CHAT_USER_CLAIM",
                        "preferred_username")))
            .requireComplete();
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims =
        new JsonObject()
            .put("iss", "iss")
            .put("aud", "aud")
            .put("sub", "f81d4fae-7dec")
            .put("exp", now + 60)
            .put("scope", "chat:user");
    String named = rs256(rsa, claims.copy().put("preferred_username", "alice"));
    String unnamed = rs256(rsa, claims);
    Checkpoint checked = ctx.checkpoint();
    BearerTokens.create(vertx, config, REJECTIONS)
        .compose(
            tokens ->
                tokens
                    .caller(named)
                    .compose(
                        alice ->
                            tokens
                                .caller(unnamed)
                                .map(
                                    nobody -> {
                                      ctx.verify(
                                          () -> {
                                            assertThat(alice.subject()).isEqualTo("f81d4fae-7dec");
                                            assertThat(alice.chatUser()).isEqualTo("alice");
                                            assertThat(ChatIdentity.allows(alice, "alice"))
                                                .isTrue();
                                            assertThat(ChatIdentity.allows(alice, "f81d4fae-7dec"))
                                                .isFalse();
                                            assertThat(nobody.chatUser()).isNull();
                                            assertThat(ChatIdentity.allows(nobody, "f81d4fae-7dec"))
                                                .isFalse();
                                          });
                                      return null;
                                    })))
        .onComplete(ctx.succeeding(v -> checked.flag()));
  }

  private static String rs256(KeyPair rsa, JsonObject claims) throws Exception {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String input =
        url.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + url.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(rsa.getPrivate());
    signature.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + url.encodeToString(signature.sign());
  }
}
