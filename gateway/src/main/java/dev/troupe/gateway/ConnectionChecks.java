package dev.troupe.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Checks on every HTTP/1.x connection, below what Vert.x lets an application see, placed in the
 * connection's Netty pipeline just before Vert.x's own handler. Vert.x has no public hook for
 * either; an HTTP/2 connection has no such handler and needs neither.
 *
 * <ul>
 *   <li>A request line naming any version but {@code HTTP/1.0} or {@code HTTP/1.1} (say {@code
 *       http/1.1} or {@code HTTP/9.9}) is a malformed request. Netty reads it as a request of an
 *       unknown version, which Vert.x answers itself with a bare 501; marked as a decoding failure
 *       it reaches the server's invalid-request handler ({@link Problems#invalidRequest}) instead:
 *       a 400 problem with a request id, then the connection closes.
 *   <li>After a WebSocket upgrade (the SockJS bridge, the chat stream), a text frame whose bytes
 *       are not well-formed UTF-8 closes the connection with status 1007, as RFC 6455 asks. Vert.x
 *       would decode it with U+FFFD in place of what was sent.
 * </ul>
 */
final class ConnectionChecks {
  /** The name of Vert.x's connection handler in the pipeline of an HTTP/1.x connection. */
  private static final String VERTX_HANDLER = "handler";

  private static final String VERSION_CHECK = "troupe-http-version";
  private static final String TEXT_FRAME_CHECK = "troupe-websocket-utf8";
  private static final VersionCheck VERSIONS = new VersionCheck();

  private ConnectionChecks() {}

  /** For {@code HttpServer#connectionHandler}: installs the checks on a new HTTP/1.x connection. */
  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
      if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(VERSION_CHECK) == null) {
        pipeline.addBefore(VERTX_HANDLER, VERSION_CHECK, VERSIONS);
        // Keeps state across the fragments of a message: one per connection.
        pipeline.addBefore(VERTX_HANDLER, TEXT_FRAME_CHECK, new Utf8FrameValidator(true));
      }
    }
  }

  /** The failure the invalid-request handler finds on such a request. */
  static final class UnsupportedVersion extends IllegalArgumentException {
    UnsupportedVersion(HttpVersion version) {
      super("unsupported HTTP version " + version.text(), null);
    }
  }

  @ChannelHandler.Sharable
  private static final class VersionCheck extends ChannelInboundHandlerAdapter {
    @Override
    @SuppressWarnings(
        "ReferenceEquality") // identity on purpose: Vert.x tells versions apart by it (below)
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
        HttpVersion version = request.protocolVersion();
        // Netty reads "http/1.1" as a version equal to HTTP/1.1, yet not the same instance; Vert.x
        // tells versions apart by identity, so this check does too.
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
          request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion(version)));
        }
      }
      ctx.fireChannelRead(msg);
    }
  }
}
