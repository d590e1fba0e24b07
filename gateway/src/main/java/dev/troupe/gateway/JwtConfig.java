package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * JWT settings, used when {@code TROUPE_AUTH=jwt}. At least one key is needed; with both, a token
 * is checked with the key of the algorithm its header names (HS256 or RS256, nothing else).
 *
 * @param secret HS256 shared secret, at least 32 bytes ({@code TROUPE_JWT_SECRET})
 * @param publicKeyPem RS256 public key in PEM ({@code -----BEGIN PUBLIC KEY-----}) ({@code
 *     TROUPE_JWT_PUBLIC_KEY})
 * @param publicKeyFile a file holding that PEM, read at start ({@code TROUPE_JWT_PUBLIC_KEY_FILE})
 * @param issuer the {@code iss} every token must carry ({@code TROUPE_JWT_ISSUER}, required)
 * @param audiences accepted {@code aud} values, comma-separated; a token must name one ({@code
 *     TROUPE_JWT_AUDIENCE}, required)
 * @param leewaySeconds clock skew tolerated on {@code exp}, {@code nbf} and {@code iat} ({@code
 *     TROUPE_JWT_LEEWAY_SECONDS}, default 30, at most 300)
 * @param chatUserClaim the claim naming the chat user a token acts as ({@code
 *     TROUPE_JWT_CHAT_USER_CLAIM}, default {@code sub}); a token without it, or with a non-string
 *     value, acts as no chat user
 */
record JwtConfig(
    String secret,
    String publicKeyPem,
    String publicKeyFile,
    String issuer,
    List<String> audiences,
    int leewaySeconds,
    String chatUserClaim) {

  static final int MIN_SECRET_BYTES = 32;

  static JwtConfig from(Settings s) {
    String pem = s.optional("TROUPE_JWT_PUBLIC_KEY");
    return new JwtConfig(
        s.optional("TROUPE_JWT_SECRET"),
        // One-line PEMs (an environment variable with literal \n) are common; accept them.
        pem == null ? null : pem.replace("\\n", "\n"),
        s.optional("TROUPE_JWT_PUBLIC_KEY_FILE"),
        s.optional("TROUPE_JWT_ISSUER"),
        s.list("TROUPE_JWT_AUDIENCE", List.of()),
        s.integer("TROUPE_JWT_LEEWAY_SECONDS", 30, 0, 300),
        s.string("TROUPE_JWT_CHAT_USER_CLAIM", "sub"));
  }

  /** Fails, naming the key, unless this is a usable JWT configuration. */
  JwtConfig requireComplete() {
    if (secret == null && publicKeyPem == null && publicKeyFile == null) {
      throw new IllegalArgumentException(
          "TROUPE_AUTH=jwt needs TROUPE_JWT_SECRET (HS256) or "
              + "TROUPE_JWT_PUBLIC_KEY / TROUPE_JWT_PUBLIC_KEY_FILE (RS256)");
    }
    if (publicKeyPem != null && publicKeyFile != null) {
      throw new IllegalArgumentException(
          "set TROUPE_JWT_PUBLIC_KEY or TROUPE_JWT_PUBLIC_KEY_FILE, not both");
    }
    if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "TROUPE_JWT_SECRET must be at least "
              + MIN_SECRET_BYTES
              + " bytes (HS256 needs a 256-bit key)");
    }
    if (issuer == null) {
      throw new IllegalArgumentException(
          "TROUPE_AUTH=jwt needs TROUPE_JWT_ISSUER (the iss tokens must carry)");
    }
    if (audiences.isEmpty()) {
      throw new IllegalArgumentException(
          "TROUPE_AUTH=jwt needs TROUPE_JWT_AUDIENCE (the aud tokens must name)");
    }
    return this;
  }

  @Override
  public String toString() {
    // Never the secret.
    return "JwtConfig[hs256="
        + (secret != null)
        + ", rs256="
        + (publicKeyPem != null || publicKeyFile != null)
        + ", issuer="
        + issuer
        + ", audiences="
        + audiences
        + ", leewaySeconds="
        + leewaySeconds
        + ", chatUserClaim="
        + chatUserClaim
        + "]";
  }
}
