package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chat scenarios and the {@code chat-delivery} runner end to end against a stand-in for the
 * chat routes: joins, posts numbered per room and published to the members' open streams, history
 * reads. The stand-in can drop one user's frames and send another's twice, so the counts have
 * something to find.
 */
class ChatRunsTest {
  private Vertx vertx;
  private FakeChat chat;
  private int port;

  /** The chat API's routes, in memory, on one event loop. */
  static final class FakeChat {
    final Map<String, Set<String>> members = new HashMap<>();
    final Map<String, Long> seqs = new HashMap<>();
    final Map<String, List<ServerWebSocket>> streams = new HashMap<>();
    final AtomicLong history = new AtomicLong();
    final AtomicLong posts = new AtomicLong();
    String dropFor;
    String doubleFor;

    void handle(HttpServerRequest req) {
      String[] path =
          req.path()
              .split("/"); // "", api, v1, chat, rooms|users, name, members|messages|stream, user
      if (path.length >= 7 && path[4].equals("users") && path[6].equals("stream")) {
        req.toWebSocket()
            .onSuccess(
                ws -> {
                  streams.computeIfAbsent(path[5], k -> new ArrayList<>()).add(ws);
                  ws.closeHandler(v -> streams.get(path[5]).remove(ws));
                });
        return;
      }
      if (path.length == 8 && path[6].equals("members")) {
        Set<String> room = members.computeIfAbsent(path[5], k -> new HashSet<>());
        room.add(path[7]);
        req.response().end(new JsonObject().put("members", room.size()).encode());
      } else if (path.length == 7
          && path[6].equals("messages")
          && req.method().name().equals("POST")) {
        req.body()
            .onSuccess(
                body -> {
                  JsonObject post = body.toJsonObject();
                  Set<String> room = members.getOrDefault(path[5], Set.of());
                  if (!room.contains(post.getString("from"))) {
                    req.response().setStatusCode(403).end();
                    return;
                  }
                  long seq = seqs.merge(path[5], 1L, Long::sum);
                  posts.incrementAndGet();
                  String frame =
                      new JsonObject()
                          .put("room", path[5])
                          .put("seq", seq)
                          .put("from", post.getString("from"))
                          .put("text", post.getString("text"))
                          .put("at", "2026-01-01T00:00:00Z")
                          .encode();
                  for (String user : room) {
                    for (ServerWebSocket ws : streams.getOrDefault(user, List.of())) {
                      if (!user.equals(dropFor)) {
                        ws.writeTextMessage(frame);
                      }
                      if (user.equals(doubleFor)) {
                        ws.writeTextMessage(frame);
                      }
                    }
                  }
                  req.response().setStatusCode(201).end(new JsonObject().put("seq", seq).encode());
                });
      } else if (path.length == 7 && path[6].equals("messages")) {
        boolean member = members.getOrDefault(path[5], Set.of()).contains(req.getParam("user"));
        history.incrementAndGet();
        req.response().setStatusCode(member ? 200 : 403).end("{\"items\":[]}");
      } else {
        req.response().setStatusCode(404).end();
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    chat = new FakeChat();
    HttpServer server =
        LoadRun.await(
            vertx.createHttpServer().requestHandler(chat::handle).listen(0, "127.0.0.1"), 10_000);
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    LoadRun.await(vertx.close(), 10_000);
  }

  private static Args args(String... args) {
    return Args.parse(args, 0);
  }

  private LoadResult delivery(String... extra) throws Exception {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--url",
                "http://127.0.0.1:" + port + ",http://127.0.0.1:" + port,
                "--label",
                "fake",
                "--run-id",
                "t1",
                "--timeout",
                "5s"));
    all.addAll(List.of(extra));
    Args parsed = args(all.toArray(String[]::new));
    ChatDeliveryOptions options = ChatDeliveryOptions.from(parsed);
    parsed.requireAllUsed();
    return new ChatDeliveryRun(options).run();
  }

