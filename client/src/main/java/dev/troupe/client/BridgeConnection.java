package dev.troupe.client;

import dev.troupe.shared.bus.BusNames;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection to a gateway's event-bus bridge, used from one Vert.x context (its {@link
 * BridgeTransport}'s).
 *
 * <p><b>Opening.</b> The first frame is a {@code ping} request to request-service carrying the
 * credential ({@code headers.authorization}): the bridge authenticates the connection on it and
 * closes it after an {@code err} frame with failure code 4010 when the credential is refused. Any
 * other answer (the reply, or a failure of the service) means the connection is authenticated.
 *
 * <p><b>Requests</b> are {@code send} frames with a reply address of their own, the action in the
 * {@code action} header and the attempt's deadline in {@code timeout}; the answer is a {@code
 * message} or an {@code err} frame to that reply address.
 *
 * <p><b>Refusals without an address</b> (a frame outside the bridge's allowlists, a {@code
 * register} its guard refuses) are told apart by the fences of {@link BridgeFences}; the requests
 * waiting for their answers are {@link PendingCalls}'s.
 */
final class BridgeConnection {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);

  /** What the connection tells its transport. */
  interface Listener {
    /** A message published to {@code address}, which this connection registered. */
    void onEvent(String address, JsonObject body);

    /** The connection closed (by either side); it serves nothing more. */
    void onClosed(BridgeConnection connection);
  }

  private final Vertx vertx;
  private final NetSocket socket;
  private final ClientOptions options;
  private final Listener listener;
  private final String name;
  private final BridgeFrames.Reader reader =
      new BridgeFrames.Reader(BridgeFrames.MAX_INBOUND_BYTES);
  private final String replyPrefix = "troupe.client." + UUID.randomUUID() + ".";
  private final PendingCalls pending;
  private final BridgeFences fences;
  private final Set<String> registered = new HashSet<>();
  private final Promise<Void> opened = Promise.promise();
  private final String openReply = replyPrefix + "0";
  private long nextReply;
  private long pingTimer = -1;
  private long openTimer = -1;
  private boolean closed;

  private BridgeConnection(
      Vertx vertx, NetSocket socket, ClientOptions options, Listener listener) {
    this.vertx = vertx;
    this.socket = socket;
    this.options = options;
    this.listener = listener;
    this.name = "the bridge at " + options.bridgeHost() + ":" + options.bridgePort();
    this.pending = new PendingCalls(vertx, name);
    this.fences = new BridgeFences(name, pending::fail);
  }

  /**
   * Connects, and completes once the bridge has authenticated the connection. Fails with a {@link
   * TroupeException} {@code UNAUTHORIZED} when the credential is refused, else with a {@link
   * TransportFailure} (nothing was sent).
   */
  static Future<BridgeConnection> open(
      Vertx vertx, NetClient net, ClientOptions options, Listener listener) {
    return net.connect(options.bridgePort(), options.bridgeHost())
        .recover(
            e ->
                Future.failedFuture(
                    TransportFailure.notSent(
                        "cannot connect to the bridge at "
                            + options.bridgeHost()
                            + ":"
                            + options.bridgePort()
                            + ": "
                            + e.getMessage(),
                        e)))
        .compose(
            socket -> {
              BridgeConnection connection = new BridgeConnection(vertx, socket, options, listener);
              return connection.handshake().map(connection);
            });
  }

  private Future<Void> handshake() {
    socket.handler(this::read);
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(e -> LOG.debug("{}: {}", name, e.toString()));
    long timeoutMs = options.connectTimeout().toMillis();
    JsonObject credential =
        options.credential() == null
            ? null
            : new JsonObject().put("authorization", options.credential());
    JsonObject frame =
        BridgeFrames.send(
            RequestContract.ADDRESS,
            openReply,
            BusNames.PING,
            timeoutMs,
            credential,
            new JsonObject());
    openTimer =
        vertx.setTimer(
            timeoutMs,
            t ->
                opened(
                    TransportFailure.notSent(
                        name + " did not answer the first frame within " + timeoutMs + " ms")));
    socket
        .write(BridgeFrames.encode(frame))
        .onFailure(
            e -> opened(TransportFailure.notSent(name + ": the first frame was not sent", e)));
    return opened.future();
  }

  /** The handshake's end: the connection serves, or is closed with {@code failure}. */
  private void opened(Throwable failure) {
    vertx.cancelTimer(openTimer);
    if (failure == null) {
      if (opened.tryComplete()) {
        long every = options.pingInterval().toMillis();
        pingTimer = vertx.setPeriodic(every, every, t -> keepAlive());
      }
    } else if (opened.tryFail(failure)) {
      socket.close();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Sends a request; see {@link Transport#request}. */
  Future<JsonObject> request(String address, String action, JsonObject body, long timeoutMs) {
    if (closed) {
      return Future.failedFuture(TransportFailure.notSent(name + ": the connection is closed"));
    }
    String replyAddress = replyPrefix + ++nextReply;
    Buffer bytes =
        BridgeFrames.encode(
            BridgeFrames.send(address, replyAddress, action, timeoutMs, null, body));
    if (bytes.length() - 4 > options.maxFrameBytes()) {
      return Future.failedFuture(
          new TroupeException(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "the request is "
                  + (bytes.length() - 4)
                  + " bytes as a bridge frame; the bridge takes at most "
                  + options.maxFrameBytes()
                  + " (TROUPE_BRIDGE_MAX_FRAME_BYTES)"));
    }
    Future<JsonObject> answer = pending.add(replyAddress, address, action, timeoutMs);
    socket.write(bytes).onComplete(written -> pending.written(replyAddress, written.cause()));
    if (!fences.permitted(address)) {
      fences.afterSend(address, replyAddress);
      socket.write(BridgeFrames.PING);
    }
    return answer;
  }

  /** Subscribes the connection to {@code address}; completes once the bridge let it through. */
  Future<Void> register(String address) {
    if (registered.contains(address)) {
      return Future.succeededFuture();
    }
    if (closed) {
      return Future.failedFuture(TransportFailure.notSent(name + ": the connection is closed"));
    }
    socket.write(BridgeFrames.subscription("register", address));
    Future<Void> done = fences.afterRegister(address);
    socket.write(BridgeFrames.PING);
    return done.onSuccess(v -> registered.add(address));
  }

  /** Ends the subscription of the connection to {@code address}. */
  Future<Void> unregister(String address) {
    if (closed || !registered.remove(address)) {
      return Future.succeededFuture();
    }
    return socket.write(BridgeFrames.subscription("unregister", address));
  }

  /** Closes the connection; what waits on it fails. */
  Future<Void> close() {
    return socket.close();
  }

  private void keepAlive() {
    if (!closed) {
      fences.keepAlive();
      socket.write(BridgeFrames.PING);
    }
  }

  private void read(Buffer bytes) {
    List<JsonObject> frames;
    try {
      frames = reader.accept(bytes);
    } catch (RuntimeException e) {
      LOG.warn("{} sent what is not a frame ({}); closing the connection", name, e.getMessage());
      socket.close();
      return;
    }
    for (JsonObject frame : frames) {
      try {
        handle(frame);
      } catch (RuntimeException e) {
        LOG.warn("{}: a frame could not be handled: {}", name, e.toString());
      }
    }
  }

  private void handle(JsonObject frame) {
    Object type = frame.getValue("type");
    if ("message".equals(type)) {
      message(frame);
    } else if ("err".equals(type)) {
      err(frame);
    } else if ("pong".equals(type)) {
      fences.pong();
    } else {
      LOG.debug("{}: ignoring a frame of type {}", name, type);
    }
  }

  private void message(JsonObject frame) {
    String address = text(frame, "address");
    Object body = frame.getValue("body");
    if (pending.waits(address)) {
      pending.answer(address, body);
    } else if (openReply.equals(address)) {
      fences.permit(RequestContract.ADDRESS);
      opened(null);
    } else if (address != null && registered.contains(address) && body instanceof JsonObject b) {
      listener.onEvent(address, b);
    }
  }

  private void err(JsonObject frame) {
    String address = text(frame, "address");
    String message = text(frame, "message");
    Integer code = frame.getValue("failureCode") instanceof Integer c ? c : null;
    if (address != null) {
      if (pending.waits(address)) {
        pending.fail(
            address, new ReplyException(failureType(frame), code == null ? -1 : code, message));
      } else if (openReply.equals(address)) {
        // Any answer but 4010 comes from an authenticated connection (a service's failure, a
        // missing scope): the connection serves.
        opened(
            code != null && code == ErrorCode.UNAUTHORIZED.code()
                ? new TroupeException(ErrorCode.UNAUTHORIZED, name + ": " + message)
                : null);
      }
      return;
    }
    if (!opened.future().isComplete()) {
      // The first frame's address is outside the allowlist: the connection is authenticated all
      // the same. A connection-level refusal (the bridge is full) ends it.
      opened(
          BridgeFences.ACCESS_DENIED.equals(message)
              ? null
              : TransportFailure.notSent(name + ": " + message));
      return;
    }
    if (!fences.refusal(message, code)) {
      LOG.warn("{}: {}", name, frame.encode());
    }
  }

  private void closed() {
    closed = true;
    vertx.cancelTimer(pingTimer);
    opened(TransportFailure.notSent(name + " closed the connection before it served"));
    pending.closed();
    fences.closed();
    registered.clear();
    listener.onClosed(this);
  }

  private static String text(JsonObject frame, String field) {
    return frame.getValue(field) instanceof String s ? s : null;
  }

  private static ReplyFailure failureType(JsonObject frame) {
    String type = text(frame, "failureType");
    if (type != null) {
      for (ReplyFailure failure : ReplyFailure.values()) {
        if (failure.name().equals(type)) {
          return failure;
        }
      }
    }
    return ReplyFailure.RECIPIENT_FAILURE;
  }
}
