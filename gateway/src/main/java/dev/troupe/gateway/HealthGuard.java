package dev.troupe.gateway;

import dev.troupe.gateway.Rejections.Reason;
import dev.troupe.shared.config.Settings;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Access to {@code /health/ready} and {@code /metrics} ({@code TROUPE_HEALTH_AUTH}): {@code open}
 * (the default), or {@code key}: the caller sends the health key as {@code Authorization: Bearer
 * <key>} or {@code X-Health-Key: <key>}, and only its SHA-256 is configured ({@code
 * TROUPE_HEALTH_KEY_SHA256}), compared in constant time. Its own key, not an API key: a Prometheus
 * scraper or a probe should not be able to read documents, and a document client should not see the
 * cluster's internals.
 *
 * <p>{@code /health/live} stays open in both modes: it only says the process answers HTTP, reveals
 * nothing, and is what orchestrators restart a container on, so a probe misconfigured with a wrong
 * key must not turn into a restart loop.
 */
final class HealthGuard {
  static final String CHALLENGE = "Bearer realm=\"troupe-health\"";
  static final String HEADER = "X-Health-Key";

  private final byte[] sha256;
  private final Rejections rejections;

  private HealthGuard(byte[] sha256, Rejections rejections) {
    this.sha256 = sha256;
    this.rejections = rejections;
  }

  /** The guard the settings ask for, or null when health and metrics are open. */
  static HealthGuard from(Settings s, Rejections rejections) {
    String mode = s.string("TROUPE_HEALTH_AUTH", "open");
    String hash = s.optional("TROUPE_HEALTH_KEY_SHA256");
    switch (mode) {
      case "open":
        return null;
      case "key":
        if (hash == null || !hash.matches("[0-9a-fA-F]{64}")) {
          throw new IllegalArgumentException(
              "TROUPE_HEALTH_AUTH=key needs TROUPE_HEALTH_KEY_SHA256, the SHA-256 "
                  + "of the health key in hex (64 characters)");
        }
        return new HealthGuard(HexFormat.of().parseHex(hash), rejections);
      default:
        throw new IllegalArgumentException(
            "TROUPE_HEALTH_AUTH must be open or key, got '" + mode + "'");
    }
  }

  void handle(RoutingContext ctx) {
    String presented = presented(ctx);
    // isEqual compares every byte whatever the first difference, so timing tells nothing of the
    // key.
    if (presented != null && MessageDigest.isEqual(sha256, ApiKeys.sha256(presented))) {
      ctx.next();
      return;
    }
    rejections.count(Reason.HEALTH_KEY);
    ctx.response()
        .putHeader(
            "WWW-Authenticate",
            presented == null ? CHALLENGE : CHALLENGE + ", error=\"invalid_token\"");
    Problems.send(
        ctx,
        401,
        presented == null
            ? "send the health key as 'Authorization: Bearer <key>' or '" + HEADER + ": <key>'"
            : "the health key is not valid");
  }

  private static String presented(RoutingContext ctx) {
    String bearer = BearerTokens.bearer(ctx.request().getHeader("Authorization"));
    if (bearer != null) {
      return bearer;
    }
    String plain = ctx.request().getHeader(HEADER);
    return plain == null || plain.isBlank() ? null : plain.trim();
  }
}
