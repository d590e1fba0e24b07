package dev.troupe.gateway;

import dev.troupe.gateway.Rejections.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JWT bearer authentication for {@code /api/*} ({@code TROUPE_AUTH=jwt}), on {@code
 * vertx-auth-jwt}. A token is accepted when its signature checks with the configured HS256 secret
 * or RS256 public key (the algorithm its header names; {@code none} and every other algorithm are
 * refused), its {@code iss} is {@code TROUPE_JWT_ISSUER}, its {@code aud} names one of {@code
 * TROUPE_JWT_AUDIENCE}, it has an {@code exp} that has not passed and no {@code nbf}/{@code iat} in
 * the future (each with {@code TROUPE_JWT_LEEWAY_SECONDS} of leeway), and it names a {@code sub}.
 *
 * <p>Scopes come from {@code scope} (a space-separated string, RFC 8693) and from {@code scp} or
 * {@code scopes} (an array, or a space-separated string); reads need {@code docs:read}, writes
 * {@code docs:write}, chat {@code chat:user} or {@code chat:admin} ({@link Scopes}); in chat a
 * token acts as its {@code sub}, or the claim {@code TROUPE_JWT_CHAT_USER_CLAIM} names ({@link
 * ChatIdentity}). A WebSocket upgrade may carry the token as a subprotocol ({@link
 * WebSocketCredential}). No token: 401 with {@code WWW-Authenticate: Bearer realm="troupe"}; a bad
 * one: the same with {@code error="invalid_token"}; a good one without the scope: 403 with {@code
 * error="insufficient_scope"} (RFC 6750). The subject goes to the access log; the token is never
 * logged or echoed, and why a token failed is logged at debug level only, without the token.
 */
final class BearerTokens {
  static final String CHALLENGE = "Bearer realm=\"troupe\"";
  private static final Logger LOG = LoggerFactory.getLogger(BearerTokens.class);
  private static final int MAX_SUBJECT_LENGTH = 256;

  private final JWTAuth jwt;
  private final Rejections rejections;
  private final String chatUserClaim;

  private BearerTokens(JWTAuth jwt, Rejections rejections, String chatUserClaim) {
    this.jwt = jwt;
    this.rejections = rejections;
    this.chatUserClaim = chatUserClaim;
  }

  /**
   * Reads the public key file (if configured, without blocking) and builds the verifier; fails
   * naming the key.
   */
  static Future<BearerTokens> create(Vertx vertx, JwtConfig config, Rejections rejections) {
    Future<String> publicKey;
    if (config.publicKeyFile() != null) {
      publicKey =
          vertx
              .fileSystem()
              .readFile(config.publicKeyFile())
              .map(buffer -> buffer.toString(StandardCharsets.US_ASCII))
              .recover(
                  e ->
                      Future.failedFuture(
                          new IllegalArgumentException(
                              "TROUPE_JWT_PUBLIC_KEY_FILE: cannot read "
                                  + config.publicKeyFile()
                                  + ": "
                                  + e.getMessage())));
    } else {
      publicKey = Future.succeededFuture(config.publicKeyPem());
    }
    return publicKey.map(
        pem -> new BearerTokens(verifier(vertx, config, pem), rejections, config.chatUserClaim()));
  }

  private static JWTAuth verifier(Vertx vertx, JwtConfig config, String publicKeyPem) {
    JWTAuthOptions options =
        new JWTAuthOptions()
            .setJWTOptions(
                new JWTOptions()
                    .setIssuer(config.issuer())
                    .setAudience(config.audiences())
                    .setLeeway(config.leewaySeconds()));
    if (config.secret() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret()));
    }
    if (publicKeyPem != null) {
      if (!publicKeyPem.contains("-----BEGIN PUBLIC KEY-----")) {
        throw new IllegalArgumentException(
            keyName(config)
                + " must be an RSA public key in PEM form "
                + "(-----BEGIN PUBLIC KEY-----)");
      }
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(publicKeyPem));
    }
    try {
      return JWTAuth.create(vertx, options);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          keyName(config) + " is not a usable RSA public key: " + e.getMessage(), e);
    }
  }

  private static String keyName(JwtConfig config) {
    return config.publicKeyFile() != null ? "TROUPE_JWT_PUBLIC_KEY_FILE" : "TROUPE_JWT_PUBLIC_KEY";
  }

  void handle(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    String token =
        bearer(
            authorization != null
                ? authorization
                : WebSocketCredential.authorization(ctx.request()));
    if (token == null) {
      rejections.count(Reason.MISSING_CREDENTIALS);
      ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
      Problems.send(ctx, 401, "send a token as 'Authorization: Bearer <JWT>'");
      return;
    }
    EdgeGuards.whenDone(
        ctx,
        authenticate(token),
        ar -> {
          if (ar.failed()) {
            LOG.debug(
                "token refused (request {}): {}", RequestIds.of(ctx), ar.cause().getMessage());
            invalid(
                ctx,
                "the token is not valid: bad signature or algorithm, expired or not yet valid, "
                    + "or for another issuer or audience");
            return;
          }
          authorize(ctx, ar.result());
        });
  }

  /**
   * Checks signature, algorithm, issuer, audience and times; the claims checks of {@link #handle}
   * come after.
   */
  Future<User> authenticate(String token) {
    return jwt.authenticate(new TokenCredentials(token));
  }

  /**
   * The caller a token stands for, with the same checks as a request's; fails when the token is not
   * valid (the reason is for logs, not for the client).
   */
  Future<Caller> caller(String token) {
    return authenticate(token)
        .compose(
            user -> {
              String problem = claimsProblem(user);
              return problem != null
                  ? Future.failedFuture(new IllegalArgumentException(problem))
                  : Future.succeededFuture(caller(user));
            });
  }

  /**
   * The caller of a token whose claims passed: its {@code sub}, scopes, and chat user (the claim
   * {@code TROUPE_JWT_CHAT_USER_CLAIM} names, when it is a string; else none).
   */
  private Caller caller(User user) {
    Object chatUser = claim(user, chatUserClaim);
    return new Caller(
        (String) claim(user, "sub"),
        scopes(user.principal()),
        chatUser instanceof String name && !name.isBlank() ? name : null);
  }

  /** Why the claims of an authenticated token are not enough, or null when they are. */
  private static String claimsProblem(User user) {
    if (!(claim(user, "exp") instanceof Number)) {
      return "the token has no exp claim; tokens must expire";
    }
    Object sub = claim(user, "sub");
    if (!(sub instanceof String subject)
        || subject.isBlank()
        || subject.length() > MAX_SUBJECT_LENGTH) {
      return "the token has no usable sub claim (a string of 1 to "
          + MAX_SUBJECT_LENGTH
          + " characters)";
    }
    return null;
  }

  private void authorize(RoutingContext ctx, User user) {
    String problem = claimsProblem(user);
    if (problem != null) {
      invalid(ctx, problem);
      return;
    }
    Caller caller = caller(user);
    String subject = caller.subject();
    String needed = Scopes.needed(ctx);
    if (!Scopes.grants(caller.scopes(), needed)) {
      rejections.count(Reason.INSUFFICIENT_SCOPE);
      ctx.response()
          .putHeader(
              "WWW-Authenticate",
              CHALLENGE + ", error=\"insufficient_scope\", scope=\"" + needed + "\"");
      Problems.send(ctx, 403, "the token of '" + subject + "' lacks the scope " + needed);
      return;
    }
    ctx.put(ApiKeys.SUBJECT, subject);
    ctx.put(Caller.KEY, caller);
    ctx.next();
  }

  private void invalid(RoutingContext ctx, String detail) {
    rejections.count(Reason.INVALID_CREDENTIALS);
    ctx.response().putHeader("WWW-Authenticate", CHALLENGE + ", error=\"invalid_token\"");
    Problems.send(ctx, 401, detail);
  }

  /**
   * vertx-auth-jwt keeps exp, iat, nbf and sub in the user's attributes, every other claim in its
   * principal.
   */
  private static Object claim(User user, String name) {
    Object value = user.attributes().getValue(name);
    return value != null ? value : user.principal().getValue(name);
  }

  /**
   * The union of {@code scope}, {@code scp} and {@code scopes}, each a space-separated string or an
   * array.
   */
  static Set<String> scopes(JsonObject claims) {
    Set<String> scopes = new HashSet<>();
    for (String claim : new String[] {"scope", "scp", "scopes"}) {
      Object value = claims.getValue(claim);
      if (value instanceof String s) {
        for (String scope : s.trim().split("\\s+")) {
          scopes.add(scope);
        }
      } else if (value instanceof JsonArray array) {
        array.forEach(
            item -> {
              if (item instanceof String s) {
                scopes.add(s);
              }
            });
      }
    }
    return scopes;
  }

  /** The credentials of an {@code Authorization: Bearer <credentials>} header, or null. */
  static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String credentials = authorization.substring(7).trim();
    return credentials.isEmpty() ? null : credentials;
  }
}
