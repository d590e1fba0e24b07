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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * <p><b>Refusals without an address.</b> The bridge refuses a frame to an address outside its
 * allowlists with {@code {"type":"err","message":"access_denied"}}, which names no frame, and a
 * {@code register} the guard refuses gets an {@code err} without an address as well. The bridge
 * handles a connection's frames in order and answers a {@code ping} with a {@code pong} in that
 * order, so the client follows each frame whose acceptance it cannot otherwise tell (the first
 * {@code send} to an address, every {@code register}) with a {@code ping}: such a refusal belongs
 * to the oldest frame whose {@code pong} has not come back (a <em>fence</em>), and that {@code
 * pong} confirms the frame was let through. Once an address is confirmed, sends to it need no
 * fence. Keep-alive pings are fences without a frame.
 */
final class BridgeConnection {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeConnection.class);
  private static final String ACCESS_DENIED = "access_denied";
  private static final String BLOCKED = "blocked by bridgeEvent handler";
  private static final Buffer PING = BridgeFrames.encode(new JsonObject().put("type", "ping"));

  /** What the connection tells its transport. */
  interface Listener {
    /** A message published to {@code address}, which this connection registered. */
    void onEvent(String address, JsonObject body);

    /** The connection closed (by either side); it serves nothing more. */
    void onClosed(BridgeConnection connection);
  }

  /** A request waiting for its answer. */
  private static final class Pending {
    final String address;
    final Promise<JsonObject> promise = Promise.promise();
    long timer = -1;
    boolean written;

    Pending(String address) {
      this.address = address;
    }
  }

  /**
   * A frame followed by a {@code ping}: its {@code pong} confirms the frame was let through; a
   * refusal without an address before that {@code pong} is its.
   */
  private static final class Fence {
    final String address;
    final String replyAddress;
    final Promise<Void> registered;
    boolean refused;

    Fence(String address, String replyAddress, Promise<Void> registered) {
      this.address = address;
      this.replyAddress = replyAddress;
      this.registered = registered;
    }

    static Fence keepAlive() {
      return new Fence(null, null, null);
    }
  }

  private final Vertx vertx;
  private final NetSocket socket;
  private final ClientOptions options;
  private final Listener listener;
  private final String name;
  private final BridgeFrames.Reader reader =
      new BridgeFrames.Reader(BridgeFrames.MAX_INBOUND_BYTES);
  private final String replyPrefix = "troupe.client." + UUID.randomUUID() + ".";
  private final Map<String, Pending> pending = new HashMap<>();
  private final Deque<Fence> fences = new ArrayDeque<>();
  private final Set<String> permitted = new HashSet<>();
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
    JsonObject headers =
        new JsonObject().put(BusNames.ACTION, BusNames.PING).put("timeout", timeoutMs);
    if (options.credential() != null) {
      headers.put("authorization", options.credential());
    }
    JsonObject frame =
        new JsonObject()
            .put("type", "send")
            .put("address", RequestContract.ADDRESS)
            .put("replyAddress", openReply)
            .put("headers", headers)
            .put("body", new JsonObject());
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
    JsonObject frame =
        new JsonObject()
            .put("type", "send")
            .put("address", address)
            .put("replyAddress", replyAddress)
            .put("headers", new JsonObject().put(BusNames.ACTION, action).put("timeout", timeoutMs))
            .put("body", body);
    Buffer bytes = BridgeFrames.encode(frame);
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
    Pending call = new Pending(address);
    pending.put(replyAddress, call);
    call.timer =
        vertx.setTimer(
            timeoutMs,
            t -> {
              if (pending.remove(replyAddress) != null) {
                call.promise.tryFail(
                    new ReplyException(
                        ReplyFailure.TIMEOUT,
                        -1,
                        "no answer to " + address + " " + action + " within " + timeoutMs + " ms"));
              }
            });
    socket
        .write(bytes)
        .onComplete(
            written -> {
              if (written.succeeded()) {
                call.written = true;
              } else if (pending.remove(replyAddress) != null) {
                vertx.cancelTimer(call.timer);
                call.promise.tryFail(
                    TransportFailure.notSent(name + ": the request was not sent", written.cause()));
              }
            });
    if (!permitted.contains(address)) {
      fences.add(new Fence(address, replyAddress, null));
      socket.write(PING);
    }
    return call.promise.future();
  }

  /** Subscribes the connection to {@code address}; completes once the bridge let it through. */
  Future<Void> register(String address) {
    if (registered.contains(address)) {
      return Future.succeededFuture();
    }
    if (closed) {
      return Future.failedFuture(TransportFailure.notSent(name + ": the connection is closed"));
    }
    Promise<Void> done = Promise.promise();
    socket.write(
        BridgeFrames.encode(new JsonObject().put("type", "register").put("address", address)));
    fences.add(new Fence(address, null, done));
    socket.write(PING);
    return done.future().onSuccess(v -> registered.add(address));
  }

  /** Ends the subscription of the connection to {@code address}. */
  Future<Void> unregister(String address) {
    if (closed || !registered.remove(address)) {
      return Future.succeededFuture();
    }
    return socket.write(
        BridgeFrames.encode(new JsonObject().put("type", "unregister").put("address", address)));
  }

  /** Closes the connection; what waits on it fails. */
  Future<Void> close() {
    return socket.close();
  }

  private void keepAlive() {
    if (!closed) {
      fences.add(Fence.keepAlive());
      socket.write(PING);
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
      pong();
    } else {
      LOG.debug("{}: ignoring a frame of type {}", name, type);
    }
  }

  private void message(JsonObject frame) {
    String address = text(frame, "address");
    Object body = frame.getValue("body");
    Pending call = address == null ? null : pending.remove(address);
    if (call != null) {
      vertx.cancelTimer(call.timer);
      if (body instanceof JsonObject json) {
        call.promise.tryComplete(json);
      } else {
        call.promise.tryFail(
            new TroupeException(
                ErrorCode.INTERNAL, call.address + " answered without a JSON object body"));
      }
    } else if (openReply.equals(address)) {
      permitted.add(RequestContract.ADDRESS);
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
      Pending call = pending.remove(address);
      if (call != null) {
        vertx.cancelTimer(call.timer);
        call.promise.tryFail(
            new ReplyException(failureType(frame), code == null ? -1 : code, message));
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
          ACCESS_DENIED.equals(message) ? null : TransportFailure.notSent(name + ": " + message));
      return;
    }
    Fence fence = fences.peek();
    if (BLOCKED.equals(message)) {
      // Follows the guard's own err frame, which said why; no confirmation for the frame.
      if (fence != null) {
        fence.refused = true;
      }
    } else if (ACCESS_DENIED.equals(message) && fence != null && fence.address != null) {
      refuse(
          fence,
          new TroupeException(
              ErrorCode.FORBIDDEN,
              name
                  + " does not permit "
                  + (fence.registered != null ? "subscribing to " : "sending to ")
                  + fence.address
                  + (fence.registered != null
                      ? " (TROUPE_BRIDGE_OUTBOUND)"
                      : " (TROUPE_BRIDGE_INBOUND)")));
    } else if (code != null && fence != null && fence.registered != null) {
      refuse(fence, new TroupeException(ErrorCode.fromCode(code), name + ": " + message));
    } else {
      LOG.warn("{}: {}", name, frame.encode());
    }
  }

  private void refuse(Fence fence, TroupeException failure) {
    fence.refused = true;
    if (fence.registered != null) {
      fence.registered.tryFail(failure);
    } else {
      Pending call = pending.remove(fence.replyAddress);
      if (call != null) {
        vertx.cancelTimer(call.timer);
        call.promise.tryFail(failure);
      }
    }
  }

  private void pong() {
    Fence fence = fences.poll();
    if (fence == null || fence.address == null || fence.refused) {
      return;
    }
    if (fence.registered != null) {
      fence.registered.tryComplete();
    } else {
      permitted.add(fence.address);
    }
  }

  private void closed() {
    closed = true;
    vertx.cancelTimer(pingTimer);
    opened(TransportFailure.notSent(name + " closed the connection before it served"));
    List<Pending> waiting = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending call : waiting) {
      vertx.cancelTimer(call.timer);
      call.promise.tryFail(
          call.written
              ? TransportFailure.lost(
                  name + " closed the connection before " + call.address + " answered")
              : TransportFailure.notSent(name + " closed the connection"));
    }
    for (Fence fence : fences) {
      if (fence.registered != null) {
        fence.registered.tryFail(TransportFailure.notSent(name + " closed the connection"));
      }
    }
    fences.clear();
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
