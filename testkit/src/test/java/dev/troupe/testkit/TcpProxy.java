package dev.troupe.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A TCP proxy on loopback in front of a server, that a test can {@link #cut} (every proxied
 * connection closed, nothing listening: new connects are refused) and {@link #restore} (listening
 * again on the same port). It runs on a Vert.x instance of its own, since it must listen before the
 * cluster under test starts; register it as an extension so {@code afterAll} closes it.
 */
final class TcpProxy implements AfterAllCallback {
  private static final long START_TIMEOUT_S = 10;

  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicInteger accepted = new AtomicInteger();
  private volatile NetServer server;
  private volatile boolean cut;
  private volatile int port;

  private TcpProxy(String targetHost, int targetPort) {
    this.vertx = Vertx.vertx();
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2_000));
  }

  /**
   * Starts a proxy to {@code host:port} on an ephemeral loopback port; blocks (call it from a test
   * thread).
   */
  static TcpProxy start(String host, int port) {
    TcpProxy proxy = new TcpProxy(host, port);
    try {
      proxy
          .listen(0)
          .toCompletionStage()
          .toCompletableFuture()
          .get(START_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (Exception e) {
      proxy.vertx.close();
      throw new IllegalStateException("the proxy to " + host + ":" + port + " cannot listen", e);
    }
    return proxy;
  }

  /** The loopback port the proxy listens on, the same after every {@link #restore}. */
  int port() {
    return port;
  }

  /** True between {@link #cut} and {@link #restore}. */
  boolean isCut() {
    return cut;
  }

  /** Client connections the proxy has accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /**
   * Stops listening, then closes every proxied connection, both sides. Completes on {@code
   * callerContext}, so the test goes on on its own Vert.x instance.
   */
  Future<Void> cut(Context callerContext) {
    cut = true;
    NetServer listening = server;
    server = null;
    Future<Void> closed =
        (listening == null ? Future.<Void>succeededFuture() : listening.close())
            .compose(v -> Future.join(List.copyOf(sockets).stream().map(NetSocket::close).toList()))
            .transform(ar -> Future.succeededFuture());
    return Future.fromCompletionStage(closed.toCompletionStage(), callerContext);
  }

  /** Listens again on the same port. Completes on {@code callerContext}. */
  Future<Void> restore(Context callerContext) {
    cut = false;
    return Future.fromCompletionStage(
        listen(port).<Void>mapEmpty().toCompletionStage(), callerContext);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
  }

  private Future<NetServer> listen(int onPort) {
    // reuseAddress lets the port be bound again right after a cut, whatever TIME_WAIT is left.
    NetServer next =
        vertx.createNetServer(
            new NetServerOptions().setHost("127.0.0.1").setPort(onPort).setReuseAddress(true));
    next.connectHandler(this::accept);
    return next.listen()
        .onSuccess(
            s -> {
              port = s.actualPort();
              server = s;
            });
  }

  private void accept(NetSocket inbound) {
    if (cut) {
      inbound.close();
      return;
    }
    accepted.incrementAndGet();
    inbound.pause();
    sockets.add(inbound);
    inbound.closeHandler(v -> sockets.remove(inbound));
    client
        .connect(targetPort, targetHost)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                inbound.close();
                return;
              }
              NetSocket outbound = ar.result();
              if (cut || !sockets.contains(inbound)) {
                outbound.close();
                inbound.close();
                return;
              }
              sockets.add(outbound);
              inbound.closeHandler(
                  v -> {
                    sockets.remove(inbound);
                    outbound.close();
                  });
              outbound.closeHandler(
                  v -> {
                    sockets.remove(outbound);
                    inbound.close();
                  });
              inbound.pipeTo(outbound);
              outbound.pipeTo(inbound);
            });
  }
}
