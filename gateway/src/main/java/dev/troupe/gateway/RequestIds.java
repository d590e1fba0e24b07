package dev.troupe.gateway;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The first handler of every request. Gives it an id, sent back as {@code X-Request-Id} and carried
 * on every bus message. A client's own id is kept when it is sane (1 to 128 visible ASCII
 * characters of a safe set). A request the router refuses before this handler runs (no {@code
 * Host}, a target that is no path) gets its id from {@link #of} when it is answered, so every
 * answer carries one, the same in header and body.
 *
 * <p>It also refuses targets that would be read differently by different hops (400): a malformed
 * percent-escape, a dot-segment ({@code .} or {@code ..}, also percent-encoded) and an encoded
 * slash or backslash ({@code %2F}, {@code %5C}) in the path. The router would otherwise resolve the
 * dot-segments itself and route {@code /a/../b} as {@code /b}.
 */
final class RequestIds {
  static final String HEADER = "X-Request-Id";
  private static final String KEY = "troupe.requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

  /** A {@code %} not followed by two hex digits: the path cannot be decoded. */
  private static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  /** A path segment that is {@code .} or {@code ..}, each dot possibly written {@code %2e}. */
  private static final Pattern DOT_SEGMENT = Pattern.compile("(?:^|/)(?:\\.|%2[eE]){1,2}(?:/|$)");

  private static final Pattern ENCODED_SLASH = Pattern.compile("%(?:2[fF]|5[cC])");

  private RequestIds() {}

  static void assign(RoutingContext ctx) {
    of(ctx);
    String refusal = refusal(ctx.request());
    if (refusal != null) {
      Problems.send(ctx, 400, refusal);
      return;
    }
    ctx.next();
  }

  /** Why the request's target is refused, or null. */
  static String refusal(HttpServerRequest request) {
    return refusal(request.uri(), request.path());
  }

  /** Why a target (its URI as sent, and the path part of it) is refused, or null. */
  static String refusal(String uri, String path) {
    if (uri != null && uri.indexOf('%') >= 0 && BAD_ESCAPE.matcher(uri).find()) {
      // Decoding path or query parameters would fail deep in the router, as a 500.
      return "the URI has a malformed percent-escape";
    }
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return "the request target must be a path starting with '/'";
    }
    if (path.indexOf('.') >= 0 || path.indexOf('%') >= 0) {
      if (DOT_SEGMENT.matcher(path).find()) {
        return "the path must not hold a '.' or '..' segment";
      }
      if (ENCODED_SLASH.matcher(path).find()) {
        return "the path must not hold an encoded slash or backslash (%2F, %5C)";
      }
    }
    return null;
  }

  /**
   * A random (version 4) UUID from {@link ThreadLocalRandom}. {@code UUID.randomUUID()} draws from
   * the JVM's shared {@code SecureRandom}, about 3% of a cache hit's CPU; a request id only has to
   * be unique, it guards nothing.
   */
  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
    return new UUID(msb, lsb).toString();
  }

  /**
   * The id for a request that sent {@code given} as its {@code X-Request-Id}: that, when sane, else
   * a new one.
   */
  static String idFor(String given) {
    return given != null && SANE.matcher(given).matches() ? given : newId();
  }

  /** True once the request has its id: it reached {@link #assign}, or was answered already. */
  static boolean assigned(RoutingContext ctx) {
    return ctx.get(KEY) != null;
  }

  /**
   * The request's id, given to it now if it has none yet (the router refused it before {@link
   * #assign} ran), and sent back as {@code X-Request-Id} while the head is not written.
   */
  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      id = idFor(ctx.request().getHeader(HEADER));
      ctx.put(KEY, id);
      if (!ctx.response().headWritten()) {
        ctx.response().putHeader(HEADER, id);
      }
    }
    return id;
  }
}
