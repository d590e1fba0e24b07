package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node of this build starting on a database the previous build wrote (resources {@code
 * previous-build/}, see the README there: actor state and messages stored as documents) migrates
 * it, and chat goes on where it stopped: rooms, members, users' unread counts and every message,
 * including those older than a room's in-memory window, which come from the database. One subclass
 * per database prepares the copy.
 */
@ExtendWith(VertxExtension.class)
abstract class PreviousBuildDatabaseContract {
  /**
   * The settings that point a node at the prepared copy; {@code dataRoot} holds node-0's data dir.
   */
  abstract TroupeCluster.Builder prepared(Path dataRoot) throws Exception;

  abstract Path dataRoot();

  private static JsonObject body(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    return r.bodyAsJsonObject();
  }

  private static List<String> texts(JsonObject history) {
    return history.getJsonArray("items").stream()
        .map(m -> ((JsonObject) m).getString("text"))
        .toList();
  }

  @Test
  @DisplayName(
      "a database the previous build wrote is migrated: rooms, members, unread counts and every message are there, and chat goes on")
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void migratesAndChats(Vertx vertx, VertxTestContext ctx) throws Exception {
    TroupeCluster.Builder builder =
        prepared(dataRoot()).node("db", "cache", "request", "gateway", "chat");
    TroupeCluster[] cluster = new TroupeCluster[1];
    Http[] http = new Http[1];
    builder
        .start()
        .compose(
            started -> {
              cluster[0] = started;
              http[0] = new Http(vertx, started.httpPort(0));
              return Future.all(
                  List.of(
                      http[0].get("/api/v1/chat/users/bob"),
                      http[0].get("/api/v1/chat/users/carol"),
                      http[0].get("/api/v1/chat/rooms/lounge/messages?user=bob&after=0&limit=1000"),
                      http[0].get("/api/v1/chat/rooms/den~1/messages?user=carol&after=0&limit=10"),
                      http[0].get("/api/v1/chat/rooms/lounge/messages?user=carol&after=0&limit=10"),
                      http[0].get("/api/v1/docs/books/dune"),
                      http[0].get("/api/v1/docs/actor-chat-room?limit=5"),
                      http[0].get("/api/v1/docs/chat-messages?limit=5")));
            })
        .compose(
            answers -> {
              ctx.verify(
                  () -> {
                    JsonObject bob =
                        body(answers.resultAt(0), 200)
                            .getJsonObject("rooms")
                            .getJsonObject("lounge");
                    assertThat(bob.getMap())
                        .containsEntry("lastSeq", 105)
                        .containsEntry("readSeq", 100)
                        .containsEntry("unread", 5);
                    JsonObject carol =
                        body(answers.resultAt(1), 200)
                            .getJsonObject("rooms")
                            .getJsonObject("den~1");
                    assertThat(carol.getMap())
                        .containsEntry("lastSeq", 2)
                        .containsEntry("readSeq", 1)
                        .containsEntry("unread", 1);
                    JsonObject lounge = body(answers.resultAt(2), 200);
                    assertThat(texts(lounge))
                        .containsExactlyElementsOf(
                            IntStream.rangeClosed(1, 105)
                                .mapToObj(n -> "lounge message " + n)
                                .toList());
                    assertThat(
                            lounge.getJsonArray("items").stream()
                                .map(m -> ((JsonObject) m).getLong("seq"))
                                .toList())
                        .containsExactlyElementsOf(
                            IntStream.rangeClosed(1, 105).mapToObj(n -> (long) n).toList());
                    assertThat(texts(body(answers.resultAt(3), 200)))
                        .containsExactly("den hello", "den reply");
                    assertThat(answers.<HttpResponse<Buffer>>resultAt(4).statusCode())
                        .as("carol is no member of lounge")
                        .isEqualTo(403);
                    assertThat(
                            body(answers.resultAt(5), 200).getJsonObject("data").getString("title"))
                        .isEqualTo("Dune");
                    assertThat(answers.<HttpResponse<Buffer>>resultAt(6).statusCode())
                        .isEqualTo(403);
                    assertThat(answers.<HttpResponse<Buffer>>resultAt(7).statusCode())
                        .isEqualTo(403);
                  });
              // Joining again changes nothing: the members were kept.
              return http[0].putJson("/api/v1/chat/rooms/lounge/members/alice", "");
            })
        .compose(
            joined -> {
              ctx.verify(() -> assertThat(body(joined, 200).getInteger("members")).isEqualTo(2));
              return http[0].send(
                  HttpMethod.POST,
                  "/api/v1/chat/rooms/lounge/messages",
                  Http.headers("Content-Type", "application/json"),
                  "{\"from\":\"alice\",\"text\":\"after the upgrade\"}");
            })
        .compose(
            posted -> {
              ctx.verify(() -> assertThat(body(posted, 201).getLong("seq")).isEqualTo(106L));
              return http[0].get("/api/v1/chat/rooms/lounge/messages?user=bob&after=104&limit=10");
            })
        .compose(
            history -> {
              ctx.verify(
                  () ->
                      assertThat(texts(body(history, 200)))
                          .containsExactly("lounge message 105", "after the upgrade"));
              return http[0].get("/api/v1/chat/rooms/lounge/messages?user=bob&after=0&limit=3");
            })
        .eventually(() -> cluster[0] == null ? Future.succeededFuture() : cluster[0].close())
        .onComplete(
            ctx.succeeding(
                oldest ->
                    ctx.verify(
                        () -> {
                          assertThat(texts(body(oldest, 200)))
                              .containsExactly(
                                  "lounge message 1", "lounge message 2", "lounge message 3");
                          ctx.completeNow();
                        })));
  }
}
