package dev.troupe.gateway;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Makes a request line naming any version but {@code HTTP/1.0} or {@code HTTP/1.1} (say
 * {@code http/1.1} or {@code HTTP/9.9}) a malformed request. Netty reads such a line as a request of
 * an unknown version, and Vert.x answers those itself with a bare 501; marked as a decoding failure
 * it reaches the server's invalid-request handler instead ({@link Problems#invalidRequest}): a 400
 * problem with a request id, then the connection closes.
 *
 * <p>Vert.x has no public hook for this, so the check sits in the connection's Netty pipeline, just
 * before Vert.x's own handler; an HTTP/2 connection has no such handler and needs no check.
 */
final class HttpVersions {
  /** The name of Vert.x's connection handler in the pipeline of an HTTP/1.x connection. */
  private static final String VERTX_HANDLER = "handler";
  private static final String NAME = "troupe-http-version";
  private static final Check CHECK = new Check();

  private HttpVersions() {}

  /** For {@code HttpServer#connectionHandler}: installs the check on a new HTTP/1.x connection. */
  static void check(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      ChannelPipeline pipeline = base.channelHandlerContext().pipeline();
      if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(NAME) == null) {
        pipeline.addBefore(VERTX_HANDLER, NAME, CHECK);
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
  private static final class Check extends ChannelInboundHandlerAdapter {
    @Override
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
