package dev.troupe.gateway;

import dev.troupe.gateway.Rejections.Reason;
import dev.troupe.shared.contract.RateLimitContract;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The rate limit on {@code /api/*}, after authentication: one budget per API key name or JWT
 * subject, or per client address when the request is anonymous ({@code TROUPE_AUTH=none}). Behind a
 * proxy every anonymous client shares the proxy's address: authenticate clients there, or limit at
 * the proxy.
 *
 * <p>Every admitted response carries {@code RateLimit-Limit} (the burst), {@code
 * RateLimit-Remaining} (an estimate of the tokens left) and {@code RateLimit-Reset} (seconds until
 * the budget is full again), as in the IETF draft "RateLimit header fields for HTTP". Over the
 * limit: 429 problem+json with the same headers and {@code Retry-After} (seconds until the next
 * token, rounded up). When the limiter failed open, no such headers.
 */
final class RateLimitHandler implements Handler<RoutingContext> {
  private final RateLimiter limiter;
  private final String authMode;
  private final Rejections rejections;

  RateLimitHandler(RateLimiter limiter, String authMode, Rejections rejections) {
    this.limiter = limiter;
    this.authMode = authMode;
    this.rejections = rejections;
  }

  @Override
  public void handle(RoutingContext ctx) {
    EdgeGuards.whenDone(
        ctx,
        limiter.admit(client(ctx)),
        ar -> {
          if (ar.failed() || !ar.result().decided()) {
            ctx.next();
            return;
          }
          RateLimiter.Decision decision = ar.result();
          HttpServerResponse response =
              ctx.response()
                  .putHeader("RateLimit-Limit", Integer.toString(decision.limit()))
                  .putHeader("RateLimit-Remaining", Long.toString(decision.remaining()))
                  .putHeader("RateLimit-Reset", Long.toString(decision.resetSeconds()));
          if (decision.allowed()) {
            ctx.next();
            return;
          }
          rejections.count(Reason.RATE_LIMITED);
          response.putHeader("Retry-After", Long.toString(decision.retryAfterSeconds()));
          Problems.send(
              ctx,
              429,
              "too many requests: the limit is "
                  + decision.limit()
                  + " at once, refilled over time; retry in "
                  + decision.retryAfterSeconds()
                  + " s");
        });
  }

  /** The budget a request spends: its authenticated subject, else its address. */
  private String client(RoutingContext ctx) {
    String subject = ctx.get(ApiKeys.SUBJECT);
    String client;
    if (subject != null) {
      client = authMode + ":" + subject;
    } else {
      SocketAddress remote = ctx.request().remoteAddress();
      client =
          "ip:"
              + (remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress());
    }
    return client.length() <= RateLimitContract.MAX_CLIENT_LENGTH
        ? client
        : "sha256:" + sha256(client);
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
