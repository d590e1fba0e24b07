package dev.troupe.gateway;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ChatContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/chat/users/{user}/stream}, a WebSocket: each message of the user's rooms, as
 * one JSON text frame {@code {"room","seq","from","text","at"}}. While the socket is open this
 * gateway consumes the user's address on the bus, so the messages reach the user through whichever
 * node the socket is on. The consumer is registered before the upgrade is answered: once the client
 * sees the socket open, no message published afterwards is missed. A socket that cannot keep up
 * (its write queue past {@link #MAX_QUEUED_BYTES}) is closed with 1008 rather than buffered without
 * limit; the client reconnects and reads what it missed through the history.
 *
 * <p>Each stream also counts in the user's presence: once the socket is open this node tells the
 * user's actor {@code streamOpened}, and {@code streamClosed} when it closes (only after the open
 * was answered). These are advisory: the stream serves whether or not they succeed.
 *
 * <p>The caller must be the user ({@link ChatIdentity}), else 403 before the upgrade. A browser,
 * which cannot send an {@code Authorization} header here, offers its credential as a subprotocol
 * ({@link WebSocketCredential}); the server then selects {@link WebSocketCredential#PROTOCOL}.
 */
final class ChatStream {
  static final String PATH = ChatApi.BASE + "/users/:user/stream";

  /** Bytes a socket may have waiting to be written, about a hundred typical messages. */
  static final int MAX_QUEUED_BYTES = 64 * 1024;

  /** Messages the consumer holds while the upgrade completes. */
  private static final int MAX_BUFFERED = 1_000;

  private static final short POLICY_VIOLATION = 1008;
  private static final Logger LOG = LoggerFactory.getLogger(ChatStream.class);

  private final Vertx vertx;
  private final Calls calls;
  private final ChatIdentity identity;

  /**
   * This gateway node's name and Hazelcast member; empty on a Vert.x not started as a Troupe node.
   */
  private final Optional<Node> self;

  ChatStream(Vertx vertx, Calls calls, ChatIdentity identity) {
    this.vertx = vertx;
    this.calls = calls;
    this.identity = identity;
    this.self =
        NodeRuntime.find(vertx)
            .map(
                runtime ->
                    new Node(
                        runtime.nodeName(),
                        runtime.hazelcast().getCluster().getLocalMember().getUuid().toString()));
  }

  void mount(Router router) {
    router.get(PATH).handler(AccessLog::route).handler(this::open);
  }

  private void open(RoutingContext ctx) {
    String user = ctx.pathParam("user");
    String address = ChatContract.userAddress(user);
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      throw new HttpException(426, "this is a WebSocket: connect with Upgrade: websocket");
    }
    identity.require(ctx, user);
    ctx.request().pause();
    Stream stream = new Stream(user);
    String streamId = UUID.randomUUID().toString();
    // Paused until the socket is there: what arrives meanwhile waits in the consumer (bounded).
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                new MessageConsumerOptions()
                    .setAddress(address)
                    .setMaxBufferedMessages(MAX_BUFFERED),
                stream::deliver);
    consumer.pause();
    consumer
        .completion()
        .compose(registered -> ctx.request().toWebSocket())
        .onSuccess(
            socket -> {
              stream.socket = socket;
              socket.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
              Future<Void> opened =
                  presence(user, ChatContract.STREAM_OPENED, streamId, RequestIds.of(ctx));
              socket.closeHandler(
                  v -> {
                    consumer.unregister();
                    // After the open is answered, so the user's actor never sees the close first.
                    opened.onComplete(
                        o -> presence(user, ChatContract.STREAM_CLOSED, streamId, null));
                  });
              socket.exceptionHandler(e -> LOG.debug("chat stream of {} failed", user, e));
              consumer.resume();
            })
        .onFailure(
            e -> {
              consumer.unregister();
              if (!ctx.response().headWritten()) {
                ctx.fail(e);
              }
            });
  }

  /**
   * Tells the user's actor (through the chat service) that a stream opened or closed here. Presence
   * is advisory: a failure (no chat service, a timeout) is logged and the stream serves on; streams
   * of a node that leaves the cluster stop counting without a close (the user actor checks the
   * members).
   */
  private Future<Void> presence(
      String user,
      Action<ChatContract.StreamEvent, JsonObject> action,
      String streamId,
      String requestId) {
    if (self.isEmpty()) {
      return Future.succeededFuture();
    }
    ChatContract.StreamEvent event =
        new ChatContract.StreamEvent(user, self.get().name(), self.get().member(), streamId);
    return calls
        .call(action, event, requestId)
        .onFailure(
            e -> LOG.info("presence of {} not updated ({}): {}", user, action, e.getMessage()))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  private record Node(String name, String member) {}

  /**
   * One open stream: its user and, once upgraded, its socket. Used on the request's event loop
   * only.
   */
  private static final class Stream {
    private final String user;
    private ServerWebSocket socket;

    Stream(String user) {
      this.user = user;
    }

    void deliver(Message<JsonObject> message) {
      if (socket == null || socket.isClosed()) {
        return;
      }
      if (socket.writeQueueFull()) {
        LOG.info("closing the chat stream of {}: it does not keep up", user);
        socket.close(POLICY_VIOLATION, "too slow: read the history and reconnect");
        return;
      }
      socket.writeTextMessage(message.body().encode());
    }
  }
}
