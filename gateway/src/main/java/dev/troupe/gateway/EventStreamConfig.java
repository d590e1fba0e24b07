package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;

/**
 * Settings of the Server-Sent Events stream of change events ({@code GET
 * /api/v1/docs/{collection}/_events}).
 *
 * @param maxStreams streams the node's gateway holds open at once; the next gets 503 ({@code
 *     TROUPE_SSE_MAX_STREAMS}, default 1000)
 * @param heartbeatSeconds a comment line is sent this often, so proxies and clients see a live
 *     stream ({@code TROUPE_SSE_HEARTBEAT_SECONDS}, default 15)
 * @param bufferBytes bytes a stream may have waiting for a slow client; past it the client is
 *     dropped ({@code TROUPE_SSE_BUFFER_BYTES}, default 65536)
 */
record EventStreamConfig(int maxStreams, int heartbeatSeconds, int bufferBytes) {
  static EventStreamConfig from(Settings s) {
    return new EventStreamConfig(
        s.integer("TROUPE_SSE_MAX_STREAMS", 1000, 1, 1_000_000),
        s.integer("TROUPE_SSE_HEARTBEAT_SECONDS", 15, 1, 3600),
        s.integer("TROUPE_SSE_BUFFER_BYTES", 64 * 1024, 1024, 64 * 1024 * 1024));
  }
}
