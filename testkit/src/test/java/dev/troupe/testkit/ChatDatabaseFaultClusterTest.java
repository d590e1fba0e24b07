package dev.troupe.testkit;

import static dev.troupe.testkit.ActorTesting.counted;
import static dev.troupe.testkit.ActorTesting.gauged;
import static dev.troupe.testkit.ActorTesting.until;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.launcher.TroupeNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A room actor whose database call fails answers the database's error and keeps running: the failed
 * write left its state as it was, so it is no crash (no 502, no restart that would reload the state
 * from the database that just failed). Node 0 runs db-service alone and is stopped; node 1 runs the
 * gateway and chat, and owns the room.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Chat when the database goes away")
class ChatDatabaseFaultClusterTest {
  private static final String API = "/api/v1/chat";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db")
              .node("gateway", "chat")
              .setting("TROUPE_ACCESS_LOG", "false")
              .setting("TROUPE_DB_TIMEOUT_MS", "2000")
              .setting("TROUPE_ACTOR_ASK_TIMEOUT_MS", "10000"));

  @Test
  @DisplayName(
      "a post whose message write fails answers 503/504, the room is not restarted and still serves its history")
  void failedWriteIsNoCrash(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    TroupeNode chatNode = TROUPE.cluster().node(1);
    String[] room = new String[1];
    double[] restartsBefore = new double[1];
    // The room must stay on node 1: pick its key once node 0 has handed node 1 its share of the
    // partitions (right after the join node 1 owns none, and then counts as safe all the same).
    until(
            vertx,
            "node 1 to own partitions, migrations ended",
            () ->
                ownsPartitions(chatNode)
                    && TROUPE.cluster().nodes().stream()
                        .allMatch(
                            n -> n.runtime().hazelcast().getPartitionService().isLocalMemberSafe()),
            30_000)
        .compose(
            safe -> {
              room[0] = ActorTesting.keyOwnedBy(chatNode, chatNode, "chat-room", "fault-");
              return http.put(port(), "127.0.0.1", API + "/rooms/" + room[0] + "/members/alice")
                  .send();
            })
        .compose(r -> status(r, 200))
        .compose(r -> post(http, room[0], "before"))
        .compose(r -> status(r, 201))
        .compose(
            r -> {
              restartsBefore[0] = counted(List.of(chatNode), "troupe_actor_restarts", "chat-room");
              return TROUPE.cluster().stopNode(0);
            })
        .compose(stopped -> post(http, room[0], "after"))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode())
                        .as("the database's error, not a crash: %s", r.bodyAsString())
                        .isIn(503, 504);
                    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
                    assertThat(counted(List.of(chatNode), "troupe_actor_restarts", "chat-room"))
                        .as("restarts")
                        .isEqualTo(restartsBefore[0]);
                    assertThat(gauged(List.of(chatNode), "troupe_actor_live", "chat-room"))
                        .as("the room still lives")
                        .isPositive();
                  });
              return http.get(
                      port(),
                      "127.0.0.1",
                      API + "/rooms/" + room[0] + "/messages?user=alice&after=0")
                  .send();
            })
        .compose(r -> status(r, 200))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(
                                  r.bodyAsJsonObject().getJsonArray("items").stream()
                                      .map(m -> ((JsonObject) m).getString("text")))
                              .as(
                                  "the history from the room's memory: the stored message, not the failed one")
                              .containsExactly("before");
                          ctx.completeNow();
                        })));
  }

  private static boolean ownsPartitions(TroupeNode node) {
    var local = node.runtime().hazelcast().getCluster().getLocalMember();
    return node.runtime().hazelcast().getPartitionService().getPartitions().stream()
        .anyMatch(p -> local.equals(p.getOwner()));
  }

  private static int port() {
    return TROUPE.cluster().node(1).httpPort();
  }

  private static Future<HttpResponse<Buffer>> post(WebClient http, String room, String text) {
    return http.post(port(), "127.0.0.1", API + "/rooms/" + room + "/messages")
        .sendJsonObject(new JsonObject().put("from", "alice").put("text", text));
  }

  private static Future<HttpResponse<Buffer>> status(HttpResponse<Buffer> r, int status) {
    return r.statusCode() == status
        ? Future.succeededFuture(r)
        : Future.failedFuture(
            new AssertionError("answered " + r.statusCode() + " " + r.bodyAsString()));
  }
}
