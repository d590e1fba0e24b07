package dev.troupe.testkit;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A raw client of the TCP event-bus bridge for tests: writes frames (a 4-byte big-endian length,
 * then JSON) and hands out the frames it receives, in order.
 *
 * <p>It holds its {@link NetClient}: Vert.x 5 closes a client, and with it every connection it
 * made, once the client object is garbage collected, so a socket whose client nobody references is
 * closed at the next collection.
 */
final class BridgeSocket {
  private final NetClient client;
  private final NetSocket socket;
  private final Deque<JsonObject> received = new ArrayDeque<>();
  private final Deque<Promise<JsonObject>> waiting = new ArrayDeque<>();
  private final Promise<Void> closed = Promise.promise();
  private Buffer pending = Buffer.buffer();

  private BridgeSocket(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(this::read);
    socket.closeHandler(
        v -> {
          closed.tryComplete();
          waiting.forEach(p -> p.tryFail("the bridge closed the connection"));
          waiting.clear();
        });
  }

  static Future<BridgeSocket> connect(Vertx vertx, int port) {
    NetClient client = vertx.createNetClient();
    return client
        .connect(port, "127.0.0.1")
        .map(socket -> new BridgeSocket(client, socket))
        .onFailure(e -> client.close());
  }

  BridgeSocket send(JsonObject frame) {
    return write(frame.toBuffer());
  }

  BridgeSocket write(Buffer json) {
    socket.write(Buffer.buffer().appendInt(json.length()).appendBuffer(json));
    return this;
  }

  /** Writes raw bytes, e.g. only a frame's length. */
  BridgeSocket writeRaw(Buffer bytes) {
    socket.write(bytes);
    return this;
  }

  /** The next frame received; fails when the connection closes first. */
  Future<JsonObject> next() {
    if (!received.isEmpty()) {
      return Future.succeededFuture(received.poll());
    }
    if (closed.future().isComplete()) {
      return Future.failedFuture("the bridge closed the connection");
    }
    Promise<JsonObject> promise = Promise.promise();
    waiting.add(promise);
    return promise.future();
  }

  /** The next frame received that is not the bridge's generic answer to a blocked frame. */
  Future<JsonObject> nextSpecific() {
    return next()
        .compose(
            f ->
                "blocked by bridgeEvent handler".equals(f.getString("message"))
                    ? nextSpecific()
                    : Future.succeededFuture(f));
  }

  /** Completes when the bridge closed the connection. */
  Future<Void> closed() {
    return closed.future();
  }

  Future<Void> close() {
    // Closing the client closes its connection (closing both races in Vert.x 5.0).
    return client.close();
  }

  private void read(Buffer bytes) {
    pending.appendBuffer(bytes);
    int at = 0;
    while (pending.length() - at >= 4) {
      int length = pending.getInt(at);
      if (pending.length() - at - 4 < length) {
        break;
      }
      JsonObject frame =
          new JsonObject(pending.getString(at + 4, at + 4 + length, StandardCharsets.UTF_8.name()));
      at += 4 + length;
      Promise<JsonObject> promise = waiting.poll();
      if (promise != null) {
        promise.complete(frame);
      } else {
        received.add(frame);
      }
    }
    pending = pending.getBuffer(at, pending.length());
  }
}
