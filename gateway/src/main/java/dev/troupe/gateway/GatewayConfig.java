package dev.troupe.gateway;

import dev.troupe.shared.bus.BreakerConfig;
import dev.troupe.shared.config.Settings;
import java.util.List;

/**
 * gateway settings.
 *
 * @param host address the HTTP server binds ({@code TROUPE_HTTP_HOST}, default {@code 127.0.0.1};
 *     {@code 0.0.0.0} in containers)
 * @param port HTTP port ({@code TROUPE_HTTP_PORT}, default 8080; 0 picks a free port)
 * @param maxBodyBytes largest accepted request body ({@code TROUPE_HTTP_MAX_BODY_BYTES}, default 1
 *     MiB)
 * @param timeoutMs deadline of each call into the pipeline; past it the client gets 504 ({@code
 *     TROUPE_GATEWAY_TIMEOUT_MS}, default 10000)
 * @param attemptTimeoutMs deadline of one attempt of an idempotent call (a read) while retries are
 *     left; an attempt without an answer by then was lost (sent to a node that has just died) and
 *     is sent again within {@code timeoutMs} ({@code TROUPE_GATEWAY_ATTEMPT_TIMEOUT_MS}, default
 *     half of {@code timeoutMs}; at least {@code timeoutMs}: no attempt deadline)
 * @param instances HTTP verticle instances sharing the port ({@code TROUPE_GATEWAY_INSTANCES},
 *     default: one per CPU)
 * @param healthPort a separate port serving only health and metrics, on any node ({@code
 *     TROUPE_HEALTH_PORT}, default unset: none)
 * @param drainMs on shutdown, how long requests in flight may take to finish ({@code
 *     TROUPE_GATEWAY_DRAIN_MS}, default 10000)
 * @param idleTimeoutSeconds a connection idle this long is closed ({@code
 *     TROUPE_HTTP_IDLE_TIMEOUT_SECONDS}, default 60)
 * @param corsOrigins origins allowed by CORS, comma-separated, {@code *} for any ({@code
 *     TROUPE_CORS_ORIGINS}, default none: no CORS headers)
 * @param accessLog one JSON line per request on the {@code troupe.access} logger ({@code
 *     TROUPE_ACCESS_LOG}, default true)
 * @param accessLogFlushMs how long an access line may wait to be written with others ({@code
 *     TROUPE_ACCESS_LOG_FLUSH_MS}, default 100; 0 hands over every line at once; {@link AccessLog})
 * @param auth {@code none}, {@code apikey} or {@code jwt} ({@code TROUPE_AUTH}, default none: only
 *     for loopback-only runs)
 * @param apiKeys with {@code apikey}: {@code name=<sha256 hex of the key>=<scopes>} entries ({@code
 *     TROUPE_API_KEYS})
 *     <p>The edge's guards read their own keys: admission control, {@link AdmissionConfig} ({@code
 *     TROUPE_GATEWAY_LIMIT}, {@code TROUPE_GATEWAY_MAX_IN_FLIGHT}, ...); with {@code jwt}, {@link
 *     JwtConfig} ({@code TROUPE_JWT_SECRET}, {@code TROUPE_JWT_PUBLIC_KEY}, {@code
 *     TROUPE_JWT_PUBLIC_KEY_FILE}, {@code TROUPE_JWT_ISSUER}, {@code TROUPE_JWT_AUDIENCE}, {@code
 *     TROUPE_JWT_LEEWAY_SECONDS}); the rate limit, {@link RateLimitConfig} ({@code
 *     TROUPE_RATE_LIMIT_PER_SEC}, {@code TROUPE_RATE_LIMIT_BURST}, {@code
 *     TROUPE_RATE_LIMIT_TIMEOUT_MS}); health and metrics, {@link HealthGuard} ({@code
 *     TROUPE_HEALTH_AUTH}, {@code TROUPE_HEALTH_KEY_SHA256}).
 * @param cacheReads whether a document read asks cache-service first and request-service only when
 *     the cache cannot answer ({@code TROUPE_GATEWAY_CACHE_READS}, default true; {@link
 *     CacheFirstReads})
 * @param cacheTimeoutMs the deadline of that cache call; past it the read goes through
 *     request-service ({@code TROUPE_CACHE_TIMEOUT_MS}, default 500, as request-service's)
 * @param breaker the circuit per downstream address of the gateway's calls ({@link Calls}): opens
 *     after {@code TROUPE_GATEWAY_BREAKER_FAILURES} faults (default 0: no breaker) for {@code
 *     TROUPE_BREAKER_RESET_MS}
 */
public record GatewayConfig(
    String host,
    int port,
    int maxBodyBytes,
    long timeoutMs,
    long attemptTimeoutMs,
    int instances,
    Integer healthPort,
    long drainMs,
    int idleTimeoutSeconds,
    List<String> corsOrigins,
    boolean accessLog,
    long accessLogFlushMs,
    String auth,
    List<String> apiKeys,
    boolean cacheReads,
    long cacheTimeoutMs,
    BreakerConfig breaker) {

  public static final String PORT_KEY = "TROUPE_HTTP_PORT";

  public static GatewayConfig from(Settings s) {
    String health = s.optional("TROUPE_HEALTH_PORT");
    long timeoutMs = s.longValue("TROUPE_GATEWAY_TIMEOUT_MS", 10_000, 1, 600_000);
    return new GatewayConfig(
        s.string("TROUPE_HTTP_HOST", "127.0.0.1"),
        s.integer(PORT_KEY, 8080, 0, 65535),
        s.integer("TROUPE_HTTP_MAX_BODY_BYTES", 1024 * 1024, 1, Integer.MAX_VALUE),
        timeoutMs,
        s.longValue("TROUPE_GATEWAY_ATTEMPT_TIMEOUT_MS", Math.max(1, timeoutMs / 2), 1, 600_000),
        s.integer("TROUPE_GATEWAY_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 256),
        health == null ? null : s.integer("TROUPE_HEALTH_PORT", 0, 0, 65535),
        s.longValue("TROUPE_GATEWAY_DRAIN_MS", 10_000, 0, 600_000),
        s.integer("TROUPE_HTTP_IDLE_TIMEOUT_SECONDS", 60, 1, 86_400),
        s.list("TROUPE_CORS_ORIGINS", List.of()),
        s.bool("TROUPE_ACCESS_LOG", true),
        s.longValue("TROUPE_ACCESS_LOG_FLUSH_MS", 100, 0, 10_000),
        auth(s.string("TROUPE_AUTH", "none")),
        s.list("TROUPE_API_KEYS", List.of()),
        s.bool("TROUPE_GATEWAY_CACHE_READS", true),
        s.longValue("TROUPE_CACHE_TIMEOUT_MS", 500, 1, 600_000),
        new BreakerConfig(
            s.integer("TROUPE_GATEWAY_BREAKER_FAILURES", 0, 0, 1_000_000),
            s.longValue("TROUPE_BREAKER_RESET_MS", 5_000, 1, 3_600_000)));
  }

  private static String auth(String value) {
    if (!value.equals("none") && !value.equals("apikey") && !value.equals("jwt")) {
      throw new IllegalArgumentException(
          "TROUPE_AUTH must be none, apikey or jwt, got '" + value + "'");
    }
    return value;
  }
}
