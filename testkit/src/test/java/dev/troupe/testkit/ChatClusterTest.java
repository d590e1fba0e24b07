package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatWire;
import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat service on the bus: db and chat on node 0, chat on node 1, a bare node 2; rooms live
 * anywhere.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Chat rooms on a three-node cluster")
class ChatClusterTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(TroupeCluster.builder().node("db", "chat").node("chat").node());

  private static Bus bus(int node) {
    return new Bus(TROUPE.cluster().node(node).vertx(), 10_000);
  }

  private static Future<JsonObject> join(int node, String room, String user) {
    return bus(node)
        .request(
            ChatContract.JOIN.address(),
            ChatContract.JOIN.name(),
            ChatWire.toJson(new ChatContract.Membership(room, user)),
            null);
  }

  private static Future<JsonObject> post(int node, String room, String from, String text) {
    return bus(node)
        .request(
            ChatContract.POST.address(),
            ChatContract.POST.name(),
            ChatWire.toJson(new ChatContract.Post(room, from, text)),
            null);
  }

  private static Future<JsonObject> history(
      int node, String room, String user, long after, int limit) {
    return bus(node)
        .request(
            ChatContract.HISTORY.address(),
            ChatContract.HISTORY.name(),
            ChatWire.toJson(new ChatContract.HistoryQuery(room, user, after, limit)),
            null);
  }

  private static List<Long> seqs(JsonObject history) {
    return history.getJsonArray("items").stream()
        .map(i -> ((JsonObject) i).getLong("seq"))
        .toList();
  }

  @Test
  @DisplayName(
      "members' messages are numbered 1, 2, 3... and reach another member's address in order, once each")
  void postAndDeliver(Vertx vertx, VertxTestContext ctx) {
    int count = 5;
    List<JsonObject> delivered = new ArrayList<>();
    Promise<Void> allDelivered = Promise.promise();
    MessageConsumer<JsonObject> bob =
        TROUPE
            .cluster()
            .node(2)
            .vertx()
            .eventBus()
            .consumer(
                ChatContract.userAddress("bob"),
                m -> {
                  synchronized (delivered) {
                    delivered.add(m.body());
                    if (delivered.size() == count) {
                      allDelivered.complete();
                    }
                  }
                });
    bob.completion()
        .compose(v -> join(1, "lobby", "alice"))
        .compose(v -> join(0, "lobby", "bob"))
        .compose(
            v -> {
              Future<List<Long>> chain = Future.succeededFuture(new ArrayList<>());
              for (int i = 1; i <= count; i++) {
                String text = "hello " + i;
                int node = i % 2;
                chain =
                    chain.compose(
                        seqs ->
                            post(node, "lobby", "alice", text)
                                .map(
                                    r -> {
                                      seqs.add(r.getLong("seq"));
                                      return seqs;
                                    }));
              }
              return chain;
            })
        .compose(
            posted -> {
              ctx.verify(() -> assertThat(posted).containsExactly(1L, 2L, 3L, 4L, 5L));
              return allDelivered.future();
            })
        .compose(v -> history(2, "lobby", "bob", 0, 50))
        .onComplete(
            ctx.succeeding(
                history ->
                    ctx.verify(
                        () -> {
                          synchronized (delivered) {
                            assertThat(delivered)
                                .extracting(m -> m.getString("text"))
                                .containsExactly(
                                    "hello 1", "hello 2", "hello 3", "hello 4", "hello 5");
                            assertThat(delivered)
                                .allMatch(
                                    m ->
                                        "lobby".equals(m.getString("room"))
                                            && "alice".equals(m.getString("from")));
                          }
                          assertThat(seqs(history)).containsExactly(1L, 2L, 3L, 4L, 5L);
                          bob.unregister();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a non-member may neither post nor read: FORBIDDEN")
  void onlyMembers(Vertx vertx, VertxTestContext ctx) {
    join(0, "private", "alice")
        .compose(
            v ->
                post(1, "private", "mallory", "hi")
                    .transform(
                        ar -> {
                          ctx.verify(
                              () ->
                                  assertThat(Failures.code(ar.cause()))
                                      .isEqualTo(ErrorCode.FORBIDDEN));
                          return history(2, "private", "mallory", 0, 10);
                        })
                    .transform(
                        ar -> {
                          ctx.verify(
                              () ->
                                  assertThat(Failures.code(ar.cause()))
                                      .isEqualTo(ErrorCode.FORBIDDEN));
                          return Future.succeededFuture();
                        }))
        .onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  @Test
  @DisplayName(
      "history pages by seq: recent messages from the room's memory, older ones from the database")
  void historyPages(Vertx vertx, VertxTestContext ctx) {
    int count = 110;
    join(1, "busy", "carol")
        .compose(
            v -> {
              List<Future<JsonObject>> posts = new ArrayList<>();
              for (int i = 0; i < count; i++) {
                posts.add(post(i % 3, "busy", "carol", "m" + i));
              }
              return Future.all(posts).map(posts);
            })
        .compose(
            posts -> {
              ctx.verify(
                  () ->
                      assertThat(posts.stream().map(p -> p.result().getLong("seq")).toList())
                          .containsExactlyInAnyOrderElementsOf(
                              IntStream.rangeClosed(1, count).mapToObj(i -> (long) i).toList()));
              return Future.all(
                  history(0, "busy", "carol", 0, 20),
                  history(1, "busy", "carol", 100, 50),
                  history(2, "busy", "carol", count, 10));
            })
        .onComplete(
            ctx.succeeding(
                pages ->
                    ctx.verify(
                        () -> {
                          JsonObject oldest = pages.resultAt(0);
                          assertThat(seqs(oldest))
                              .containsExactlyElementsOf(
                                  IntStream.rangeClosed(1, 20).mapToObj(i -> (long) i).toList());
                          assertThat(
                                  oldest.getJsonArray("items").getJsonObject(0).getString("from"))
                              .isEqualTo("carol");
                          assertThat(seqs(pages.resultAt(1)))
                              .containsExactlyElementsOf(
                                  IntStream.rangeClosed(101, count)
                                      .mapToObj(i -> (long) i)
                                      .toList());
                          assertThat(seqs(pages.resultAt(2))).isEmpty();
                          ctx.completeNow();
                        })));
  }
}
