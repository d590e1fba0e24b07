package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Authenticates a bridged connection from the credential of its first frame, with the same keys and
 * tokens as the HTTP API ({@code TROUPE_AUTH}): {@code ApiKey <key>} ({@link ApiKeys}) or {@code
 * Bearer <JWT>} ({@link BearerTokens}). With {@code TROUPE_AUTH=none} everyone is {@link
 * Caller#ANONYMOUS}.
 */
interface BridgeAuth {
  /** The caller a credential (the value of an {@code Authorization} header, or null) stands for. */
  Future<Caller> authenticate(String credential);

  static Future<BridgeAuth> create(
      Vertx vertx, GatewayConfig gateway, Settings settings, MeterRegistry registry) {
    try {
      Rejections rejections = new Rejections(registry);
      switch (gateway.auth()) {
        case "apikey":
          {
            ApiKeys keys = ApiKeys.parse(gateway.apiKeys(), rejections);
            return Future.succeededFuture(
                credential -> {
                  String key = scheme(credential, "ApiKey ");
                  Caller caller = key == null ? null : keys.caller(key);
                  return caller == null
                      ? Future.failedFuture(unauthorized("an API key ('ApiKey <key>')"))
                      : Future.succeededFuture(caller);
                });
          }
        case "jwt":
          return BearerTokens.create(vertx, JwtConfig.from(settings).requireComplete(), rejections)
              .map(
                  tokens ->
                      credential -> {
                        String token = scheme(credential, "Bearer ");
                        return token == null
                            ? Future.failedFuture(unauthorized("a token ('Bearer <JWT>')"))
                            : tokens
                                .caller(token)
                                .recover(
                                    e ->
                                        Future.failedFuture(
                                            unauthorized("a valid token ('Bearer <JWT>')")));
                      });
        default:
          return Future.succeededFuture(credential -> Future.succeededFuture(Caller.ANONYMOUS));
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static String scheme(String credential, String scheme) {
    if (credential == null || !credential.regionMatches(true, 0, scheme, 0, scheme.length())) {
      return null;
    }
    String value = credential.substring(scheme.length()).trim();
    return value.isEmpty() ? null : value;
  }

  private static TroupeException unauthorized(String what) {
    return new TroupeException(
        ErrorCode.UNAUTHORIZED,
        "the first frame must carry " + what + " in headers.authorization, and it must be valid");
  }
}
