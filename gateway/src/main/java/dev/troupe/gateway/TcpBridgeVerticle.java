package dev.troupe.gateway;

import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.eventbus.bridge.tcp.BridgeEvent;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge ({@code vertx-tcp-eventbus-bridge}) on {@code TROUPE_BRIDGE_PORT}, for
 * services outside the JVM: frames of a 4-byte big-endian length and a JSON object, as the bridge's
 * protocol defines. Every frame passes {@link BridgeGuard} (allowlists, authentication, scopes,
 * frame rate).
 *
 * <p>The bridge itself listens on a Unix domain socket private to this node; clients connect to a
 * thin front on the TCP port that relays bytes both ways. The bridge reads each frame whole before
 * anyone can look at it and offers no connection count, so the front enforces what it cannot: at
 * most {@code TROUPE_BRIDGE_MAX_CONNECTIONS} connections, no frame announcing more than {@code
 * TROUPE_BRIDGE_MAX_FRAME_BYTES} (refused from its length, before its bytes are held), no frame
 * that is not one strict JSON object in UTF-8 ({@link FrameLimit}: an err frame says why), and
 * silent connections closed after {@code TROUPE_BRIDGE_IDLE_TIMEOUT_SECONDS}. It also learns the
 * port actually bound, which the bridge does not tell.
 */
public final class TcpBridgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TcpBridgeVerticle.class);

  private final Map<NetSocket, BridgeGuard.Connection> connections = new HashMap<>();
  private BridgeConfig config;
  private BridgeGuard guard;
  private TcpEventBusBridge bridge;
  private NetServer front;
  private NetClient relay;
  private SocketAddress bridgeAddress;
  private String socketDir;
  private int open;

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    config = BridgeConfig.from(settings);
    return BridgeAuth.create(
            vertx, GatewayConfig.from(settings), settings, NodeRuntime.registryOf(vertx))
        .compose(
            auth -> {
              guard = new BridgeGuard(config, auth, System::nanoTime, false);
              return vertx.fileSystem().createTempDirectory("troupe-bridge");
            })
        .compose(
            dir -> {
              socketDir = dir;
              bridgeAddress = SocketAddress.domainSocketAddress(dir + "/bridge.sock");
              bridge =
                  TcpEventBusBridge.create(
                      vertx,
                      BridgeGuard.options(config, new BridgeOptions()),
                      new NetServerOptions(),
                      this::handle);
              return bridge.listen(bridgeAddress);
            })
        .compose(
            listening -> {
              relay = vertx.createNetClient();
              front =
                  vertx.createNetServer(
                      new NetServerOptions()
                          .setIdleTimeout(config.idleTimeoutSeconds())
                          .setIdleTimeoutUnit(TimeUnit.SECONDS));
              return front.connectHandler(this::accept).listen(config.tcpPort(), config.tcpHost());
            })
        .onSuccess(
            server -> {
              NodeRuntime.publishBridgePort(vertx, server.actualPort());
              LOG.info(
                  "TCP event-bus bridge listening on {}:{}", config.tcpHost(), server.actualPort());
            });
  }

  /** A client connects to the front: counted, then relayed to the bridge through its own socket. */
  private void accept(NetSocket client) {
    if (open >= config.maxConnections()) {
      write(
          client,
          error(
              ErrorCode.UNAVAILABLE,
              "the bridge is at its limit of "
                  + config.maxConnections()
                  + " connections; retry later"));
      client.close();
      return;
    }
    open++;
    client.pause();
    // Set once, before the relay connects: a client may leave while it does.
    NetSocket[] toBridge = new NetSocket[1];
    boolean[] gone = new boolean[1];
    client.closeHandler(
        closed -> {
          open--;
          gone[0] = true;
          if (toBridge[0] != null) {
            toBridge[0].close();
          }
        });
    relay
        .connect(bridgeAddress)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                LOG.warn("cannot reach the TCP bridge's socket", ar.cause());
                write(
                    client,
                    error(ErrorCode.UNAVAILABLE, "the bridge is not available; retry later"));
                client.close();
              } else if (gone[0]) {
                ar.result().close();
              } else {
                toBridge[0] = ar.result();
                relayBothWays(client, ar.result());
              }
            });
  }

  private void relayBothWays(NetSocket client, NetSocket toBridge) {
    FrameLimit limit = new FrameLimit(config.maxFrameBytes());
    client.handler(
        bytes -> {
          Buffer frames = limit.accept(bytes);
          if (frames == null) {
            write(
                client,
                limit.refusal() == FrameLimit.Refusal.TOO_LARGE
                    ? error(
                        ErrorCode.PAYLOAD_TOO_LARGE,
                        "a frame may hold at most " + config.maxFrameBytes() + " bytes")
                    : error(
                        ErrorCode.BAD_REQUEST,
                        "a frame must be one RFC 8259 JSON object in UTF-8; this one is "
                            + limit.reason()));
            client.close();
            return;
          }
          if (frames.length() == 0) {
            return;
          }
          toBridge.write(frames);
          if (toBridge.writeQueueFull()) {
            client.pause();
            toBridge.drainHandler(drained -> client.resume());
          }
        });
    toBridge.handler(
        bytes -> {
          client.write(bytes);
          if (client.writeQueueFull()) {
            toBridge.pause();
            client.drainHandler(drained -> toBridge.resume());
          }
        });
    toBridge.closeHandler(closed -> client.close());
    client.resume();
  }

  /**
   * Every frame the bridge parsed, on its side of the relay: one {@link BridgeGuard.Connection} per
   * client.
   */
  private void handle(BridgeEvent event) {
    NetSocket socket = event.socket();
    BridgeGuard.Connection connection = connections.get(socket);
    if (connection == null) {
      connection = guard.connection();
      connections.put(socket, connection);
      socket.closeHandler(closed -> connections.remove(socket));
    }
    guard.decide(
        event,
        connection,
        new BridgeGuard.Client() {
          @Override
          public void send(JsonObject frame) {
            write(socket, frame);
          }

          @Override
          public void close() {
            socket.close();
          }
        });
  }

  private static JsonObject error(ErrorCode code, String message) {
    return new JsonObject()
        .put("type", "err")
        .put("failureCode", code.code())
        .put("message", message);
  }

  private static void write(NetSocket socket, JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    socket.write(Buffer.buffer(json.length + 4).appendInt(json.length).appendBytes(json));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = front == null ? Future.succeededFuture() : front.close();
    return closed
        .eventually(() -> bridge == null ? Future.succeededFuture() : bridge.close())
        .eventually(() -> relay == null ? Future.succeededFuture() : relay.close())
        .eventually(
            () ->
                socketDir == null
                    ? Future.succeededFuture()
                    : vertx.fileSystem().deleteRecursive(socketDir));
  }
}
