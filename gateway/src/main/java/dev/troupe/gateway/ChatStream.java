package dev.troupe.gateway;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
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
 * one JSON text frame {@code {"room","seq","from","text","at"}}. The stream has an end on this
 * gateway node, {@link ChatContract#streamAddress}, and a session: a child of the user's actor, on
 * that actor's node, which owns delivery to the socket (it sends each message to the end, which
 * answers once the frame is written, and drops a socket that does not keep up: see {@code
 * SessionActor} in the chat service). The end is registered, and the user's actor told {@code
 * streamOpened} (which starts the session and counts the stream in the presence), before the
 * upgrade is answered: once the client sees the socket open, no message stored afterwards is
 * missed. When that fails (no chat service, a timeout) the upgrade is refused with its error (503,
 * 504), as a stream without a session would receive nothing. When the socket closes, the end is
 * removed and the actor told {@code streamClosed}.
 *
 * <p>The caller must be the user ({@link ChatIdentity}), else 403 before the upgrade. A browser,
 * which cannot send an {@code Authorization} header here, offers its credential as a subprotocol
 * ({@link WebSocketCredential}); the server then selects {@link WebSocketCredential#PROTOCOL}.
 */
final class ChatStream {
  static final String PATH = ChatApi.BASE + "/users/:user/stream";

  /** Commands the end holds while the upgrade completes. */
  private static final int MAX_BUFFERED = 1_000;

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
    if (!"websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"))) {
      throw new HttpException(426, "this is a WebSocket: connect with Upgrade: websocket");
    }
    identity.require(ctx, user);
    ctx.request().pause();
    Stream stream = new Stream(user);
    String streamId = UUID.randomUUID().toString();
    // Paused until the socket is there: what the session sends meanwhile waits here (bounded).
    MessageConsumer<JsonObject> end =
        vertx
            .eventBus()
            .consumer(
                new MessageConsumerOptions()
                    .setAddress(ChatContract.streamAddress(streamId))
                    .setMaxBufferedMessages(MAX_BUFFERED),
                stream::command);
    end.pause();
    Future<JsonObject> opened =
        end.completion()
            .compose(
                registered ->
                    presence(user, ChatContract.STREAM_OPENED, streamId, RequestIds.of(ctx)));
    opened
        .compose(presence -> ctx.request().toWebSocket())
        .onSuccess(
            socket -> {
              stream.socket = socket;
              socket.closeHandler(
                  v -> {
                    end.unregister();
                    closed(user, streamId);
                  });
              socket.exceptionHandler(e -> LOG.debug("chat stream of {} failed", user, e));
              end.resume();
            })
        .onFailure(
            e -> {
              end.unregister();
              if (opened.succeeded()) {
                closed(user, streamId);
              }
              if (!ctx.response().headWritten()) {
                ctx.fail(e);
              }
            });
  }

  /** Tells the user's actor the stream closed; advisory (the session ends without it too). */
  private void closed(String user, String streamId) {
    presence(user, ChatContract.STREAM_CLOSED, streamId, null)
        .onFailure(
            e ->
                LOG.info(
                    "presence of {} not updated ({}): {}",
                    user,
                    ChatContract.STREAM_CLOSED,
                    e.getMessage()));
  }

  /** Tells the user's actor (through the chat service) that a stream opened or closed here. */
  private Future<JsonObject> presence(
      String user,
      Action<ChatContract.StreamEvent, JsonObject> action,
      String streamId,
      String requestId) {
    if (self.isEmpty()) {
      return Future.failedFuture(
          new TroupeException(ErrorCode.UNAVAILABLE, "chat streams need a cluster node"));
    }
    ChatContract.StreamEvent event =
        new ChatContract.StreamEvent(user, self.get().name(), self.get().member(), streamId);
    return calls.call(action, event, requestId);
  }

  private record Node(String name, String member) {}

  /**
   * One open stream: its user and, once upgraded, its socket; its end takes the session's commands.
   * Used on the request's event loop only.
   */
  private static final class Stream {
    private final String user;
    private ServerWebSocket socket;

    Stream(String user) {
      this.user = user;
    }

    /** A frame to write (answered once written) or a close, from the stream's session. */
    void command(Message<JsonObject> message) {
      JsonObject body = message.body();
      if (body.getValue(ChatContract.STREAM_CLOSE) instanceof Number status) {
        if (socket != null && !socket.isClosed()) {
          LOG.info("the session of a chat stream of {} closes it ({})", user, status);
          socket.close(status.shortValue(), body.getString(ChatContract.STREAM_REASON));
        }
        message.reply(new JsonObject());
        return;
      }
      JsonObject frame = body.getJsonObject(ChatContract.STREAM_FRAME);
      if (frame == null || socket == null || socket.isClosed()) {
        message.fail(ErrorCode.UNAVAILABLE.code(), "the stream is closed");
        return;
      }
      socket
          .writeTextMessage(frame.encode())
          .onComplete(
              written -> {
                if (written.succeeded()) {
                  message.reply(new JsonObject());
                } else {
                  message.fail(ErrorCode.UNAVAILABLE.code(), "the stream is closed");
                }
              });
    }
  }
}
