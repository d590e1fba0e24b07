package dev.troupe.testkit;

import static dev.troupe.testkit.ActorTesting.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.launcher.TroupeNode;
import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatWire;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chat through the gateway: HTTP routes and WebSocket streams on two gateway nodes (0 and 1), with
 * a third node (2) running only chat, so rooms live on all three. The tests share one cluster and
 * run in order; the last one kills node 2.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("Chat through gateways on a three-node cluster")
class ChatGatewayClusterTest {
  private static final String API = "/api/v1/chat";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "gateway", "chat")
              .node("gateway", "chat")
              .node("chat")
              .setting("TROUPE_ACCESS_LOG", "false")
              .setting("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", "3")
              .setting("TROUPE_ACTOR_ASK_TIMEOUT_MS", "30000"));

  @Test
  @Order(1)
  @DisplayName(
      "two users on two gateway nodes exchange messages: each stream gets all of them, in seq order")
  void twoGateways(Vertx vertx, VertxTestContext ctx) {
    String room = "duo";
    WebClient http = WebClient.create(vertx);
    Stream alice = new Stream();
    Stream bob = new Stream();
    List<String> sent = List.of("a1", "b1", "a2", "b2", "a3", "b3");
    alice
        .connect(vertx, 0, "alice")
        .compose(v -> bob.connect(vertx, 1, "bob"))
        .compose(v -> join(http, 0, room, "alice"))
        .compose(v -> join(http, 1, room, "bob"))
        .compose(
            v -> {
              Future<Void> chain = Future.succeededFuture();
              for (String text : sent) {
                boolean fromAlice = text.startsWith("a");
                chain =
                    chain.compose(
                        x ->
                            post(http, fromAlice ? 0 : 1, room, fromAlice ? "alice" : "bob", text)
                                .map(
                                    r -> {
                                      ctx.verify(
                                          () ->
                                              assertThat(r.statusCode())
                                                  .as(r.bodyAsString())
                                                  .isEqualTo(201));
                                      return null;
                                    }));
              }
              return chain;
            })
        .compose(v -> Future.all(alice.received(sent.size()), bob.received(sent.size())))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          for (Stream stream : List.of(alice, bob)) {
                            assertThat(stream.frames)
                                .extracting(f -> f.getString("text"))
                                .containsExactlyElementsOf(sent);
                            assertThat(stream.frames)
                                .extracting(f -> f.getLong("seq"))
                                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
                            assertThat(stream.frames)
                                .allMatch(
                                    f ->
                                        room.equals(f.getString("room"))
                                            && f.getString("at") != null);
                          }
                          alice.close();
                          bob.close();
                          http.close();
                          ctx.completeNow();
                        })));
  }

  @Test
  @Order(2)
  @DisplayName(
      "HTTP maps the contract: 201 {seq}, history pages, 403 for non-members, 400 for bad input, 426 without upgrade")
  void routes(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    int port = TROUPE.cluster().node(1).httpPort();
    join(http, 1, "routes", "erin")
        .compose(v -> post(http, 0, "routes", "erin", "one"))
        .compose(
            first -> {
              ctx.verify(
                  () ->
                      assertThat(first.bodyAsJsonObject())
                          .isEqualTo(new JsonObject().put("seq", 1)));
              return post(http, 1, "routes", "erin", "two");
            })
        .compose(
            v ->
                Future.all(
                    List.of(
                        http.get(
                                port,
                                "127.0.0.1",
                                API + "/rooms/routes/messages?user=erin&after=1&limit=5")
                            .send(),
                        http.get(port, "127.0.0.1", API + "/rooms/routes/messages?user=mallory")
                            .send(),
                        post(http, 0, "routes", "mallory", "hi"),
                        http.get(port, "127.0.0.1", API + "/rooms/routes/messages").send(),
                        http.get(
                                port, "127.0.0.1", API + "/rooms/routes/messages?user=erin&limit=0")
                            .send(),
                        post(http, 0, "routes", "erin", " "),
                        http.get(port, "127.0.0.1", API + "/users/erin/stream").send())))
        .compose(
            all -> {
              ctx.verify(
                  () -> {
                    HttpResponse<Buffer> page = all.resultAt(0);
                    assertThat(page.statusCode()).isEqualTo(200);
                    assertThat(page.bodyAsJsonObject().getJsonArray("items")).hasSize(1);
                    assertThat(
                            page.bodyAsJsonObject()
                                .getJsonArray("items")
                                .getJsonObject(0)
                                .getString("text"))
                        .isEqualTo("two");
                    assertProblem(all.resultAt(1), 403);
                    assertProblem(all.resultAt(2), 403);
                    assertProblem(all.resultAt(3), 400);
                    assertProblem(all.resultAt(4), 400);
                    assertProblem(all.resultAt(5), 400);
                    assertProblem(all.resultAt(6), 426);
                  });
              return http.delete(port, "127.0.0.1", API + "/rooms/routes/members/erin").send();
            })
        .compose(
            left -> {
              ctx.verify(
                  () ->
                      assertThat(left.bodyAsJsonObject())
                          .isEqualTo(new JsonObject().put("members", 0)));
              return http.get(port, "127.0.0.1", API + "/rooms/routes/messages?user=erin").send();
            })
        .onComplete(
            ctx.succeeding(
                afterLeaving ->
                    ctx.verify(
                        () -> {
                          assertProblem(afterLeaving, 403);
                          http.close();
                          ctx.completeNow();
                        })));
  }

  @Test
  @Order(3)
  // Each join now also writes the user's actor (activated for the first time), and the user updates
  // of 2,000 posts share the embedded database with the posts: more than 30 s on a loaded machine.
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "1,000 users in 50 rooms across three nodes, two posts each: every message reaches every member exactly once")
  void thousandUsers(Vertx vertx, VertxTestContext ctx) {
    int users = 1_000;
    int rooms = 50;
    int membersPerRoom = users / rooms;
    int postsPerUser = 2;
    // user -> the seqs it received (each user is in one room)
    Map<String, Set<Long>> received = new ConcurrentHashMap<>();
    AtomicInteger deliveries = new AtomicInteger();
    AtomicInteger duplicates = new AtomicInteger();
    int expected = users * postsPerUser * membersPerRoom;
    Promise<Void> all = Promise.promise();
    List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
    List<Future<Void>> registered = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      String user = "u" + u;
      Set<Long> seqs = ConcurrentHashMap.newKeySet();
      received.put(user, seqs);
      MessageConsumer<JsonObject> consumer =
          TROUPE
              .cluster()
              .node(u % 3)
              .vertx()
              .eventBus()
              .consumer(
                  ChatContract.userAddress(user),
                  m -> {
                    if (!seqs.add(m.body().getLong("seq"))) {
                      duplicates.incrementAndGet();
                    }
                    if (deliveries.incrementAndGet() == expected) {
                      all.complete();
                    }
                  });
      consumers.add(consumer);
      registered.add(consumer.completion());
    }
    Future.all(registered)
        .compose(
            v ->
                perRoom(
                    rooms,
                    r -> {
                      Future<Void> chain = Future.succeededFuture();
                      for (int u = r; u < users; u += rooms) {
                        int member = u;
                        chain =
                            chain.compose(
                                x ->
                                    bus(member % 3)
                                        .request(
                                            ChatContract.JOIN.address(),
                                            ChatContract.JOIN.name(),
                                            ChatWire.toJson(
                                                new ChatContract.Membership(
                                                    "crowd" + r, "u" + member)),
                                            null)
                                        .mapEmpty());
                      }
                      return chain;
                    }))
        .compose(
            v ->
                perRoom(
                    rooms,
                    r -> {
                      Future<Void> chain = Future.succeededFuture();
                      for (int p = 0; p < postsPerUser; p++) {
                        for (int u = r; u < users; u += rooms) {
                          int member = u;
                          chain =
                              chain.compose(
                                  x ->
                                      bus(member % 3)
                                          .request(
                                              ChatContract.POST.address(),
                                              ChatContract.POST.name(),
                                              ChatWire.toJson(
                                                  new ChatContract.Post(
                                                      "crowd" + r,
                                                      "u" + member,
                                                      "hi from u" + member)),
                                              null)
                                          .mapEmpty());
                        }
                      }
                      return chain;
                    }))
        .compose(v -> all.future())
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(duplicates.get()).as("messages delivered twice").isZero();
                          assertThat(deliveries.get()).isEqualTo(expected);
                          List<Long> everySeq = new ArrayList<>();
                          for (long s = 1; s <= (long) membersPerRoom * postsPerUser; s++) {
                            everySeq.add(s);
                          }
                          assertThat(received.values())
                              .allSatisfy(
                                  seqs ->
                                      assertThat(seqs)
                                          .containsExactlyInAnyOrderElementsOf(everySeq));
                          consumers.forEach(MessageConsumer::unregister);
                          ctx.completeNow();
                        })));
  }

  @Test
  @Order(4)
  @DisplayName(
      "the node hosting a room dies: the conversation continues, numbered on from the stored state")
  void roomNodeDies(Vertx vertx, VertxTestContext ctx) {
    TroupeNode victim = TROUPE.cluster().node(2);
    String room = ActorTesting.keyOwnedBy(victim, TROUPE.cluster().node(0), "chat-room", "doomed");
    Stream carol = new Stream();
    WebClient http = WebClient.create(vertx);
    Stream dave = new Stream();
    carol
        .connect(vertx, 0, "carol")
        .compose(v -> dave.connect(vertx, 1, "dave"))
        .compose(v -> join(http, 0, room, "carol"))
        .compose(v -> join(http, 1, room, "dave"))
        .compose(v -> post(http, 0, room, "carol", "before"))
        .compose(v -> dave.received(1))
        .compose(
            v -> {
              UUID dead = victim.runtime().hazelcast().getCluster().getLocalMember().getUuid();
              victim.runtime().hazelcast().getLifecycleService().terminate();
              victim.close().onFailure(e -> {});
              // A post sent before the cluster notices the death goes to the dead node and times
              // out (it
              // may have been stored, so nobody resends it): "continues" means the posts after
              // that.
              return until(
                  vertx,
                  "the room's partition to have a live owner on both gateway nodes",
                  () -> ownedByOther(0, room, dead) && ownedByOther(1, room, dead),
                  30_000);
            })
        // The gateway may still route to the dead node's chat consumer until its subscriptions are
        // gone (such a call is dropped and times out): wait until reads through gateway 1 go round
        // every chat consumer it knows and all answer.
        .compose(
            v ->
                untilEveryChatNodeAnswers(
                    vertx, http, 1, room, "dave", System.currentTimeMillis() + 60_000))
        .compose(v -> post(http, 1, room, "dave", "after"))
        .compose(
            after -> {
              ctx.verify(
                  () -> assertThat(after.statusCode()).as(after.bodyAsString()).isEqualTo(201));
              return Future.all(carol.received(2), dave.received(2));
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          for (Stream stream : List.of(carol, dave)) {
                            assertThat(stream.frames)
                                .extracting(f -> f.getString("text"))
                                .containsExactly("before", "after");
                            assertThat(stream.frames)
                                .extracting(f -> f.getLong("seq"))
                                .containsExactly(1L, 2L);
                          }
                          carol.close();
                          dave.close();
                          http.close();
                          ctx.completeNow();
                        })));
  }

  // ---- helpers
  // --------------------------------------------------------------------------------------

  /**
   * Completes once {@value #PROBES} history reads in a row through gateway {@code node} answer 200
   * within 2 s each: the event bus sends them round the chat consumers it knows, so a dead node's
   * consumer still among them makes one of the reads time out. Retried until {@code deadline}.
   */
  private static Future<Void> untilEveryChatNodeAnswers(
      Vertx vertx, WebClient http, int node, String room, String user, long deadline) {
    return probes(http, node, room, user, PROBES)
        .compose(
            all -> {
              if (all) {
                return Future.succeededFuture();
              }
              if (System.currentTimeMillis() > deadline) {
                return Future.failedFuture(
                    new AssertionError("reads through gateway " + node + " kept failing"));
              }
              Promise<Void> again = Promise.promise();
              vertx.setTimer(
                  200,
                  t ->
                      untilEveryChatNodeAnswers(vertx, http, node, room, user, deadline)
                          .onComplete(again));
              return again.future();
            });
  }

  private static final int PROBES = 6;

  private static Future<Boolean> probes(
      WebClient http, int node, String room, String user, int left) {
    if (left == 0) {
      return Future.succeededFuture(true);
    }
    return http.get(
            TROUPE.cluster().node(node).httpPort(),
            "127.0.0.1",
            API + "/rooms/" + room + "/messages?user=" + user)
        .timeout(2_000)
        .send()
        .transform(
            ar ->
                ar.succeeded() && ar.result().statusCode() == 200
                    ? probes(http, node, room, user, left - 1)
                    : Future.succeededFuture(false));
  }

  /**
   * One user's WebSocket stream and the frames it got; frames arrive on the client's event loop.
   */
  private static final class Stream {
    final List<JsonObject> frames = new ArrayList<>();
    private final List<Promise<Void>> waiting = new ArrayList<>();
    private final List<Integer> counts = new ArrayList<>();
    private WebSocketClient client;
    private WebSocket socket;

    Future<Void> connect(Vertx vertx, int node, String user) {
      client = vertx.createWebSocketClient();
      return client
          .connect(
              new WebSocketConnectOptions()
                  .setHost("127.0.0.1")
                  .setPort(TROUPE.cluster().node(node).httpPort())
                  .setURI(API + "/users/" + user + "/stream"))
          .map(
              ws -> {
                socket = ws;
                ws.textMessageHandler(text -> frame(new JsonObject(text)));
                return null;
              });
    }

    private synchronized void frame(JsonObject frame) {
      frames.add(frame);
      for (int i = waiting.size() - 1; i >= 0; i--) {
        if (frames.size() >= counts.get(i)) {
          counts.remove(i);
          waiting.remove(i).complete();
        }
      }
    }

    /** Completes once {@code n} frames arrived; fails after 30 s. */
    synchronized Future<Void> received(int n) {
      if (frames.size() >= n) {
        return Future.succeededFuture();
      }
      Promise<Void> promise = Promise.promise();
      waiting.add(promise);
      counts.add(n);
      return promise.future().timeout(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    void close() {
      socket.close().eventually(client::close);
    }
  }

  private static Future<Void> perRoom(
      int rooms, java.util.function.IntFunction<Future<Void>> room) {
    List<Future<Void>> all = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      all.add(room.apply(r));
    }
    return Future.all(all).mapEmpty();
  }

  private static Bus bus(int node) {
    return new Bus(TROUPE.cluster().node(node).vertx(), 30_000);
  }

  private static Future<Void> join(WebClient http, int node, String room, String user) {
    return http.put(
            TROUPE.cluster().node(node).httpPort(),
            "127.0.0.1",
            API + "/rooms/" + room + "/members/" + user)
        .send()
        .compose(
            r ->
                r.statusCode() == 200
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        new AssertionError(
                            "join answered " + r.statusCode() + " " + r.bodyAsString())));
  }

  private static Future<HttpResponse<Buffer>> post(
      WebClient http, int node, String room, String from, String text) {
    return http.post(
            TROUPE.cluster().node(node).httpPort(),
            "127.0.0.1",
            API + "/rooms/" + room + "/messages")
        .sendJsonObject(new JsonObject().put("from", from).put("text", text));
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  private static boolean ownedByOther(int node, String room, UUID dead) {
    var owner =
        TROUPE
            .cluster()
            .node(node)
            .runtime()
            .hazelcast()
            .getPartitionService()
            .getPartition(new ActorId("chat-room", room).placementKey())
            .getOwner();
    return owner != null
        && !owner.getUuid().equals(dead)
        && TROUPE.cluster().node(node).runtime().hazelcast().getCluster().getMembers().stream()
            .noneMatch(m -> m.getUuid().equals(dead));
  }
}
