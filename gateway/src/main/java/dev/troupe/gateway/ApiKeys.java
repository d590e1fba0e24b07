package dev.troupe.gateway;

import dev.troupe.gateway.Rejections.Reason;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * API-key authentication for {@code /api/*} ({@code TROUPE_AUTH=apikey}). Keys are configured only
 * as SHA-256 hashes ({@code TROUPE_API_KEYS=name=<sha256 hex>=docs:read docs:write,...}), a
 * presented key is hashed and compared with every configured hash in constant time. Reads need
 * {@code docs:read}, writes {@code docs:write}, chat {@code chat:user} or {@code chat:admin}
 * ({@link Scopes}); in chat a key acts as its name ({@link ChatIdentity}). No key: 401 with {@code
 * WWW-Authenticate}; a key without the scope: 403. A WebSocket upgrade may carry the key as a
 * subprotocol ({@link WebSocketCredential}).
 */
final class ApiKeys {
  /**
   * Where an authenticated request keeps its subject (key name, JWT {@code sub}) for logs and
   * limits.
   */
  static final String SUBJECT = "troupe.subject";

  private static final String CHALLENGE = "ApiKey realm=\"troupe\"";

  private final List<Key> keys;
  private final Rejections rejections;

  private ApiKeys(List<Key> keys, Rejections rejections) {
    this.keys = keys;
    this.rejections = rejections;
  }

  record Key(String name, byte[] sha256, Set<String> scopes) {}

  /** Parses {@code name=<sha256 hex>=scope scope,...}; fails naming the bad entry. */
  static ApiKeys parse(List<String> entries, Rejections rejections) {
    List<Key> keys = new ArrayList<>();
    for (String entry : entries) {
      String[] parts = entry.split("=", 3);
      if (parts.length != 3 || parts[0].isBlank() || !parts[1].matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException(
            "TROUPE_API_KEYS entries are name=<sha256 hex>=<scopes>, got '"
                + (parts.length > 0 ? parts[0] : "")
                + "=...'");
      }
      Set<String> scopes = Set.of(parts[2].trim().split("\\s+"));
      if (!Scopes.ALL.containsAll(scopes)) {
        throw new IllegalArgumentException(
            "TROUPE_API_KEYS scopes are "
                + String.join(", ", new TreeSet<>(Scopes.ALL))
                + ", got "
                + scopes);
      }
      keys.add(new Key(parts[0].trim(), HexFormat.of().parseHex(parts[1]), scopes));
    }
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(
          "TROUPE_AUTH=apikey needs at least one key in TROUPE_API_KEYS");
    }
    return new ApiKeys(keys, rejections);
  }

  void handle(RoutingContext ctx) {
    String presented = presented(ctx);
    if (presented == null) {
      rejections.count(Reason.MISSING_CREDENTIALS);
      ctx.response().putHeader("WWW-Authenticate", CHALLENGE);
      Problems.send(
          ctx, 401, "send an API key as 'Authorization: ApiKey <key>' or 'X-Api-Key: <key>'");
      return;
    }
    Key key = find(sha256(presented));
    if (key == null) {
      rejections.count(Reason.INVALID_CREDENTIALS);
      ctx.response().putHeader("WWW-Authenticate", CHALLENGE + ", error=\"invalid_key\"");
      Problems.send(ctx, 401, "the API key is not valid");
      return;
    }
    String needed = Scopes.needed(ctx);
    if (!Scopes.grants(key.scopes(), needed)) {
      rejections.count(Reason.INSUFFICIENT_SCOPE);
      Problems.send(ctx, 403, "the API key '" + key.name() + "' lacks the scope " + needed);
      return;
    }
    ctx.put(SUBJECT, key.name());
    ctx.put(Caller.KEY, caller(key));
    ctx.next();
  }

  /** The caller a presented key stands for, or null when it is not a configured key. */
  Caller caller(String presented) {
    Key key = find(sha256(presented));
    return key == null ? null : caller(key);
  }

  /** A key acts in chat as its name. */
  private static Caller caller(Key key) {
    return new Caller(key.name(), key.scopes(), key.name());
  }

  /**
   * Compares with every key, never stopping early, so timing says nothing about which key is close.
   */
  private Key find(byte[] hash) {
    Key found = null;
    for (Key key : keys) {
      if (MessageDigest.isEqual(key.sha256(), hash)) {
        found = key;
      }
    }
    return found;
  }

  private static String presented(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "ApiKey ", 0, 7)) {
      return header.substring(7).trim();
    }
    String plain = ctx.request().getHeader("X-Api-Key");
    if (plain != null && !plain.isBlank()) {
      return plain.trim();
    }
    String offered = WebSocketCredential.authorization(ctx.request());
    if (offered != null
        && offered.regionMatches(true, 0, "ApiKey ", 0, 7)
        && !offered.substring(7).isBlank()) {
      return offered.substring(7).trim();
    }
    return null;
  }

  static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
