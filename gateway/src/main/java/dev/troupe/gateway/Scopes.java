package dev.troupe.gateway;

import io.vertx.core.http.HttpMethod;

/** The two scopes of the document API: {@code docs:read} for GET and HEAD, {@code docs:write} for the rest. */
final class Scopes {
  static final String READ = "docs:read";
  static final String WRITE = "docs:write";

  private Scopes() {}

  static String needed(HttpMethod method) {
    return method == HttpMethod.GET || method == HttpMethod.HEAD ? READ : WRITE;
  }
}
