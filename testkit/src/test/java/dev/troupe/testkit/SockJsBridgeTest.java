package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SockJS event-bus bridge at /eventbus (TROUPE_BRIDGE_SOCKJS=true), through its raw WebSocket
 * endpoint ({@code /eventbus/websocket}, one JSON frame per message): the same rules as the TCP
 * bridge.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("SockJS event-bus bridge")
class SockJsBridgeTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting("TROUPE_API_KEYS", TcpBridgeTest.keys())
              .setting("TROUPE_BRIDGE_SOCKJS", "true"));

  /**
   * A raw WebSocket to the bridge and the frames it received, in order. It holds its client: Vert.x
   * 5 closes a client's connections once the client object is garbage collected.
   */
  static final class Socket {
    @SuppressWarnings("UnusedVariable") // never read: holding the client keeps its connection open
    private final WebSocketClient client;

    final WebSocket ws;
    private final Deque<JsonObject> frames = new ArrayDeque<>();
    private final Deque<Promise<JsonObject>> waiting = new ArrayDeque<>();
    private final Promise<Void> closed = Promise.promise();

    Socket(WebSocketClient client, WebSocket ws) {
      this.client = client;
      this.ws = ws;
      // The bridge writes text and binary frames alike; each holds one JSON message.
      ws.handler(
          bytes -> {
            JsonObject frame = new JsonObject(bytes);
            Promise<JsonObject> promise = waiting.poll();
            if (promise != null) {
              promise.complete(frame);
            } else {
              frames.add(frame);
            }
          });
      ws.closeHandler(
          v -> {
            closed.tryComplete();
            waiting.forEach(p -> p.tryFail("closed"));
          });
    }

    Socket send(JsonObject frame) {
      ws.writeTextMessage(frame.encode());
      return this;
    }

    Future<JsonObject> next() {
      if (!frames.isEmpty()) {
        return Future.succeededFuture(frames.poll());
      }
      Promise<JsonObject> promise = Promise.promise();
      waiting.add(promise);
      return promise.future();
    }

    /** The next frame that is not the bridge's generic answer to a frame it blocked. */
    Future<JsonObject> nextSpecific() {
      return next()
          .compose(
              f ->
                  "rejected".equals(f.getString("body"))
                      ? nextSpecific()
                      : Future.succeededFuture(f));
    }
  }

  static Future<Socket> connect(Vertx vertx) {
    return connect(vertx, TROUPE.cluster().httpPort(0));
  }

  /** A raw WebSocket to the SockJS bridge of the gateway at {@code port}. */
  static Future<Socket> connect(Vertx vertx, int port) {
    WebSocketClient client = vertx.createWebSocketClient();
    return client
        .connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/eventbus/websocket"))
        .map(ws -> new Socket(client, ws));
  }

  private static JsonObject get(String id, String replyAddress, String key) {
    JsonObject headers = new JsonObject().put("action", "get");
    if (key != null) {
      headers.put("authorization", "ApiKey " + key);
    }
    return new JsonObject()
        .put("type", "send")
        .put("address", RequestContract.ADDRESS)
        .put("headers", headers)
        .put("body", new JsonObject().put("collection", "sockjs").put("id", id))
        .put("replyAddress", replyAddress);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a reader gets a document, and subscribes to change events")
  void readsAndSubscribes(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    http.putJson("/api/v1/docs/sockjs/one", "{\"n\":1}", "X-Api-Key", TcpBridgeTest.WRITER)
        .compose(put -> connect(vertx))
        .compose(
            socket ->
                socket
                    .send(get("one", "r1", TcpBridgeTest.READER))
                    .next()
                    .compose(
                        reply -> {
                          ctx.verify(
                              () -> {
                                assertThat(reply.getString("address"))
                                    .as(reply.encode())
                                    .isEqualTo("r1");
                                assertThat(
                                        reply
                                            .getJsonObject("body")
                                            .getJsonObject("document")
                                            .getJsonObject("data")
                                            .getInteger("n"))
                                    .isEqualTo(1);
                              });
                          socket.send(
                              new JsonObject()
                                  .put("type", "register")
                                  .put("address", DocEvents.ADDRESS));
                          return untilEvent(vertx, socket, http);
                        }))
        .onComplete(
            ctx.succeeding(
                event ->
                    ctx.verify(
                        () -> {
                          assertThat(event.getJsonObject("body").getMap())
                              .containsEntry("collection", "sockjs")
                              .containsEntry("id", "one");
                          ctx.completeNow();
                        })));
  }

  /**
   * Writes over HTTP every half second (at most 40 times) until the socket receives a change event.
   */
  private static Future<JsonObject> untilEvent(Vertx vertx, Socket socket, Http http) {
    Promise<JsonObject> event = Promise.promise();
    pump(socket, event);
    int[] writes = {0};
    long timer =
        vertx.setPeriodic(
            0,
            500,
            id -> {
              if (!event.future().isComplete() && writes[0]++ < 40) {
                http.putJson(
                    "/api/v1/docs/sockjs/one", "{\"n\":2}", "X-Api-Key", TcpBridgeTest.WRITER);
              } else {
                event.tryFail("no change event after " + writes[0] + " writes");
              }
            });
    return event.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private static void pump(Socket socket, Promise<JsonObject> event) {
    socket
        .next()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                event.tryFail(ar.cause());
              } else if (DocEvents.ADDRESS.equals(ar.result().getString("address"))) {
                event.tryComplete(ar.result());
              } else {
                pump(socket, event);
              }
            });
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "no credential is UNAUTHORIZED and closes; a reader's write is FORBIDDEN; other addresses are refused")
  void refusals(Vertx vertx, VertxTestContext ctx) {
    connect(vertx)
        .compose(
            anonymous ->
                anonymous
                    .send(get("one", "r1", null))
                    .nextSpecific()
                    .compose(err -> anonymous.closed.future().map(err)))
        .compose(
            unauthorized -> {
              ctx.verify(
                  () -> {
                    assertThat(unauthorized.getInteger("failureCode"))
                        .isEqualTo(ErrorCode.UNAUTHORIZED.code());
                    assertThat(unauthorized.getString("address")).isEqualTo("r1");
                  });
              return connect(vertx);
            })
        .compose(
            reader -> {
              JsonObject put = get("one", "r2", TcpBridgeTest.READER);
              put.getJsonObject("headers").put("action", "put");
              return reader
                  .send(put)
                  .nextSpecific()
                  .compose(
                      forbidden -> {
                        ctx.verify(
                            () ->
                                assertThat(forbidden.getInteger("failureCode"))
                                    .isEqualTo(ErrorCode.FORBIDDEN.code()));
                        return reader
                            .send(get("one", "r3", null).put("address", DbContract.ADDRESS))
                            .nextSpecific();
                      });
            })
        .onComplete(
            ctx.succeeding(
                denied ->
                    ctx.verify(
                        () -> {
                          assertThat(denied.getString("type")).as(denied.encode()).isEqualTo("err");
                          assertThat(denied.getString("body")).isEqualTo("access_denied");
                          ctx.completeNow();
                        })));
  }
}
