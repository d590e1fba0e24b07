package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RFC 8259 JSON in well-formed UTF-8 at every entry where JSON comes in: document bodies, batches,
 * chat posts, job import lines, TCP bridge frames and SockJS frames. What is refused is not stored.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Strict JSON at every entry")
class StrictJsonEntriesTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway", "chat")
              .setting("TROUPE_BRIDGE_PORT", "0")
              .setting("TROUPE_BRIDGE_SOCKJS", "true"));

  /**
   * Bodies a lenient reader would take: comments, extensions, duplicate names, bytes that are not
   * UTF-8.
   */
  private static final List<Buffer> BAD_BODIES =
      List.of(
          text("/* c */ {\"a\":1}"),
          text("{\"a\":1} // c"),
          text("{\"a\":1,}"),
          text("{\"a\":1,\"a\":2}"),
          text("{'a':1}"),
          text("{\"a\":NaN}"),
          text("{a:1}"),
          bytes("efbbbf").appendString("{\"a\":1}"),
          text("{\"a\":\"").appendBytes(HexFormat.of().parseHex("c3a9ff")).appendString("\"}"),
          text("{\"a\":\"").appendBytes(HexFormat.of().parseHex("eda080")).appendString("\"}"),
          text("{\"").appendBytes(HexFormat.of().parseHex("c080")).appendString("\":1}"));

  private static Buffer text(String text) {
    return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
  }

  private static Buffer bytes(String hex) {
    return Buffer.buffer(HexFormat.of().parseHex(hex));
  }

  private static Http http(Vertx vertx) {
    return new Http(vertx, TROUPE.cluster().httpPort(0));
  }

  private static Future<HttpResponse<Buffer>> send(
      Http http, HttpMethod method, String uri, String contentType, Buffer body, String requestId) {
    return http.sendBuffer(
        method, uri, Http.headers("Content-Type", contentType, "X-Request-Id", requestId), body);
  }

  /** A 400 problem whose requestId is the X-Request-Id the client sent, and which says why. */
  private static void assertRefused(
      HttpResponse<Buffer> response, String requestId, String detail) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.getHeader("X-Request-Id")).isEqualTo(requestId);
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getString("requestId")).isEqualTo(requestId);
    assertThat(problem.getString("detail")).contains(detail);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a document PUT whose body is not RFC 8259 JSON in UTF-8 gets 400 and stores nothing; a valid one is stored exactly")
  void documentPut(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    Future<Void> all = Future.succeededFuture();
    for (int i = 0; i < BAD_BODIES.size(); i++) {
      int n = i;
      all =
          all.compose(
              v ->
                  send(
                          http,
                          HttpMethod.PUT,
                          "/api/v1/docs/strict/d" + n,
                          "application/json",
                          BAD_BODIES.get(n),
                          "strict-put-" + n)
                      .compose(
                          put -> {
                            ctx.verify(() -> assertRefused(put, "strict-put-" + n, "RFC 8259"));
                            return http.get("/api/v1/docs/strict/d" + n);
                          })
                      .map(
                          get -> {
                            ctx.verify(
                                () ->
                                    assertThat(get.statusCode())
                                        .as("d%d was stored", n)
                                        .isEqualTo(404));
                            return null;
                          }));
    }
    String exact =
        "{\"price\":0.1000000000000000055511151231257827,\"big\":1e400,\"name\":\"é😀\\ud83d\\ude00\"}";
    all.compose(
            v ->
                send(
                    http,
                    HttpMethod.PUT,
                    "/api/v1/docs/strict/ok",
                    "application/json",
                    text(exact),
                    "strict-ok"))
        .compose(
            put -> {
              ctx.verify(() -> assertThat(put.statusCode()).as(put.bodyAsString()).isEqualTo(201));
              return http.get("/api/v1/docs/strict/ok");
            })
        .onComplete(
            ctx.succeeding(
                get ->
                    ctx.verify(
                        () -> {
                          JsonObject data = get.bodyAsJsonObject().getJsonObject("data");
                          assertThat(new BigDecimal(data.getValue("price").toString()))
                              .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
                          assertThat(new BigDecimal(data.getValue("big").toString()))
                              .isEqualTo(new BigDecimal("1e400"));
                          assertThat(data.getString("name")).isEqualTo("é😀😀");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "_mput, _mget and a chat post refuse a body with a comment, a duplicate name or bytes that are not UTF-8")
  void batchesAndChat(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    Buffer badUtf8 =
        text("{\"from\":\"ann\",\"text\":\"")
            .appendBytes(bytes("f4908080").getBytes())
            .appendString("\"}");
    send(
            http,
            HttpMethod.POST,
            "/api/v1/docs/strict/_mput",
            "application/json",
            text("{\"items\":[{\"id\":\"m1\",\"data\":{\"a\":1} /* c */}]}"),
            "strict-mput")
        .compose(
            mput -> {
              ctx.verify(() -> assertRefused(mput, "strict-mput", "RFC 8259"));
              return send(
                  http,
                  HttpMethod.POST,
                  "/api/v1/docs/strict/_mput",
                  "application/json",
                  text("{\"items\":[{\"id\":\"m2\",\"data\":{\"a\":1,\"a\":2}}]}"),
                  "strict-mput-dup");
            })
        .compose(
            mput -> {
              ctx.verify(() -> assertRefused(mput, "strict-mput-dup", "Duplicate field 'a'"));
              return send(
                  http,
                  HttpMethod.POST,
                  "/api/v1/docs/strict/_mget",
                  "application/json",
                  text("{\"ids\":[\"m1\"],\"ids\":[\"m2\"]}"),
                  "strict-mget");
            })
        .compose(
            mget -> {
              ctx.verify(() -> assertRefused(mget, "strict-mget", "Duplicate field 'ids'"));
              return send(
                  http,
                  HttpMethod.POST,
                  "/api/v1/chat/rooms/strict/messages",
                  "application/json",
                  badUtf8,
                  "strict-chat");
            })
        .compose(
            chat -> {
              ctx.verify(() -> assertRefused(chat, "strict-chat", "not valid UTF-8"));
              return send(
                  http,
                  HttpMethod.POST,
                  "/api/v1/chat/rooms/strict/messages",
                  "application/json",
                  text("{\"from\":\"ann\",\"text\":\"hi\"} // c"),
                  "strict-chat-comment");
            })
        .compose(
            chat -> {
              ctx.verify(() -> assertRefused(chat, "strict-chat-comment", "RFC 8259"));
              return Future.all(
                  http.get("/api/v1/docs/strict/m1"), http.get("/api/v1/docs/strict/m2"));
            })
        .onComplete(
            ctx.succeeding(
                gets ->
                    ctx.verify(
                        () -> {
                          assertThat(((HttpResponse<?>) gets.resultAt(0)).statusCode())
                              .isEqualTo(404);
                          assertThat(((HttpResponse<?>) gets.resultAt(1)).statusCode())
                              .isEqualTo(404);
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "an import with a line that is not RFC 8259 JSON in UTF-8 fails naming the line, and writes none of its lines")
  void importLine(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    Buffer comment =
        text(
            "{\"id\":\"i1\",\"data\":{\"n\":1}}\n{\"id\":\"i2\",\"data\":{\"n\":2}} // two\n{\"id\":\"i3\",\"data\":{}}\n");
    Buffer notUtf8 =
        text("{\"id\":\"i4\",\"data\":{}}\n\n{\"id\":\"i5\",\"data\":{\"s\":\"")
            .appendBytes(bytes("e08080").getBytes())
            .appendString("\"}}\n");
    send(
            http,
            HttpMethod.POST,
            "/api/v1/jobs?type=import&collection=strict",
            "application/x-ndjson",
            comment,
            "strict-import")
        .compose(
            answer -> {
              ctx.verify(() -> assertRefused(answer, "strict-import", "line 2 is not valid JSON"));
              return send(
                  http,
                  HttpMethod.POST,
                  "/api/v1/jobs?type=import&collection=strict",
                  "application/x-ndjson",
                  notUtf8,
                  "strict-import-utf8");
            })
        .compose(
            answer -> {
              ctx.verify(
                  () -> assertRefused(answer, "strict-import-utf8", "line 3 is not valid UTF-8"));
              return Future.all(
                  List.of(
                      http.get("/api/v1/docs/strict/i1"),
                      http.get("/api/v1/docs/strict/i2"),
                      http.get("/api/v1/docs/strict/i4")));
            })
        .onComplete(
            ctx.succeeding(
                gets ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < gets.size(); i++) {
                            assertThat(((HttpResponse<?>) gets.resultAt(i)).statusCode())
                                .as("document %d of the imports", i)
                                .isEqualTo(404);
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "the TCP bridge answers a frame with a comment, a duplicate name or bytes that are not UTF-8 with an err frame and closes; a valid frame is served")
  void tcpBridgeFrames(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    int port = TROUPE.cluster().node(0).bridgePort();
    List<Buffer> bad =
        List.of(
            text("/* c */ " + PUT.formatted("t1", "r1")),
            text(
                PUT.formatted("t2", "r2")
                    .replace("\"data\":{\"n\":1}", "\"data\":{\"n\":1,\"n\":2}")),
            notUtf8Put());
    List<String> why = List.of("not valid JSON", "Duplicate field 'n'", "not valid UTF-8");
    Future<Void> refused = Future.succeededFuture();
    for (int i = 0; i < bad.size(); i++) {
      int n = i;
      refused =
          refused
              .compose(v -> BridgeSocket.connect(vertx, port))
              .compose(
                  socket ->
                      socket.write(bad.get(n)).next().compose(err -> socket.closed().map(err)))
              .map(
                  err -> {
                    ctx.verify(
                        () -> {
                          assertThat(err.getString("type")).as(err.encode()).isEqualTo("err");
                          assertThat(err.getInteger("failureCode")).isEqualTo(4000);
                          assertThat(err.getString("message")).contains(why.get(n));
                        });
                    return null;
                  });
    }
    refused
        .compose(v -> BridgeSocket.connect(vertx, port))
        .compose(socket -> socket.write(text(PUT.formatted("t3", "r3"))).next())
        .compose(
            reply -> {
              ctx.verify(
                  () -> assertThat(reply.getString("address")).as(reply.encode()).isEqualTo("r3"));
              return Future.all(
                  http.get("/api/v1/docs/strict/t1"),
                  http.get("/api/v1/docs/strict/t2"),
                  http.get("/api/v1/docs/strict/t4"));
            })
        .onComplete(
            ctx.succeeding(
                gets ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < gets.size(); i++) {
                            assertThat(((HttpResponse<?>) gets.resultAt(i)).statusCode())
                                .as("refused frame %d stored", i)
                                .isEqualTo(404);
                          }
                          ctx.completeNow();
                        })));
  }

  private static final String PUT =
      "{\"type\":\"send\",\"address\":\"troupe.request.v1\",\"headers\":{\"action\":\"put\"},"
          + "\"body\":{\"collection\":\"strict\",\"id\":\"%s\",\"data\":{\"n\":1}},\"replyAddress\":\"%s\"}";

  private static Buffer notUtf8Put() {
    String[] halves = PUT.formatted("t4", "r4").split("\"n\":1", 2);
    return text(halves[0] + "\"n\":\"")
        .appendBytes(HexFormat.of().parseHex("c0af"))
        .appendString("\"" + halves[1]);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "the SockJS bridge answers invalid_json to a frame with a comment, closes a WebSocket whose text is not UTF-8, refuses such posted frames, and serves no JSONP")
  void sockJsFrames(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    WebSocketClient client = vertx.createWebSocketClient();
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(TROUPE.cluster().httpPort(0))
            .setURI("/eventbus/websocket");
    client
        .connect(options)
        .compose(
            ws -> {
              Promise<JsonObject> answer = Promise.promise();
              ws.handler(bytes -> answer.tryComplete(new JsonObject(bytes)));
              ws.writeTextMessage("{\"type\":\"ping\"} /* c */");
              return answer.future();
            })
        .compose(
            answer -> {
              ctx.verify(
                  () ->
                      assertThat(answer.getString("body"))
                          .as(answer.encode())
                          .isEqualTo("invalid_json"));
              return client.connect(options);
            })
        .compose(
            ws -> {
              Promise<Short> closed = Promise.promise();
              ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
              byte[] frame =
                  "{\"type\":\"ping\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.UTF_8);
              frame[frame.length - 3] =
                  (byte) 0xFF; // the second byte of ÿ (C3 BF) becomes FF: not UTF-8
              ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame, true));
              return closed.future();
            })
        .compose(
            status -> {
              ctx.verify(() -> assertThat(status).as("close status").isEqualTo((short) 1007));
              return send(
                  http,
                  HttpMethod.POST,
                  "/eventbus/000/strict/xhr_send",
                  "text/plain",
                  text("[\"{\\\"type\\\":\\\"ping\\\"}\"]").appendBytes(bytes("ff").getBytes()),
                  "strict-xhr");
            })
        .compose(
            xhr -> {
              ctx.verify(() -> assertRefused(xhr, "strict-xhr", "not valid UTF-8"));
              return send(
                  http,
                  HttpMethod.POST,
                  "/eventbus/000/strict/xhr_send",
                  "text/plain",
                  text("[\"{\\\"type\\\":\\\"ping\\\"}\"] /* c */"),
                  "strict-xhr-comment");
            })
        .compose(
            xhr -> {
              ctx.verify(() -> assertRefused(xhr, "strict-xhr-comment", "array of strings"));
              return send(
                  http,
                  HttpMethod.POST,
                  "/eventbus/000/strict/xhr_send",
                  "text/plain",
                  text("[\"{\\\"type\\\":\\\"ping\\\"}\"]"),
                  "strict-xhr-valid");
            })
        .compose(
            xhr -> {
              // A valid body passes on to SockJS, which knows no such session.
              ctx.verify(() -> assertThat(xhr.statusCode()).as(xhr.bodyAsString()).isEqualTo(404));
              // JSONP, whose envelope SockJS reads with a lenient reader of its own, is not served
              // at all
              // (enabled, this opens a session: 200 with cb("o")).
              return http.get("/eventbus/000/strict-jsonp/jsonp?c=cb");
            })
        .onComplete(
            ctx.succeeding(
                jsonp ->
                    ctx.verify(
                        () -> {
                          assertThat(jsonp.statusCode()).as(jsonp.bodyAsString()).isEqualTo(404);
                          client.close();
                          ctx.completeNow();
                        })));
  }
}
