package dev.troupe.gateway;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * The scopes of the API. Documents: {@code docs:read} for GET, HEAD and {@code POST .../_mget} (a
 * read with a body), {@code docs:write} for the rest. Of the jobs, an import and a cancel need
 * {@code docs:write}; export, warmup, status and results {@code docs:read}. Chat: every route under
 * {@code /api/v1/chat} needs {@code chat:user}, which lets the caller act in chat as itself; {@code
 * chat:admin} grants it too and lets the caller act for any user ({@link ChatIdentity}).
 */
final class Scopes {
  static final String READ = "docs:read";
  static final String WRITE = "docs:write";
  static final String CHAT_USER = "chat:user";
  static final String CHAT_ADMIN = "chat:admin";

  /** Every scope there is; API keys may hold no other. */
  static final Set<String> ALL = Set.of(READ, WRITE, CHAT_USER, CHAT_ADMIN);

  private Scopes() {}

  static String needed(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    // The path the router matches, so "/api/v1/chat/../docs/..." needs the scope of the route it
    // reaches.
    String path = ctx.normalizedPath();
    if (path.startsWith(ChatApi.BASE + "/")) {
      return CHAT_USER;
    }
    if (path.startsWith(JobsApi.BASE)) {
      return JobsApi.isRead(ctx) ? READ : WRITE;
    }
    boolean read =
        HttpMethod.GET.equals(method)
            || HttpMethod.HEAD.equals(method)
            || (HttpMethod.POST.equals(method) && path.endsWith("/" + BatchApi.MGET));
    return read ? READ : WRITE;
  }

  /**
   * Whether {@code held} grants {@code needed}: itself, or {@code chat:admin} for {@code
   * chat:user}.
   */
  static boolean grants(Set<String> held, String needed) {
    return held.contains(needed) || (needed.equals(CHAT_USER) && held.contains(CHAT_ADMIN));
  }
}
