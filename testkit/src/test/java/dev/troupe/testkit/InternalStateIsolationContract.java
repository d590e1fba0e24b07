package dev.troupe.testkit;

import static dev.troupe.testkit.DocumentApiClusterTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatContract.HistoryQuery;
import dev.troupe.shared.contract.ChatContract.Membership;
import dev.troupe.shared.contract.ChatContract.Post;
import dev.troupe.shared.contract.ChatContract.ReadMarker;
import dev.troupe.shared.contract.ChatWire;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.StateStoreContract;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Internal state is not a document (issue 15): with a key holding {@code docs:read docs:write},
 * after chat activity, no public entry reads or changes chat messages, membership or user state.
 * Each entry that names a collection refuses the reserved names with 403; the change feeds carry
 * nothing of the chat. One subclass per database.
 */
@ExtendWith(VertxExtension.class)
abstract class InternalStateIsolationContract {
  static final String KEY = "isolation-key-1";

  /**
   * The reserved names: the old homes of actor state and messages, and the prefix kept for later.
   */
  static final List<String> RESERVED =
      List.of("chat-messages", "actor-chat-room", "actor-chat-user", "troupe-state");

  private static final AtomicInteger ROOMS = new AtomicInteger();

  /** The cluster of the subclass: one node running everything, with API keys and both bridges. */
  abstract TroupeCluster cluster();

  static TroupeCluster.Builder builder() {
    return TroupeCluster.builder()
        .node("db", "cache", "request", "gateway", "chat")
        .setting("TROUPE_AUTH", "apikey")
        .setting("TROUPE_API_KEYS", "svc=" + TcpBridgeTest.sha256(KEY) + "=docs:read docs:write")
        .setting("TROUPE_BRIDGE_PORT", "0")
        .setting("TROUPE_BRIDGE_SOCKJS", "true");
  }

  private Http http(Vertx vertx) {
    return new Http(vertx, cluster().httpPort(0));
  }

  private static Future<HttpResponse<Buffer>> post(Http http, String uri, String json) {
    return http.send(
        HttpMethod.POST,
        uri,
        Http.headers("X-Api-Key", KEY, "Content-Type", "application/json"),
        json);
  }

  /**
   * A fresh room with alice and bob in it, two messages and a read marker: the state a document
   * route must not reach. Said to the chat service on the bus, so the test does not depend on how
   * the gateway's chat routes name the user.
   */
  private Future<String> chat() {
    String room = "lounge" + ROOMS.incrementAndGet();
    Bus bus = new Bus(cluster().node(0).vertx(), 10_000);
    return bus.request(
            ChatContract.JOIN.address(),
            ChatContract.JOIN.name(),
            ChatWire.toJson(new Membership(room, "alice")),
            null)
        .compose(
            r ->
                bus.request(
                    ChatContract.JOIN.address(),
                    ChatContract.JOIN.name(),
                    ChatWire.toJson(new Membership(room, "bob")),
                    null))
        .compose(
            r ->
                bus.request(
                    ChatContract.POST.address(),
                    ChatContract.POST.name(),
                    ChatWire.toJson(new Post(room, "alice", "secret one")),
                    null))
        .compose(
            r ->
                bus.request(
                    ChatContract.POST.address(),
                    ChatContract.POST.name(),
                    ChatWire.toJson(new Post(room, "bob", "secret two")),
                    null))
        .compose(
            r ->
                bus.request(
                    ChatContract.READ.address(),
                    ChatContract.READ.name(),
                    ChatWire.toJson(new ReadMarker(room, "bob", 1)),
                    null))
        .map(room);
  }

  /** What the room's member bob reads of its history, through the chat service. */
  private Future<List<String>> history(String room) {
    return new Bus(cluster().node(0).vertx(), 10_000)
        .request(
            ChatContract.HISTORY.address(),
            ChatContract.HISTORY.name(),
            ChatWire.toJson(new HistoryQuery(room, "bob", 0, 10)),
            null)
        .map(
            reply ->
                reply.getJsonArray("items").stream()
                    .map(m -> ((JsonObject) m).getString("text"))
                    .toList());
  }

