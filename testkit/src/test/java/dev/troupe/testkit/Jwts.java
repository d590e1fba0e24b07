package dev.troupe.testkit;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs JWTs for tests with the JDK alone (not with the library under test), so a token the gateway
 * accepts is one any standard issuer would produce.
 */
final class Jwts {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509 SubjectPublicKeyInfo). */
  static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }

  static String hs256(String secret, JsonObject claims) {
    return hmac("HS256", secret.getBytes(StandardCharsets.UTF_8), claims);
  }

  /**
   * HS256 with any bytes as the secret, e.g. an RSA public key's PEM (the algorithm-confusion
   * attack).
   */
  static String hmac(String alg, byte[] secret, JsonObject claims) {
    String input = input(alg, claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return input
          + "."
          + URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(PrivateKey key, JsonObject claims) {
    String input = input("RS256", claims);
    try {
      Signature signature = Signature.getInstance("SHA256withRSA");
      signature.initSign(key);
      signature.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + URL.encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsigned token ({@code alg: none}), which must never be accepted. */
  static String unsigned(JsonObject claims) {
    return input("none", claims) + ".";
  }

  private static String input(String alg, JsonObject claims) {
    JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT");
    return URL.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8))
        + "."
        + URL.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
  }
}
