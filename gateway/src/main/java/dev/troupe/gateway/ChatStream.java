package dev.troupe.gateway;

import dev.troupe.shared.contract.ChatContract;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/chat/users/{user}/stream}, a WebSocket: each message of the user's rooms, as one
 * JSON text frame {@code {"room","seq","from","text","at"}}. While the socket is open this gateway
 * consumes the user's address on the bus, so the messages reach the user through whichever node the
 * socket is on. The consumer is registered before the upgrade is answered: once the client sees the
 * socket open, no message published afterwards is missed. A socket that cannot keep up (its write queue
 * past {@link #MAX_QUEUED_BYTES}) is closed with 1008 rather than buffered without limit; the client
 * reconnects and reads what it missed through the history.
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

  ChatStream(Vertx vertx) {
    this.vertx = vertx;
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
    ctx.request().pause();
    Stream stream = new Stream(user);
    // Paused until the socket is there: what arrives meanwhile waits in the consumer (bounded).
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(
        new MessageConsumerOptions().setAddress(address).setMaxBufferedMessages(MAX_BUFFERED), stream::deliver);
    consumer.pause();
    consumer.completion()
        .compose(registered -> ctx.request().toWebSocket())
        .onSuccess(socket -> {
          stream.socket = socket;
          socket.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
          socket.closeHandler(v -> consumer.unregister());
          socket.exceptionHandler(e -> LOG.debug("chat stream of {} failed", user, e));
          consumer.resume();
        })
        .onFailure(e -> {
          consumer.unregister();
          if (!ctx.response().headWritten()) {
            ctx.fail(e);
          }
        });
  }

  /** One open stream: its user and, once upgraded, its socket. Used on the request's event loop only. */
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