  private static void assertReserved(HttpResponse<Buffer> r, String what) {
    assertThat(r.statusCode()).as(what + ": " + r.bodyAsString()).isEqualTo(403);
    assertProblem(r, 403);
    assertThat(r.bodyAsJsonObject().getString("detail")).as(what).contains("reserved");
  }

  /** Runs the calls one after another, checking each answer is the reserved-name refusal. */
  private static Future<Void> allRefused(
      List<String> names,
      List<Supplier<Future<HttpResponse<Buffer>>>> calls,
      VertxTestContext ctx) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < calls.size(); i++) {
      Supplier<Future<HttpResponse<Buffer>>> call = calls.get(i);
      String name = names.get(i);
      chain =
          chain
              .compose(v -> call.get())
              .map(
                  r -> {
                    ctx.verify(() -> assertReserved(r, name));
                    return null;
                  });
    }
    return chain;
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "document routes, _mget, _mput and _events refuse the reserved collections with 403; the chat still reads its own messages")
  void documentRoutes(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    chat()
        .compose(
            room -> {
              List<String> names = new ArrayList<>();
              List<Supplier<Future<HttpResponse<Buffer>>>> calls = new ArrayList<>();
              for (String c : RESERVED) {
                String docs = "/api/v1/docs/" + c;
                String id = c.equals("chat-messages") ? room + "~1" : room;
                names.addAll(
                    List.of(
                        "GET " + c,
                        "list " + c,
                        "PUT " + c,
                        "DELETE " + c,
                        "_mget " + c,
                        "_mput " + c,
                        "_events " + c));
                calls.add(() -> http.get(docs + "/" + id, "X-Api-Key", KEY));
                calls.add(() -> http.get(docs + "?limit=5", "X-Api-Key", KEY));
                calls.add(
                    () ->
                        http.putJson(
                            docs + "/" + id,
                            "{\"members\":[\"mallory\"],\"seq\":0}",
                            "X-Api-Key",
                            KEY));
                calls.add(() -> http.delete(docs + "/" + id, "X-Api-Key", KEY));
                calls.add(() -> post(http, docs + "/_mget", "{\"ids\":[\"" + id + "\"]}"));
                calls.add(
                    () ->
                        post(
                            http,
                            docs + "/_mput",
                            "{\"items\":[{\"id\":\""
                                + id
                                + "\",\"data\":{\"text\":\"forged\"}}]}"));
                calls.add(() -> http.get(docs + "/_events", "X-Api-Key", KEY));
              }
              return allRefused(names, calls, ctx).compose(v -> history(room));
            })
        .onComplete(
            ctx.succeeding(
                texts ->
                    ctx.verify(
                        () -> {
                          assertThat(texts).containsExactly("secret one", "secret two");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("jobs refuse to export, warm up or import a reserved collection with 403")
  void jobs(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    chat()
        .compose(
            room -> {
              List<String> names = new ArrayList<>();
              List<Supplier<Future<HttpResponse<Buffer>>>> calls = new ArrayList<>();
              for (String c : RESERVED) {
                names.addAll(List.of("export " + c, "warmup " + c, "import " + c));
                calls.add(() -> post(http, "/api/v1/jobs?type=export&collection=" + c, null));
                calls.add(() -> post(http, "/api/v1/jobs?type=warmup&collection=" + c, null));
                calls.add(
                    () ->
                        http.send(
                            HttpMethod.POST,
                            "/api/v1/jobs?type=import&collection=" + c,
                            Http.headers("X-Api-Key", KEY, "Content-Type", "application/x-ndjson"),
                            "{\"id\":\"" + room + "\",\"data\":{\"members\":[\"mallory\"]}}\n"));
              }
              return allRefused(names, calls, ctx);
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * The change events a feed delivers from the moment it is proven live: {@code write} writes a
   * marker document until the feed shows one (a subscription's start is not announced), then the
   * chat runs, then one more marker; every event up to that last marker is returned.
   */
  private Future<List<JsonObject>> eventsAcrossChat(
      Vertx vertx, Http http, Consumer<Consumer<JsonObject>> subscribe) {
    String marker = "marker" + ROOMS.incrementAndGet();
    List<JsonObject> seen = new ArrayList<>();
    Promise<Void> live = Promise.promise();
    Promise<Void> done = Promise.promise();
    subscribe.accept(
        event -> {
          seen.add(event);
          if (marker.equals(event.getString("collection"))) {
            if ("after".equals(event.getString("id"))) {
              done.tryComplete();
            } else {
              live.tryComplete();
            }
          }
        });
    int[] writes = {0};
    long timer =
        vertx.setPeriodic(
            0,
            250,
            t -> {
              if (live.future().isComplete()) {
                return;
              }
              if (writes[0]++ < 80) {
                http.putJson("/api/v1/docs/" + marker + "/before", "{}", "X-Api-Key", KEY);
              } else {
                live.tryFail("the feed showed no change event after " + writes[0] + " writes");
              }
            });
    return live.future()
        .onComplete(x -> vertx.cancelTimer(timer))
        .compose(
            v -> {
              seen.clear();
              return chat();
            })
        .compose(room -> http.putJson("/api/v1/docs/" + marker + "/after", "{}", "X-Api-Key", KEY))
        .compose(r -> done.future())
        .map(v -> List.copyOf(seen));
  }

  private static void assertOnlyMarkers(List<JsonObject> events) {
    assertThat(events).isNotEmpty();
    assertThat(events)
        .allSatisfy(e -> assertThat(e.getString("collection")).as(e.encode()).startsWith("marker"));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "chat activity publishes no change event on troupe.events.docs.v1, the TCP bridge or the SockJS bridge")
  void noChangeEvents(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    MessageConsumer<JsonObject>[] bus = new MessageConsumer[1];
    // Held for the whole test: Vert.x closes a client's connections once the client is collected.
    List<Object> clients = new ArrayList<>();
    eventsAcrossChat(
            vertx,
            http,
            handler -> {
              bus[0] =
                  cluster()
                      .node(0)
                      .vertx()
                      .eventBus()
                      .<JsonObject>consumer(DocEvents.ADDRESS, m -> handler.accept(m.body()));
            })
        .compose(
            onBus -> {
              ctx.verify(() -> assertOnlyMarkers(onBus));
              return BridgeSocket.connect(vertx, cluster().node(0).bridgePort());
            })
        .compose(
            tcp -> {
              clients.add(tcp);
              return eventsAcrossChat(
                  vertx,
                  http,
                  handler -> {
                    tcp.send(
                        new JsonObject()
                            .put("type", "register")
                            .put("address", DocEvents.ADDRESS)
                            .put(
                                "headers", new JsonObject().put("authorization", "ApiKey " + KEY)));
                    pumpEvents(tcp::next, handler);
                  });
            })
        .compose(
            onTcp -> {
              ctx.verify(() -> assertOnlyMarkers(onTcp));
              return SockJsBridgeTest.connect(vertx, cluster().httpPort(0));
            })
        .compose(
            sockjs -> {
              clients.add(sockjs);
              return eventsAcrossChat(
                  vertx,
                  http,
                  handler -> {
                    sockjs.send(
                        new JsonObject()
                            .put("type", "register")
                            .put("address", DocEvents.ADDRESS)
                            .put(
                                "headers", new JsonObject().put("authorization", "ApiKey " + KEY)));
                    pumpEvents(sockjs::next, handler);
                  });
            })
        .onComplete(
            ctx.succeeding(
                onSockJs ->
                    ctx.verify(
                        () -> {
                          assertOnlyMarkers(onSockJs);
                          bus[0].unregister();
                          ctx.completeNow();
                        })));
  }

  /** Hands the body of every change-event frame a bridge socket receives to {@code handler}. */
  private static void pumpEvents(Supplier<Future<JsonObject>> next, Consumer<JsonObject> handler) {
    next.get()
        .onSuccess(
            frame -> {
              if (DocEvents.ADDRESS.equals(frame.getString("address"))) {
                handler.accept(frame.getJsonObject("body"));
              }
              pumpEvents(next, handler);
            });
  }

  private static JsonObject request(String action, JsonObject body, String replyAddress) {
    return new JsonObject()
        .put("type", "send")
        .put("address", RequestContract.ADDRESS)
        .put(
            "headers", new JsonObject().put("action", action).put("authorization", "ApiKey " + KEY))
        .put("body", body)
        .put("replyAddress", replyAddress);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "over the TCP and SockJS bridges, request-service refuses reads and writes of reserved collections with FORBIDDEN, and the state store is not bridged")
  void bridges(Vertx vertx, VertxTestContext ctx) {
    List<Object> clients = new ArrayList<>();
    chat()
        .compose(
            room ->
                BridgeSocket.connect(vertx, cluster().node(0).bridgePort())
                    .compose(
                        tcp -> {
                          clients.add(tcp);
                          return bridgeRefusals(
                              room,
                              frame -> {
                                tcp.send(frame);
                                return tcp.nextSpecific();
                              },
                              ctx);
                        })
                    .compose(v -> SockJsBridgeTest.connect(vertx, cluster().httpPort(0)))
                    .compose(
                        sockjs -> {
                          clients.add(sockjs);
                          return bridgeRefusals(
                              room,
                              frame -> {
                                sockjs.send(frame);
                                return sockjs.nextSpecific();
                              },
                              ctx);
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> bridgeRefusals(
      String room,
      java.util.function.Function<JsonObject, Future<JsonObject>> ask,
      VertxTestContext ctx) {
    List<JsonObject> frames =
        List.of(
            request(
                "get",
                new JsonObject().put("collection", "chat-messages").put("id", room + "~1"),
                "b1"),
            request(
                "list",
                new JsonObject().put("collection", "actor-chat-room").put("limit", 5),
                "b2"),
            request(
                "put",
                new JsonObject()
                    .put("collection", "actor-chat-room")
                    .put("id", room)
                    .put(
                        "data",
                        new JsonObject()
                            .put("members", new io.vertx.core.json.JsonArray().add("mallory"))),
                "b3"),
            request(
                "getMany",
                new JsonObject()
                    .put("collection", "actor-chat-user")
                    .put("ids", new io.vertx.core.json.JsonArray().add("bob")),
                "b4"));
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject frame : frames) {
      chain =
          chain
              .compose(v -> ask.apply(frame))
              .map(
                  err -> {
                    ctx.verify(
                        () -> {
                          assertThat(err.getString("type")).as(err.encode()).isEqualTo("err");
                          assertThat(err.getInteger("failureCode"))
                              .as(err.encode())
                              .isEqualTo(ErrorCode.FORBIDDEN.code());
                          assertThat(err.getString("message"))
                              .as(err.encode())
                              .contains("reserved");
                        });
                    return null;
                  });
    }
    JsonObject toStateStore =
        request(
                StateStoreContract.LOAD.name(),
                new JsonObject().put("type", "chat-room").put("key", room),
                "b5")
            .put("address", StateStoreContract.LOAD.address());
    return chain
        .compose(v -> ask.apply(toStateStore))
        .map(
            err -> {
              ctx.verify(
                  () -> {
                    assertThat(err.getString("type")).as(err.encode()).isEqualTo("err");
                    assertThat(err.encode()).doesNotContain("members");
                  });
              return null;
            });
  }
}
