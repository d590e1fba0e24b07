package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.launcher.Service;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCP event-bus bridge (TROUPE_BRIDGE_PORT) with API keys: what a client outside the JVM may do
 * on it, and what it is refused with an err frame.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("TCP event-bus bridge")
class TcpBridgeTest {
  static final String WRITER = "bridge-writer-1";
  static final String READER = "bridge-reader-2";
  static final String CHAT_SERVICE = "bridge-chat-admin-3";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting("TROUPE_API_KEYS", keys())
              .setting("TROUPE_BRIDGE_PORT", "0")
              .setting(
                  "TROUPE_BRIDGE_INBOUND", RequestContract.ADDRESS + "," + ChatContract.ADDRESS)
              .setting("TROUPE_BRIDGE_MAX_FRAME_BYTES", "4096"));

  static String keys() {
    return "svc="
        + sha256(WRITER)
        + "=docs:read docs:write,dash="
        + sha256(READER)
        + "=docs:read,bot="
        + sha256(CHAT_SERVICE)
        + "=chat:admin";
  }

  private static JsonObject get(String id, String replyAddress) {
    return new JsonObject()
        .put("type", "send")
        .put("address", RequestContract.ADDRESS)
        .put("headers", new JsonObject().put("action", "get"))
        .put("body", new JsonObject().put("collection", "bridged").put("id", id))
        .put("replyAddress", replyAddress);
  }

  private static JsonObject withKey(JsonObject frame, String key) {
    frame.getJsonObject("headers", new JsonObject()).put("authorization", "ApiKey " + key);
    if (!frame.containsKey("headers")) {
      frame.put("headers", new JsonObject().put("authorization", "ApiKey " + key));
    }
    return frame;
  }

  private static int port() {
    return TROUPE.cluster().node(0).bridgePort();
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a reader gets a document with the get action, and a subscriber sees the change a writer makes")
  void readsAndEvents(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Future<BridgeSocket> connected = BridgeSocket.connect(vertx, port());
    http.putJson("/api/v1/docs/bridged/dune", "{\"title\":\"Dune\"}", "X-Api-Key", WRITER)
        .compose(put -> connected)
        .compose(
            socket ->
                socket
                    .send(withKey(get("dune", "r1"), READER))
                    .next()
                    .compose(
                        reply -> {
                          ctx.verify(
                              () -> {
                                assertThat(reply.getString("type"))
                                    .as(reply.encode())
                                    .isEqualTo("message");
                                assertThat(reply.getString("address")).isEqualTo("r1");
                                JsonObject document =
                                    reply.getJsonObject("body").getJsonObject("document");
                                assertThat(document.getString("id")).isEqualTo("dune");
                                assertThat(document.getJsonObject("data").getString("title"))
                                    .isEqualTo("Dune");
                              });
                          return BridgeSocket.connect(vertx, port());
                        })
                    .compose(
                        writer -> {
                          writer.send(
                              withKey(
                                  new JsonObject()
                                      .put("type", "register")
                                      .put("address", DocEvents.ADDRESS),
                                  WRITER));
                          return untilEvent(
                              vertx,
                              writer,
                              () ->
                                  writer.send(
                                      new JsonObject()
                                          .put("type", "send")
                                          .put("address", RequestContract.ADDRESS)
                                          .put("headers", new JsonObject().put("action", "put"))
                                          .put(
                                              "body",
                                              new JsonObject()
                                                  .put("collection", "bridged")
                                                  .put("id", "emma")
                                                  .put(
                                                      "data",
                                                      new JsonObject().put("title", "Emma")))
                                          .put("replyAddress", "w1")));
                        }))
        .onComplete(
            ctx.succeeding(
                event ->
                    ctx.verify(
                        () -> {
                          assertThat(event.getJsonObject("body").getMap())
                              .containsEntry("collection", "bridged")
                              .containsEntry("id", "emma")
                              .containsEntry("op", "put");
                          ctx.completeNow();
                        })));
  }

  /**
   * The first change event {@code socket} receives. A subscription reaches the cluster
   * asynchronously and the bridge does not say when, so {@code write} (a change) is repeated every
   * half second until an event arrives, at most 40 times.
   */
  static Future<JsonObject> untilEvent(Vertx vertx, BridgeSocket socket, Runnable write) {
    Promise<JsonObject> event = Promise.promise();
    pump(socket, event);
    int[] writes = {0};
    write.run();
    long timer =
        vertx.setPeriodic(
            500,
            id -> {
              if (!event.future().isComplete() && ++writes[0] < 40) {
                write.run();
              } else {
                event.tryFail("no change event after " + writes[0] + " writes");
              }
            });
    return event.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private static void pump(BridgeSocket socket, Promise<JsonObject> event) {
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
      "a first frame without a credential, or with a wrong one, gets an UNAUTHORIZED err frame and the connection closes")
  void unauthenticated(Vertx vertx, VertxTestContext ctx) {
    BridgeSocket.connect(vertx, port())
        .compose(
            socket ->
                socket.send(get("dune", "r1")).next().compose(err -> socket.closed().map(err)))
        .compose(
            err -> {
              ctx.verify(
                  () -> {
                    assertThat(err.getString("type")).isEqualTo("err");
                    assertThat(err.getInteger("failureCode"))
                        .isEqualTo(ErrorCode.UNAUTHORIZED.code());
                    assertThat(err.getString("address"))
                        .as("addressed to the reply handler")
                        .isEqualTo("r1");
                  });
              return BridgeSocket.connect(vertx, port());
            })
        .compose(
            socket ->
                socket
                    .send(withKey(get("dune", "r2"), "not-a-key"))
                    .next()
                    .compose(err -> socket.closed().map(err)))
        .onComplete(
            ctx.succeeding(
                err ->
                    ctx.verify(
                        () -> {
                          assertThat(err.getInteger("failureCode"))
                              .isEqualTo(ErrorCode.UNAUTHORIZED.code());
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "chat on a bridge needs chat:admin: a bridged frame names its user in the body, so a documents key"
          + " (even docs:write) is FORBIDDEN, and only a service trusted to act for any user gets through")
  void chatNeedsAdmin(Vertx vertx, VertxTestContext ctx) {
    JsonObject post =
        new JsonObject()
            .put("type", "send")
            .put("address", ChatContract.ADDRESS)
            .put("headers", new JsonObject().put("action", ChatContract.POST.name()))
            .put(
                "body",
                new JsonObject().put("room", "lounge").put("from", "alice").put("text", "forged"));
    Future.all(BridgeSocket.connect(vertx, port()), BridgeSocket.connect(vertx, port()))
        .compose(
            both -> {
              BridgeSocket writer = both.resultAt(0);
              BridgeSocket admin = both.resultAt(1);
              return writer
                  .send(withKey(post.copy().put("replyAddress", "w1"), WRITER))
                  .nextSpecific()
                  .compose(
                      refused -> {
                        ctx.verify(
                            () -> {
                              assertThat(refused.getInteger("failureCode"))
                                  .as(refused.encode())
                                  .isEqualTo(ErrorCode.FORBIDDEN.code());
                              assertThat(refused.getString("message")).contains("chat:admin");
                            });
                        return admin
                            .send(withKey(post.copy().put("replyAddress", "a1"), CHAT_SERVICE))
                            .nextSpecific();
                      });
            })
        .onComplete(
            ctx.succeeding(
                passed ->
                    ctx.verify(
                        () -> {
                          // Let through to the bus, where no node of this cluster runs chat: not a
                          // refusal of the guard.
                          assertThat(passed.getString("address"))
                              .as(passed.encode())
                              .isEqualTo("a1");
                          assertThat(passed.getInteger("failureCode"))
                              .isNotEqualTo(ErrorCode.FORBIDDEN.code());
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a reader's write is FORBIDDEN, an address outside the allowlists is access_denied, and the connection still serves")
  void refusals(Vertx vertx, VertxTestContext ctx) {
    BridgeSocket.connect(vertx, port())
        .compose(
            socket -> {
              JsonObject put = withKey(get("dune", "r1"), READER);
              put.getJsonObject("headers").put("action", "put");
              put.put("body", put.getJsonObject("body").copy().put("data", new JsonObject()));
              return socket
                  .send(put)
                  .nextSpecific()
                  .compose(
                      forbidden -> {
                        ctx.verify(
                            () -> {
                              assertThat(forbidden.getInteger("failureCode"))
                                  .isEqualTo(ErrorCode.FORBIDDEN.code());
                              assertThat(forbidden.getString("address")).isEqualTo("r1");
                            });
                        JsonObject toDb = get("dune", "r2").put("address", DbContract.ADDRESS);
                        return socket.send(toDb).nextSpecific();
                      })
                  .compose(
                      denied -> {
                        ctx.verify(
                            () ->
                                assertThat(denied.getString("message")).isEqualTo("access_denied"));
                        return socket
                            .send(
                                new JsonObject()
                                    .put("type", "register")
                                    .put("address", CacheContract.ADDRESS))
                            .nextSpecific();
                      })
                  .compose(
                      denied -> {
                        ctx.verify(
                            () ->
                                assertThat(denied.getString("message")).isEqualTo("access_denied"));
                        return socket.send(get("never-written", "r3")).nextSpecific();
                      });
            })
        .onComplete(
            ctx.succeeding(
                stillServed ->
                    ctx.verify(
                        () -> {
                          // Served by request-service: its NOT_FOUND travels back as an err frame
                          // with the code.
                          assertThat(stillServed.getString("address"))
                              .as(stillServed.encode())
                              .isEqualTo("r3");
                          assertThat(stillServed.getInteger("failureCode"))
                              .isEqualTo(ErrorCode.NOT_FOUND.code());
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a frame announcing more than TROUPE_BRIDGE_MAX_FRAME_BYTES is refused from its length and the connection closes")
  void oversizedFrame(Vertx vertx, VertxTestContext ctx) {
    BridgeSocket.connect(vertx, port())
        .compose(
            socket ->
                socket
                    .writeRaw(Buffer.buffer().appendInt(4097).appendString("{\"type\":"))
                    .next()
                    .compose(err -> socket.closed().map(err)))
        .onComplete(
            ctx.succeeding(
                err ->
                    ctx.verify(
                        () -> {
                          assertThat(err.getInteger("failureCode"))
                              .isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE.code());
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "past TROUPE_BRIDGE_MAX_CONNECTIONS a connection gets an UNAVAILABLE err frame and is closed")
  void connectionLimit(Vertx vertx, VertxTestContext ctx) {
    TROUPE
        .cluster()
        .addNode(EnumSet.of(Service.GATEWAY), Map.of("TROUPE_BRIDGE_MAX_CONNECTIONS", "1"))
        .compose(
            node ->
                BridgeSocket.connect(vertx, node.bridgePort())
                    .compose(
                        first ->
                            first
                                .send(new JsonObject().put("type", "ping"))
                                .next()
                                .map(pong -> node)))
        .compose(node -> BridgeSocket.connect(vertx, node.bridgePort()))
        .compose(second -> second.next().compose(err -> second.closed().map(err)))
        .onComplete(
            ctx.succeeding(
                err ->
                    ctx.verify(
                        () -> {
                          assertThat(err.getInteger("failureCode"))
                              .isEqualTo(ErrorCode.UNAVAILABLE.code());
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a connection sending more than TROUPE_BRIDGE_FRAMES_PER_SEC frames at once gets TOO_MANY_REQUESTS")
  void frameRate(Vertx vertx, VertxTestContext ctx) {
    BridgeSocket.connect(vertx, port())
        .compose(
            socket -> {
              // Sends without a reply address get no answer when they pass: the only frames back
              // are refusals.
              JsonObject ping =
                  new JsonObject()
                      .put("type", "send")
                      .put("address", RequestContract.ADDRESS)
                      .put("headers", new JsonObject().put("action", "ping"))
                      .put("body", new JsonObject());
              socket.send(withKey(ping.copy(), READER));
              for (int i = 0; i < 2 * 200; i++) {
                socket.send(ping);
              }
              return socket.nextSpecific();
            })
        .onComplete(
            ctx.succeeding(
                refused ->
                    ctx.verify(
                        () -> {
                          assertThat(refused.getInteger("failureCode"))
                              .as(refused.encode())
                              .isEqualTo(ErrorCode.TOO_MANY_REQUESTS.code());
                          ctx.completeNow();
                        })));
  }

  static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
