package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;

/**
 * gateway settings.
 *
 * @param host address the HTTP server binds ({@code TROUPE_HTTP_HOST}, default {@code 127.0.0.1}; {@code 0.0.0.0} in containers)
 * @param port HTTP port ({@code TROUPE_HTTP_PORT}, default 8080; 0 picks a free port)
 * @param maxBodyBytes largest accepted request body ({@code TROUPE_HTTP_MAX_BODY_BYTES}, default 1 MiB)
 * @param timeoutMs deadline of each call into the pipeline; past it the client gets 504 ({@code TROUPE_GATEWAY_TIMEOUT_MS}, default 10000)
 * @param instances HTTP verticle instances sharing the port ({@code TROUPE_GATEWAY_INSTANCES}, default: one per CPU)
 * @param healthPort a separate port serving only health and metrics, on any node ({@code TROUPE_HEALTH_PORT}, default unset: none)
 */
public record GatewayConfig(String host, int port, int maxBodyBytes, long timeoutMs, int instances,
    Integer healthPort) {

  public static final String PORT_KEY = "TROUPE_HTTP_PORT";

  public static GatewayConfig from(Settings s) {
    String health = s.optional("TROUPE_HEALTH_PORT");
    return new GatewayConfig(
        s.string("TROUPE_HTTP_HOST", "127.0.0.1"),
        s.integer(PORT_KEY, 8080, 0, 65535),
        s.integer("TROUPE_HTTP_MAX_BODY_BYTES", 1024 * 1024, 1, Integer.MAX_VALUE),
        s.longValue("TROUPE_GATEWAY_TIMEOUT_MS", 10_000, 1, 600_000),
        s.integer("TROUPE_GATEWAY_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256),
        health == null ? null : s.integer("TROUPE_HEALTH_PORT", 0, 0, 65535));
  }
}
