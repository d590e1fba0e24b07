package dev.troupe.gateway;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * The two scopes of the document API: {@code docs:read} for GET, HEAD and {@code POST .../_mget} (a read
 * with a body), {@code docs:write} for the rest. Of the jobs, an import and a cancel need
 * {@code docs:write}; export, warmup, status and results {@code docs:read}.
 */
final class Scopes {
  static final String READ = "docs:read";
  static final String WRITE = "docs:write";

  private Scopes() {}

  static String needed(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    if (ctx.request().path().startsWith(JobsApi.BASE)) {
      return JobsApi.isRead(ctx) ? READ : WRITE;
    }
    boolean read = method == HttpMethod.GET || method == HttpMethod.HEAD
        || (method == HttpMethod.POST && ctx.request().path().endsWith("/" + BatchApi.MGET));
    return read ? READ : WRITE;
  }
}