  @Test
  @DisplayName(
      "chat-delivery: every member gets every measured post once; deliveries/s and latencies come from them")
  void deliversExactlyOnce() throws Exception {
    LoadResult r =
        delivery(
            "--users",
            "10",
            "--rooms",
            "3",
            "--rate",
            "200",
            "--warmup",
            "100ms",
            "--duration",
            "400ms",
            "--drain",
            "5s");

    JsonObject p = r.params();
    long posts = p.getLong("posts");
    assertThat(posts).isBetween(79L, 81L); // 200/s for 0.4 s
    assertThat(p.getLong("postsOk")).isEqualTo(posts);
    // rooms of 4, 3 and 3 members, posted to in turn
    assertThat(r.requests()).isBetween(posts * 3, posts * 4);
    assertThat(r.ok()).isEqualTo(r.requests());
    assertThat(p.getLong("lost")).isZero();
    assertThat(p.getLong("duplicated")).isZero();
    assertThat(r.errors()).isZero();
    assertThat(r.scenario()).isEqualTo(ChatDeliveryRun.SCENARIO);
    assertThat(r.throughput()).isEqualTo(LoadResult.round(r.ok() / r.durationSec(), 1));
    assertThat(r.latencyMs().p50()).isPositive();
    assertThat(r.latencyMs().max()).isGreaterThanOrEqualTo(r.latencyMs().p99());
    assertThat(p.getInteger("gateways")).isEqualTo(2);
    assertThat(chat.posts.get()).isGreaterThanOrEqualTo(posts); // the warm-up's too
    LoadResult back = LoadResult.fromJson(r.toJson());
    assertThat(back.params()).isEqualTo(p);
    assertThat(Notes.chat("chat-delivery / fake / open 200/s", back, back.params()))
        .contains(
            "deliveries/s to 10 WebSocket streams (3 rooms of 3-4 members, over 2 gateway(s))",
            "0 lost, 0 duplicated");
  }

  @Test
  @DisplayName(
      "chat-delivery counts a member's missing frames as lost and its extra ones as duplicated, without failing")
  void countsLostAndDuplicated() throws Exception {
    chat.dropFor = "u-0"; // room 0
    chat.doubleFor = "u-1"; // room 1
    LoadResult r =
        delivery(
            "--users",
            "4",
            "--rooms",
            "2",
            "--rate",
            "100",
            "--warmup",
            "0s",
            "--duration",
            "300ms",
            "--drain",
            "300ms");

    JsonObject p = r.params();
    long toRoom0 = (p.getLong("posts") + 1) / 2;
    long toRoom1 = p.getLong("posts") / 2;
    assertThat(p.getLong("lost")).isEqualTo(toRoom0);
    assertThat(p.getLong("duplicated")).isEqualTo(toRoom1);
    assertThat(r.errorsByStatus())
        .containsEntry("lost", toRoom0)
        .containsEntry("duplicated", toRoom1);
    assertThat(r.ok()).isEqualTo(r.requests() - toRoom0);
  }

  @Test
  @DisplayName(
      "chat-history: rooms and members are set up first, then each request reads one room's history as its member")
  void historyScenario() throws Exception {
    Args parsed =
        args(
            "--url",
            "http://127.0.0.1:" + port,
            "--scenario",
            "chat-history",
            "--rooms",
            "5",
            "--members",
            "3",
            "--history",
            "4",
            "--connections",
            "4",
            "--duration",
            "300ms",
            "--warmup",
            "0s",
            "--run-id",
            "h1",
            "--room-dist",
            "zipf");
    LoadOptions options = LoadOptions.from(parsed);
    parsed.requireAllUsed();
    LoadResult r = new LoadRun(options).run();

    assertThat(r.preloaded()).isEqualTo(5 * 3 + 5 * 4);
    assertThat(chat.members)
        .hasSize(5)
        .allSatisfy(
            (room, users) -> assertThat(users).containsExactlyInAnyOrder("u-0", "u-1", "u-2"));
    assertThat(chat.seqs).containsEntry("rh1-0", 4L).containsEntry("rh1-4", 4L);
    assertThat(r.errors()).isZero();
    assertThat(r.ok()).isPositive().isEqualTo(r.requests());
    assertThat(chat.history.get()).isGreaterThanOrEqualTo(r.ok());
    assertThat(r.params().getString("roomDist")).isEqualTo("zipf 0.99");
    assertThat(Notes.chat("chat-history / troupe / closed \u00d74", r, r.params()))
        .contains(
            "actor messages/s (one per request, to one of 5 room actors drawn zipf 0.99; each a read of its last 4 messages");
  }

  @Test
  @DisplayName(
      "chat-post: each request posts as a member of a random room, and each answer is a 201")
  void postScenario() throws Exception {
    Args parsed =
        args(
            "--url",
            "http://127.0.0.1:" + port,
            "--scenario",
            "chat-post",
            "--rooms",
            "3",
            "--connections",
            "2",
            "--duration",
            "200ms",
            "--warmup",
            "0s",
            "--run-id",
            "p1");
    LoadOptions options = LoadOptions.from(parsed);
    parsed.requireAllUsed();
    LoadResult r = new LoadRun(options).run();

    assertThat(r.preloaded()).isEqualTo(3 * 2);
    assertThat(r.errors()).isZero();
    assertThat(r.statusCounts()).containsOnlyKeys("201");
    assertThat(chat.seqs.values().stream().mapToLong(Long::longValue).sum())
        .isGreaterThanOrEqualTo(r.ok());
    assertThat(r.params().fieldNames()).containsExactlyInAnyOrder("rooms", "members", "roomDist");
  }
}
