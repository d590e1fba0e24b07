package dev.troupe.testkit;

import static dev.troupe.testkit.ActorTesting.counted;
import static dev.troupe.testkit.ActorTesting.gauged;
import static dev.troupe.testkit.ActorTesting.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatWire;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chat users as actors, through two gateway nodes (0 and 1) and a third node running only chat, so
 * rooms and users live on all three: unread counts, the read marker, presence, passivation, and
 * rooms joined and left. Actors passivate after one idle second.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Chat users (presence, rooms, unread counts) on a three-node cluster")
class ChatUsersClusterTest {
  private static final String API = "/api/v1/chat";
  private static final long WAIT_MS = 30_000;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "gateway", "chat")
              .node("gateway", "chat")
              .node("chat")
              .setting("TROUPE_ACCESS_LOG", "false")
              .setting("TROUPE_ACTOR_IDLE_MS", "1000")
              .setting("TROUPE_ACTOR_ASK_TIMEOUT_MS", "30000"));

  @Test
  @DisplayName(
      "unread counts grow with others' messages, not one's own; the read marker lowers them, never backwards, never below 0")
  void unreadCounts(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    String room = "tea";
    join(http, 0, room, "alice")
        .compose(v -> join(http, 1, room, "bob"))
        .compose(v -> user(http, 1, "bob"))
        .compose(
            bob -> {
              ctx.verify(
                  () ->
                      assertThat(bob.getJsonObject("rooms").getJsonObject(room))
                          .isEqualTo(mark(0, 0, 0)));
              return post(http, 0, room, "alice", "one")
                  .compose(x -> post(http, 1, room, "alice", "two"));
            })
        .compose(v -> awaitUser(vertx, http, 0, "bob", u -> lastSeq(u, room) == 2))
        .compose(
            bob -> {
              ctx.verify(
                  () ->
                      assertThat(bob.getJsonObject("rooms").getJsonObject(room))
                          .isEqualTo(mark(2, 0, 2)));
              return post(http, 1, room, "bob", "three");
            })
        .compose(v -> awaitUser(vertx, http, 1, "alice", u -> lastSeq(u, room) == 3))
        .compose(
            alice -> {
              ctx.verify(
                  () ->
                      assertThat(alice.getJsonObject("rooms").getJsonObject(room))
                          .as("alice's own messages are not unread to her; bob's is")
                          .isEqualTo(mark(3, 2, 1)));
              return awaitUser(vertx, http, 0, "bob", u -> lastSeq(u, room) == 3);
            })
        .compose(
            bob -> {
              ctx.verify(
                  () ->
                      assertThat(bob.getJsonObject("rooms").getJsonObject(room))
                          .as("posting marks the room read up to one's own message")
                          .isEqualTo(mark(3, 3, 0)));
              return post(http, 0, room, "alice", "four")
                  .compose(x -> post(http, 0, room, "alice", "five"));
            })
        .compose(v -> awaitUser(vertx, http, 1, "bob", u -> lastSeq(u, room) == 5))
        .compose(
            bob -> {
              ctx.verify(
                  () ->
                      assertThat(bob.getJsonObject("rooms").getJsonObject(room))
                          .isEqualTo(mark(5, 3, 2)));
              return read(http, 0, room, "bob", 4);
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
                    assertThat(r.bodyAsJsonObject()).isEqualTo(mark(5, 4, 1).put("room", room));
                  });
              return read(http, 1, room, "bob", 2);
            })
        .compose(
            r -> {
              ctx.verify(
                  () ->
                      assertThat(r.bodyAsJsonObject())
                          .as("the marker never moves backwards")
                          .isEqualTo(mark(5, 4, 1).put("room", room)));
              return read(http, 0, room, "bob", 99);
            })
        .compose(
            r -> {
              ctx.verify(
                  () ->
                      assertThat(r.bodyAsJsonObject())
                          .as("nor past the room's last message")
                          .isEqualTo(mark(5, 5, 0).put("room", room)));
              return Future.all(
                  read(http, 1, room, "mallory", 1),
                  http.post(port(0), "127.0.0.1", API + "/rooms/" + room + "/read")
                      .sendJsonObject(new JsonObject().put("user", "bob")),
                  http.post(port(0), "127.0.0.1", API + "/rooms/" + room + "/read")
                      .sendJsonObject(new JsonObject().put("user", "bob").put("seq", -1)),
                  http.post(port(0), "127.0.0.1", API + "/rooms/" + room + "/read")
                      .sendJsonObject(new JsonObject().put("user", "bob").put("seq", "3")));
            })
        .compose(
            refused -> {
              ctx.verify(
                  () -> {
                    assertThat(((HttpResponse<?>) refused.resultAt(0)).statusCode())
                        .as("a non-member")
                        .isEqualTo(403);
                    for (int i = 1; i < 4; i++) {
                      HttpResponse<?> bad = refused.resultAt(i);
                      assertThat(bad.statusCode()).isEqualTo(400);
                      assertThat(bad.getHeader("Content-Type"))
                          .isEqualTo("application/problem+json");
                    }
                  });
              return Future.all(user(http, 1, "bob"), user(http, 0, "alice"));
            })
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          JsonObject bob = both.resultAt(0);
                          JsonObject alice = both.resultAt(1);
                          assertThat(bob.getJsonObject("rooms").getJsonObject(room))
                              .isEqualTo(mark(5, 5, 0));
                          assertThat(alice.getJsonObject("rooms").getJsonObject(room))
                              .as(
                                  "alice's own posts never raised her count and marked the room read")
                              .isEqualTo(mark(5, 5, 0));
                          http.close();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "presence: online while a stream is open on either gateway node, offline after the last closes")
  void presence(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    Stream first = new Stream();
    Stream second = new Stream();
    String node0 = TROUPE.cluster().node(0).runtime().nodeName();
    String node1 = TROUPE.cluster().node(1).runtime().nodeName();
    user(http, 0, "carol")
        .compose(
            never -> {
              ctx.verify(
                  () ->
                      assertThat(never.getJsonObject("presence"))
                          .isEqualTo(
                              new JsonObject()
                                  .put("online", false)
                                  .put("streams", 0)
                                  .putNull("since")
                                  .put("nodes", new JsonObject())));
              return first.connect(vertx, 0, "carol");
            })
        .compose(v -> awaitUser(vertx, http, 1, "carol", u -> streams(u) == 1))
        .compose(
            carol -> {
              ctx.verify(
                  () -> {
                    JsonObject presence = carol.getJsonObject("presence");
                    assertThat(presence.getBoolean("online")).isTrue();
                    assertThat(presence.getString("since")).isNotNull();
                    assertThat(presence.getJsonObject("nodes"))
                        .isEqualTo(new JsonObject().put(node0, 1));
                  });
              return second.connect(vertx, 1, "carol");
            })
        .compose(v -> awaitUser(vertx, http, 0, "carol", u -> streams(u) == 2))
        .compose(
            carol -> {
              ctx.verify(
                  () ->
                      assertThat(carol.getJsonObject("presence").getJsonObject("nodes"))
                          .isEqualTo(
                              node0.equals(node1)
                                  ? new JsonObject().put(node0, 2)
                                  : new JsonObject().put(node0, 1).put(node1, 1)));
              return first.close();
            })
        .compose(v -> awaitUser(vertx, http, 0, "carol", u -> streams(u) == 1))
        .compose(
            carol -> {
              ctx.verify(
                  () ->
                      assertThat(carol.getJsonObject("presence").getBoolean("online"))
                          .as("still online through the stream on the other node")
                          .isTrue());
              return second.close();
            })
        .compose(v -> awaitUser(vertx, http, 1, "carol", u -> streams(u) == 0))
        .onComplete(
            ctx.succeeding(
                carol ->
                    ctx.verify(
                        () -> {
                          JsonObject presence = carol.getJsonObject("presence");
                          assertThat(presence.getBoolean("online")).isFalse();
                          assertThat(presence.getString("since"))
                              .as("when carol went offline")
                              .isNotNull();
                          assertThat(presence.getJsonObject("nodes")).isEmpty();
                          http.close();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a stream reported by a gateway member that is not in the cluster does not count")
  void streamsOfDeadNodesDoNotCount(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    Stream live = new Stream();
    String gone = UUID.randomUUID().toString();
    Bus bus = new Bus(TROUPE.cluster().node(2).vertx(), WAIT_MS);
    live.connect(vertx, 1, "gina")
        .compose(v -> awaitUser(vertx, http, 0, "gina", u -> streams(u) == 1))
        .compose(
            v ->
                bus.request(
                    ChatContract.STREAM_OPENED.address(),
                    ChatContract.STREAM_OPENED.name(),
                    ChatWire.toJson(
                        new ChatContract.StreamEvent(
                            "gina", "gone-node", gone, UUID.randomUUID().toString())),
                    null))
        .compose(
            presence -> {
              ctx.verify(
                  () -> {
                    assertThat(presence.getInteger("streams"))
                        .as("the dead node's stream is dropped at once")
                        .isEqualTo(1);
                    assertThat(presence.getJsonObject("nodes").containsKey("gone-node")).isFalse();
                  });
              return user(http, 0, "gina");
            })
        .onComplete(
            ctx.succeeding(
                gina ->
                    ctx.verify(
                        () -> {
                          assertThat(gina.getJsonObject("presence").getInteger("streams"))
                              .isEqualTo(1);
                          assertThat(gina.getJsonObject("presence").getBoolean("online")).isTrue();
                          live.close();
                          http.close();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a user's rooms, counts and presence survive passivation and reactivation")
  void survivesPassivation(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    Stream stream = new Stream();
    String room = "den";
    var nodes = TROUPE.cluster().nodes();
    double[] activationsBefore = new double[1];
    join(http, 0, room, "dave")
        .compose(v -> join(http, 1, room, "erin"))
        .compose(v -> post(http, 1, room, "erin", "e1"))
        .compose(v -> post(http, 0, room, "erin", "e2"))
        .compose(v -> post(http, 0, room, "erin", "e3"))
        .compose(v -> stream.connect(vertx, 1, "dave"))
        .compose(
            v -> awaitUser(vertx, http, 0, "dave", u -> lastSeq(u, room) == 3 && streams(u) == 1))
        .compose(v -> read(http, 1, room, "dave", 1))
        .compose(v -> user(http, 1, "dave"))
        .compose(
            before -> {
              activationsBefore[0] = counted(nodes, "troupe_actor_activations", "chat-user");
              return until(
                      vertx,
                      "every chat user to passivate",
                      () ->
                          gauged(nodes, "troupe_actor_live", "chat-user") == 0
                              && counted(
                                      nodes,
                                      "troupe_actor_passivations",
                                      "chat-user",
                                      "reason",
                                      "idle")
                                  >= 2,
                      WAIT_MS)
                  .compose(v -> user(http, 0, "dave"))
                  .map(
                      after -> {
                        ctx.verify(
                            () -> {
                              assertThat(counted(nodes, "troupe_actor_activations", "chat-user"))
                                  .as("dave's actor was activated again")
                                  .isGreaterThan(activationsBefore[0]);
                              assertThat(after).isEqualTo(before);
                              assertThat(after.getJsonObject("rooms").getJsonObject(room))
                                  .isEqualTo(mark(3, 1, 2));
                              assertThat(after.getJsonObject("presence").getInteger("streams"))
                                  .isEqualTo(1);
                            });
                        return after;
                      });
            })
        .onComplete(
            ctx.succeeding(
                v -> {
                  stream.close();
                  http.close();
                  ctx.completeNow();
                }));
  }

  @Test
  @DisplayName(
      "joining and leaving rooms shows in the user's rooms; twice changes nothing; rejoining starts with nothing unread")
  void joinAndLeave(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    join(http, 0, "r1", "frank")
        .compose(v -> join(http, 1, "r2", "frank"))
        .compose(v -> join(http, 1, "r2", "frank"))
        .compose(v -> join(http, 0, "r1", "hal"))
        .compose(v -> post(http, 0, "r1", "hal", "hi frank"))
        .compose(v -> awaitUser(vertx, http, 1, "frank", u -> lastSeq(u, "r1") == 1))
        .compose(
            frank -> {
              ctx.verify(
                  () ->
                      assertThat(frank.getJsonObject("rooms"))
                          .isEqualTo(
                              new JsonObject().put("r1", mark(1, 0, 1)).put("r2", mark(0, 0, 0))));
              return leave(http, 1, "r1", "frank").compose(x -> leave(http, 0, "r1", "frank"));
            })
        .compose(v -> user(http, 0, "frank"))
        .compose(
            frank -> {
              ctx.verify(
                  () ->
                      assertThat(frank.getJsonObject("rooms"))
                          .isEqualTo(new JsonObject().put("r2", mark(0, 0, 0))));
              return post(http, 1, "r1", "hal", "frank is gone");
            })
        .compose(v -> awaitUser(vertx, http, 1, "hal", u -> lastSeq(u, "r1") == 2))
        .compose(v -> user(http, 1, "frank"))
        .compose(
            frank -> {
              ctx.verify(
                  () ->
                      assertThat(frank.getJsonObject("rooms").containsKey("r1"))
                          .as("no message of a room left brings it back")
                          .isFalse());
              return join(http, 0, "r1", "frank");
            })
        .compose(v -> user(http, 1, "frank"))
        .onComplete(
            ctx.succeeding(
                frank ->
                    ctx.verify(
                        () -> {
                          assertThat(frank.getJsonObject("rooms"))
                              .isEqualTo(
                                  new JsonObject()
                                      .put("r1", mark(2, 2, 0))
                                      .put("r2", mark(0, 0, 0)));
                          http.close();
                          ctx.completeNow();
                        })));
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "a room's members in name order with their presence, paged by after and limit; only members may list them")
  void members(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    Stream eve = new Stream();
    String room = "club";
    String members = API + "/rooms/" + room + "/members?user=dora";
    join(http, 0, room, "finn")
        .compose(v -> join(http, 1, room, "dora"))
        .compose(v -> join(http, 0, room, "eve"))
        .compose(v -> eve.connect(vertx, 1, "eve"))
        .compose(v -> awaitUser(vertx, http, 0, "eve", u -> streams(u) == 1))
        .compose(
            v ->
                Future.all(
                    http.get(port(0), "127.0.0.1", members).send(),
                    http.get(port(1), "127.0.0.1", members + "&after=dora&limit=1").send(),
                    http.get(port(1), "127.0.0.1", API + "/rooms/" + room + "/members?user=mallory")
                        .send(),
                    http.get(port(0), "127.0.0.1", members + "&limit=0").send(),
                    http.get(port(0), "127.0.0.1", API + "/rooms/" + room + "/members").send()))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          HttpResponse<Buffer> page = all.resultAt(0);
                          assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
                          JsonObject body = page.bodyAsJsonObject();
                          assertThat(body.getInteger("total")).isEqualTo(3);
                          assertThat(body.getJsonArray("items")).hasSize(3);
                          JsonObject dora = body.getJsonArray("items").getJsonObject(0);
                          JsonObject eveItem = body.getJsonArray("items").getJsonObject(1);
                          JsonObject finn = body.getJsonArray("items").getJsonObject(2);
                          assertThat(dora)
                              .isEqualTo(
                                  new JsonObject()
                                      .put("user", "dora")
                                      .put("online", false)
                                      .putNull("since"));
                          assertThat(eveItem.getString("user")).isEqualTo("eve");
                          assertThat(eveItem.getBoolean("online")).isTrue();
                          assertThat(eveItem.getString("since")).isNotNull();
                          assertThat(finn.getString("user")).isEqualTo("finn");
                          HttpResponse<Buffer> second = all.resultAt(1);
                          assertThat(second.bodyAsJsonObject())
                              .isEqualTo(
                                  new JsonObject()
                                      .put("total", 3)
                                      .put(
                                          "items",
                                          new io.vertx.core.json.JsonArray().add(eveItem)));
                          for (int i = 2; i < 5; i++) {
                            HttpResponse<Buffer> refused = all.resultAt(i);
                            assertThat(refused.statusCode())
                                .as(refused.bodyAsString())
                                .isEqualTo(i == 2 ? 403 : 400);
                            assertThat(refused.getHeader("Content-Type"))
                                .isEqualTo("application/problem+json");
                          }
                          eve.close()
                              .onComplete(
                                  x -> {
                                    http.close();
                                    ctx.completeNow();
                                  });
                        })));
  }

  private static JsonObject mark(long lastSeq, long readSeq, long unread) {
    return new JsonObject().put("lastSeq", lastSeq).put("readSeq", readSeq).put("unread", unread);
  }

  private static long lastSeq(JsonObject user, String room) {
    JsonObject mark = user.getJsonObject("rooms").getJsonObject(room);
    return mark == null ? -1 : mark.getLong("lastSeq");
  }

  private static int streams(JsonObject user) {
    return user.getJsonObject("presence").getInteger("streams");
  }

  private static int port(int node) {
    return TROUPE.cluster().node(node).httpPort();
  }

  private static Future<Void> join(WebClient http, int node, String room, String user) {
    return http.put(port(node), "127.0.0.1", API + "/rooms/" + room + "/members/" + user)
        .send()
        .compose(r -> ok(r, 200))
        .mapEmpty();
  }

  private static Future<Void> leave(WebClient http, int node, String room, String user) {
    return http.delete(port(node), "127.0.0.1", API + "/rooms/" + room + "/members/" + user)
        .send()
        .compose(r -> ok(r, 200))
        .mapEmpty();
  }

  private static Future<Void> post(
      WebClient http, int node, String room, String from, String text) {
    return http.post(port(node), "127.0.0.1", API + "/rooms/" + room + "/messages")
        .sendJsonObject(new JsonObject().put("from", from).put("text", text))
        .compose(r -> ok(r, 201))
        .mapEmpty();
  }

  private static Future<HttpResponse<Buffer>> read(
      WebClient http, int node, String room, String user, long seq) {
    return http.post(port(node), "127.0.0.1", API + "/rooms/" + room + "/read")
        .sendJsonObject(new JsonObject().put("user", user).put("seq", seq));
  }

  private static Future<JsonObject> user(WebClient http, int node, String user) {
    return http.get(port(node), "127.0.0.1", API + "/users/" + user)
        .send()
        .compose(r -> ok(r, 200))
        .map(HttpResponse::bodyAsJsonObject);
  }

  private static Future<HttpResponse<Buffer>> ok(HttpResponse<Buffer> r, int status) {
    return r.statusCode() == status
        ? Future.succeededFuture(r)
        : Future.failedFuture(
            new AssertionError("answered " + r.statusCode() + " " + r.bodyAsString()));
  }

  /**
   * The user's state once it matches {@code condition} (updates reach user actors after the reply);
   * fails after 30 s.
   */
  private static Future<JsonObject> awaitUser(
      Vertx vertx, WebClient http, int node, String name, Predicate<JsonObject> condition) {
    Promise<JsonObject> promise = Promise.promise();
    poll(vertx, http, node, name, condition, System.currentTimeMillis() + WAIT_MS, promise);
    return promise.future();
  }

  private static void poll(
      Vertx vertx,
      WebClient http,
      int node,
      String name,
      Predicate<JsonObject> condition,
      long deadline,
      Promise<JsonObject> promise) {
    user(http, node, name)
        .onComplete(
            ar -> {
              if (ar.succeeded() && condition.test(ar.result())) {
                promise.complete(ar.result());
              } else if (System.currentTimeMillis() > deadline) {
                promise.fail(
                    new AssertionError(
                        "user "
                            + name
                            + " never got there; last: "
                            + (ar.succeeded() ? ar.result().encode() : ar.cause().toString())));
              } else {
                vertx.setTimer(
                    50, t -> poll(vertx, http, node, name, condition, deadline, promise));
              }
            });
  }

  /** One WebSocket stream; the client is kept for as long as the socket is used. */
  private static final class Stream {
    private WebSocketClient client;
    private WebSocket socket;

    Future<Void> connect(Vertx vertx, int node, String user) {
      client = vertx.createWebSocketClient();
      return client
          .connect(
              new WebSocketConnectOptions()
                  .setHost("127.0.0.1")
                  .setPort(port(node))
                  .setURI(API + "/users/" + user + "/stream"))
          .map(
              ws -> {
                socket = ws;
                return null;
              });
    }

    Future<Void> close() {
      return socket.close().eventually(client::close);
    }
  }
}
