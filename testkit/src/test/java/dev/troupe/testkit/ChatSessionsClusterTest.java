package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChatContract;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user's stream sessions (children of the user's actor) on two nodes: each session owns delivery
 * to its socket's end. The test plays the gateway: it registers two stream ends, one that answers
 * each frame at once (a fast socket) and one that never does (a socket whose reader stopped).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Chat stream sessions: one child of the user's actor per stream")
class ChatSessionsClusterTest {
  private static final int MAX_QUEUED = 4;
  private static final int POSTS = 12;
  private static final long WAIT_S = 15;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "chat")
              .node("chat")
              .setting("TROUPE_CHAT_SESSION_MAX_QUEUED", String.valueOf(MAX_QUEUED))
              // Longer than the test: a parent that waited for a socket would wait past its end.
              .setting("TROUPE_ACTOR_ASK_TIMEOUT_MS", "60000"));

  @Test
  @DisplayName(
      "a slow socket is dropped by its session after its bound and leaves the presence; the fast one gets every message, and the user's actor answers meanwhile")
  void slowAndFast(Vertx vertx, VertxTestContext ctx) {
    String user = "sam";
    String room = "sessions";
    End fast = new End(true);
    End slow = new End(false);
    Promise<Void> allFast = Promise.promise();
    fast.whenFrames(POSTS, allFast);
    Promise<Void> slowFull = Promise.promise();
    slow.whenFrames(MAX_QUEUED, slowFull);
    // Partitions still moving to the second node would move the user's actor mid-test, and the
    // room's messages re-routed by that move may overtake later ones: this test is not about moves.
    ActorTesting.until(
            vertx,
            "the partitions to settle",
            () ->
                TROUPE.cluster().nodes().stream()
                    .allMatch(n -> n.runtime().hazelcast().getPartitionService().isClusterSafe()),
            WAIT_S * 1_000)
        .compose(v -> fast.register())
        .compose(v -> slow.register())
        .compose(v -> opened(user, fast.stream))
        .compose(v -> opened(user, slow.stream))
        .compose(
            presence -> {
              ctx.verify(() -> assertThat(presence.getInteger("streams")).isEqualTo(2));
              return call(ChatContract.JOIN, new ChatContract.Membership(room, user));
            })
        .compose(v -> posts(room, user))
        // The slow end holds MAX_QUEUED frames unanswered: a parent that delivered inline would
        // still be waiting for the first, and the fast end would not have them all.
        .compose(
            v -> Future.all(allFast.future(), slowFull.future()).timeout(WAIT_S, TimeUnit.SECONDS))
        .compose(v -> slow.closed.future().timeout(WAIT_S, TimeUnit.SECONDS))
        .compose(
            status -> {
              ctx.verify(() -> assertThat(status).as("closed as too slow").isEqualTo(1008));
              return awaitStreams(vertx, user, 1);
            })
        .onComplete(
            ctx.succeeding(
                presence ->
                    ctx.verify(
                        () -> {
                          assertThat(fast.seqs())
                              .containsExactlyElementsOf(
                                  LongStream.rangeClosed(1, POSTS).boxed().toList());
                          assertThat(slow.seqs())
                              .as("at most the bound, then dropped")
                              .containsExactly(1L, 2L, 3L, 4L);
                          fast.unregister();
                          slow.unregister();
                          ctx.completeNow();
                        })));
  }

  private static Future<Void> posts(String room, String user) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 1; i <= POSTS; i++) {
      ChatContract.Post post = new ChatContract.Post(room, user, "m" + i);
      chain = chain.compose(v -> call(ChatContract.POST, post).mapEmpty());
    }
    return chain;
  }

  /** Completes with the user's presence once it counts {@code streams}; bounded. */
  private static Future<JsonObject> awaitStreams(Vertx vertx, String user, int streams) {
    Promise<JsonObject> done = Promise.promise();
    long deadline = System.currentTimeMillis() + WAIT_S * 1_000;
    poll(vertx, user, streams, deadline, done);
    return done.future();
  }

  private static void poll(
      Vertx vertx, String user, int streams, long deadline, Promise<JsonObject> done) {
    call(ChatContract.USER, new ChatContract.UserQuery(user))
        .onFailure(done::fail)
        .onSuccess(
            view -> {
              JsonObject presence = view.getJsonObject("presence");
              if (presence.getInteger("streams") == streams) {
                done.complete(presence);
              } else if (System.currentTimeMillis() > deadline) {
                done.fail(
                    new AssertionError("presence never counted " + streams + ": " + presence));
              } else {
                vertx.setTimer(50, t -> poll(vertx, user, streams, deadline, done));
              }
            });
  }

  private static Future<JsonObject> opened(String user, String stream) {
    var node = TROUPE.cluster().node(0).runtime();
    String member = node.hazelcast().getCluster().getLocalMember().getUuid().toString();
    return call(
        ChatContract.STREAM_OPENED,
        new ChatContract.StreamEvent(user, node.nodeName(), member, stream));
  }

  private static <T> Future<JsonObject> call(
      dev.troupe.shared.bus.Action<T, JsonObject> action, T request) {
    return new Bus(TROUPE.cluster().node(1).vertx(), 30_000).call(action, request, null);
  }

  /** A stream's end, as a gateway registers it: it records frames and closes. */
  private static final class End {
    final String stream = UUID.randomUUID().toString();
    final Promise<Integer> closed = Promise.promise();
    private final boolean answers;
    private final List<JsonObject> frames = new ArrayList<>();
    private final List<Message<JsonObject>> held = new ArrayList<>();
    private int awaited;
    private Promise<Void> reached;
    private MessageConsumer<JsonObject> consumer;

    End(boolean answers) {
      this.answers = answers;
    }

    Future<Void> register() {
      consumer =
          TROUPE
              .cluster()
              .node(0)
              .vertx()
              .eventBus()
              .consumer(ChatContract.streamAddress(stream), this::command);
      return consumer.completion();
    }

    void unregister() {
      consumer.unregister();
    }

    synchronized void whenFrames(int n, Promise<Void> promise) {
      awaited = n;
      reached = promise;
    }

    synchronized List<Long> seqs() {
      return frames.stream().map(f -> f.getLong("seq")).toList();
    }

    private synchronized void command(Message<JsonObject> message) {
      JsonObject body = message.body();
      if (body.containsKey(ChatContract.STREAM_CLOSE)) {
        closed.tryComplete(body.getInteger(ChatContract.STREAM_CLOSE));
        return;
      }
      frames.add(body.getJsonObject(ChatContract.STREAM_FRAME));
      if (answers) {
        message.reply(new JsonObject());
      } else {
        held.add(message);
      }
      if (frames.size() >= awaited && reached != null) {
        reached.tryComplete();
      }
    }
  }
}
