package dev.troupe.gateway;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The first handler of every request. Gives it an id, sent back as {@code X-Request-Id} and carried on every bus message. A
 * client's own id is kept when it is sane (1 to 128 visible ASCII characters of a safe set).
 */
final class RequestIds {
  static final String HEADER = "X-Request-Id";
  private static final String KEY = "troupe.requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");
  /** A {@code %} not followed by two hex digits: the path cannot be decoded. */
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  private RequestIds() {}

  static void assign(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    String uri = ctx.request().uri();
    if (uri != null && uri.indexOf('%') >= 0 && BAD_ESCAPE.matcher(uri).find()) {
      // Decoding path or query parameters would fail deep in the router, as a 500.
      Problems.send(ctx, 400, "the URI has a malformed percent-escape");
      return;
    }
    ctx.next();
  }

  /**
   * A random (version 4) UUID from {@link ThreadLocalRandom}. {@code UUID.randomUUID()} draws from
   * the JVM's shared {@code SecureRandom}, about 3% of a cache hit's CPU; a request id only has to be
   * unique, it guards nothing.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
    return new UUID(msb, lsb).toString();
  }

  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "unknown" : id;
  }
}
