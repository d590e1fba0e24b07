package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The chat identity rule under authentication, the same for API keys and tokens: a caller acts in
 * chat as itself only, on every entry (join, leave, post {@code from}, history and members {@code
 * user}, read marker {@code user}, the user's state, the stream, with the credential as a header or
 * as a WebSocket subprotocol); a {@code chat:admin} credential acts for anyone; a credential
 * without a chat scope gets nothing. The other user is made a member first, so that every refusal
 * here is the identity rule's and not the room's.
 */
final class ChatIdentityScenario {
  private static final String API = "/api/v1/chat";

  /** A credential: the header that carries it, its value, and the chat user it is. */
  record Credential(String header, String value, String user) {
    String authorization() {
      return header.equalsIgnoreCase("Authorization") ? value : "ApiKey " + value;
    }
  }

  private final Http http;
  private final int port;
  // Held for the whole scenario: a collected client closes its sockets.
  private final WebSocketClient sockets;

  ChatIdentityScenario(Vertx vertx, int port) {
    this.http = new Http(vertx, port);
    this.port = port;
    this.sockets = vertx.createWebSocketClient();
  }

  /**
   * {@code self} may act only as itself, {@code admin} (with {@code chat:admin}) for {@code other}
   * too, {@code noChat} (document scopes only) not at all.
   */
  void run(
      VertxTestContext ctx,
      String room,
      Credential self,
      String other,
      Credential admin,
      Credential noChat) {
    List<WebSocket> open = new ArrayList<>();
    Frames frames = new Frames();
    call(HttpMethod.PUT, API + "/rooms/" + room + "/members/" + self.user(), admin, null)
        .compose(r -> expect(ctx, r, 200, "admin joins " + self.user()))
        .compose(
            v -> call(HttpMethod.PUT, API + "/rooms/" + room + "/members/" + other, admin, null))
        .compose(r -> expect(ctx, r, 200, "admin joins " + other))
        // Acting as oneself works: the stream through the subprotocol, as the chat page opens it.
        .compose(v -> stream(self.user(), self, true))
        .compose(
            ws -> {
              ctx.verify(() -> assertThat(ws.subProtocol()).isEqualTo("troupe.chat.v1"));
              open.add(ws);
              ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
              return everyEntry(room, self.user(), self);
            })
        .compose(
            answers -> {
              ctx.verify(
                  () ->
                      answers.forEach(
                          (entry, r) ->
                              assertThat(r.statusCode())
                                  .as("%s as oneself: %s", entry, r.bodyAsString())
                                  .isBetween(200, 201)));
              return everyEntry(room, other, self);
            })
        .compose(
            answers -> {
              ctx.verify(
                  () ->
                      answers.forEach(
                          (entry, r) -> {
                            assertProblem(r, 403, entry + " as another user");
                            assertThat(r.bodyAsJsonObject().getString("detail"))
                                .as(entry)
                                .contains("chat:admin");
                          }));
              return Future.all(refused(other, self, false), refused(other, self, true));
            })
        .compose(v -> everyEntry(room, other, admin))
        .compose(
            answers -> {
              ctx.verify(
                  () ->
                      answers.forEach(
                          (entry, r) ->
                              assertThat(r.statusCode())
                                  .as(
                                      "%s by chat:admin for another user: %s",
                                      entry, r.bodyAsString())
                                  .isBetween(200, 201)));
              return stream(other, admin, false);
            })
        .compose(
            ws -> {
              open.add(ws);
              return everyEntry(room, self.user(), noChat);
            })
        .compose(
            answers -> {
              ctx.verify(
                  () ->
                      answers.forEach(
                          (entry, r) -> {
                            assertProblem(r, 403, entry + " without a chat scope");
                            assertThat(r.bodyAsJsonObject().getString("detail"))
                                .as(entry)
                                .contains("chat:user");
                          }));
              // The posts of self and of the admin as other reached self's stream.
              return frames.atLeast(2);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(frames.list())
                              .extracting(f -> f.getString("from"))
                              .contains(self.user(), other);
                          open.forEach(WebSocket::close);
                          ctx.completeNow();
                        })));
  }

  /**
   * Every HTTP entry of the chat API acting as {@code user}, one after the other, in an order that
   * leaves the membership as it was: join, post, history, members, read, the user's state, leave
   * (as the last: a refused leave changes nothing, an allowed one is undone by the next scenario
   * step's join).
   */
  private Future<Map<String, HttpResponse<Buffer>>> everyEntry(
      String room, String user, Credential as) {
    Map<String, HttpResponse<Buffer>> answers = new LinkedHashMap<>();
    String roomPath = API + "/rooms/" + room;
    List<Map.Entry<String, Function<Void, Future<HttpResponse<Buffer>>>>> steps =
        List.of(
            Map.entry("join", v -> call(HttpMethod.PUT, roomPath + "/members/" + user, as, null)),
            Map.entry(
                "post",
                v ->
                    call(
                        HttpMethod.POST,
                        roomPath + "/messages",
                        as,
                        new JsonObject()
                            .put("from", user)
                            .put("text", "hello from " + user + " by " + as.user()))),
            Map.entry(
                "history",
                v -> call(HttpMethod.GET, roomPath + "/messages?user=" + user, as, null)),
            Map.entry(
                "members", v -> call(HttpMethod.GET, roomPath + "/members?user=" + user, as, null)),
            Map.entry(
                "read",
                v ->
                    call(
                        HttpMethod.POST,
                        roomPath + "/read",
                        as,
                        new JsonObject().put("user", user).put("seq", 1))),
            Map.entry("user", v -> call(HttpMethod.GET, API + "/users/" + user, as, null)),
            Map.entry(
                "leave", v -> call(HttpMethod.DELETE, roomPath + "/members/" + user, as, null)),
            Map.entry(
                "join again", v -> call(HttpMethod.PUT, roomPath + "/members/" + user, as, null)));
    Future<Void> chain = Future.succeededFuture();
    for (var step : steps) {
      chain =
          chain
              .compose(v -> step.getValue().apply(null))
              .map(
                  r -> {
                    answers.put(step.getKey(), r);
                    return null;
                  });
    }
    return chain.map(v -> answers);
  }

  private Future<HttpResponse<Buffer>> call(
      HttpMethod method, String uri, Credential as, JsonObject body) {
    MultiMap headers = Http.headers(as.header(), as.value());
    if (body != null) {
      headers.add("Content-Type", "application/json");
    }
    return http.send(method, uri, headers, body == null ? null : body.encode());
  }

  /** The stream of {@code user}, with the credential as a header or offered as a subprotocol. */
  private Future<WebSocket> stream(String user, Credential as, boolean subprotocol) {
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(API + "/users/" + user + "/stream");
    if (subprotocol) {
      options.setSubProtocols(
          List.of(
              "troupe.chat.v1",
              "troupe.auth."
                  + Base64.getUrlEncoder()
                      .withoutPadding()
                      .encodeToString(as.authorization().getBytes(StandardCharsets.UTF_8))));
    } else {
      options.addHeader(as.header(), as.value());
    }
    return sockets.connect(options);
  }

  /** The stream of another user is refused with 403 before the upgrade. */
  private Future<Void> refused(String user, Credential as, boolean subprotocol) {
    return stream(user, as, subprotocol)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                ar.result().close();
                return Future.failedFuture(
                    new AssertionError(
                        "the stream of "
                            + user
                            + " opened for "
                            + as.user()
                            + (subprotocol ? " (subprotocol)" : " (header)")));
              }
              if (!(ar.cause() instanceof UpgradeRejectedException rejected)
                  || rejected.getStatus() != 403) {
                return Future.failedFuture(
                    new AssertionError("expected a 403 refusal, got " + ar.cause()));
              }
              return Future.succeededFuture();
            });
  }

  private static Future<Void> expect(
      VertxTestContext ctx, HttpResponse<Buffer> r, int status, String what) {
    ctx.verify(
        () -> assertThat(r.statusCode()).as("%s: %s", what, r.bodyAsString()).isEqualTo(status));
    return Future.succeededFuture();
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String what) {
    assertThat(r.statusCode()).as("%s: %s", what, r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).as(what).isEqualTo("application/problem+json");
  }

  /** Frames of a stream; they arrive on the client's event loop, the waits are bounded. */
  private final class Frames {
    private final List<JsonObject> frames = new ArrayList<>();
    private final List<Map.Entry<Integer, Promise<Void>>> waiting = new ArrayList<>();

    synchronized void add(JsonObject frame) {
      frames.add(frame);
      waiting.removeIf(
          w -> {
            if (frames.size() >= w.getKey()) {
              w.getValue().tryComplete();
              return true;
            }
            return false;
          });
    }

    synchronized List<JsonObject> list() {
      return List.copyOf(frames);
    }

    synchronized Future<Void> atLeast(int n) {
      if (frames.size() >= n) {
        return Future.succeededFuture();
      }
      Promise<Void> promise = Promise.promise();
      waiting.add(Map.entry(n, promise));
      return promise.future().timeout(30, TimeUnit.SECONDS);
    }
  }
}
