package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The change feed resumes: {@code Last-Event-ID} and {@code ?since=} replay the change log from a
 * position, then go on live, with every change exactly once and in order, across a gateway that
 * dies. Node 0 runs the pipeline, nodes 1 and 2 a gateway each; only the test that kills node 1
 * uses it, so the tests run in any order.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A resumable change feed over Server-Sent Events")
class ChangeFeedResumeTest {
  private static final int KEPT = 30;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request")
              .node("gateway")
              .node("gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting("TROUPE_API_KEYS", TcpBridgeTest.keys())
              .setting("TROUPE_CHANGES_RETENTION_COUNT", String.valueOf(KEPT))
              .setting("TROUPE_CHANGES_PRUNE_INTERVAL_SECONDS", "1"));

  /** One event as the client saw it: its id line and its data. */
  record Seen(long id, JsonObject data) {
    static Seen of(String block) {
      long id = -1;
      JsonObject data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("data: ")) {
          data = new JsonObject(line.substring(6));
        }
      }
      return new Seen(id, data);
    }

    String doc() {
      return data.getString("id");
    }
  }

  /** Held for the whole test: Vert.x 5 closes a client's streams once the client is collected. */
  @SuppressWarnings("UnusedVariable")
  private HttpClient keptClient;

  private HttpClient client(Vertx vertx) {
    keptClient = vertx.createHttpClient();
    return keptClient;
  }

  private static Future<HttpClientResponse> open(
      HttpClient client, int node, String path, String lastEventId) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(TROUPE.cluster().httpPort(node))
            .setURI(path)
            .addHeader("X-Api-Key", TcpBridgeTest.READER);
    if (lastEventId != null) {
      options.addHeader("Last-Event-ID", lastEventId);
    }
    return client.request(options).compose(request -> request.send());
  }

  /** The opened stream, once its first block (the position it starts from) has arrived. */
  private static Future<Opened> stream(
      HttpClient client, int node, String path, String lastEventId) {
    return open(client, node, path, lastEventId)
        .compose(
            response -> {
              if (response.statusCode() != 200) {
                return Future.failedFuture("status " + response.statusCode() + " for " + path);
              }
              DocEventStreamTest.Stream stream = new DocEventStreamTest.Stream(response);
              return stream.next().map(first -> new Opened(stream, Seen.of(first).id()));
            });
  }

  record Opened(DocEventStreamTest.Stream stream, long position) {
    Future<List<Seen>> events(int n) {
      return collect(new ArrayList<>(), n);
    }

    private Future<List<Seen>> collect(List<Seen> seen, int n) {
      if (seen.size() == n) {
        return Future.succeededFuture(seen);
      }
      return stream
          .nextEvent()
          .compose(
              block -> {
                seen.add(Seen.of(block));
                return collect(seen, n);
              });
    }

    Future<Void> close() {
      return stream.response.request().connection().close();
    }
  }

  private static Future<Void> put(Http http, String collection, String... ids) {
    Future<Void> chain = Future.succeededFuture();
    for (String id : ids) {
      chain =
          chain.compose(
              v ->
                  http.putJson(
                          "/api/v1/docs/" + collection + "/" + id,
                          "{}",
                          "X-Api-Key",
                          TcpBridgeTest.WRITER)
                      .map(
                          r -> {
                            if (r.statusCode() >= 300) {
                              throw new IllegalStateException("put answered " + r.statusCode());
                            }
                            return null;
                          }));
    }
    return chain;
  }

  private static void assertInOrder(List<Seen> seen, String... docs) {
    assertThat(seen).extracting(Seen::doc).containsExactly(docs);
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).id()).isGreaterThan(seen.get(i - 1).id());
    }
    for (Seen s : seen) {
      assertThat(s.data().getLong("seq")).isEqualTo(s.id());
    }
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a stream reopened with Last-Event-ID gets exactly the changes it missed, then live ones")
  void resumesFromLastEventId(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = client(vertx);
    Http http = new Http(vertx, TROUPE.cluster().httpPort(2));
    String path = "/api/v1/docs/feed-a/_events";
    stream(client, 2, path, null)
        .compose(
            first ->
                put(http, "feed-a", "a1")
                    .compose(v -> first.events(1))
                    .compose(seen -> first.close().map(seen.get(0))))
        .compose(
            last ->
                put(http, "feed-a", "a2")
                    .compose(v -> put(http, "feed-other", "o1"))
                    .compose(v -> put(http, "feed-a", "a3"))
                    .compose(v -> stream(client, 2, path, String.valueOf(last.id())))
                    .compose(
                        again -> {
                          ctx.verify(() -> assertThat(again.position()).isEqualTo(last.id()));
                          return again
                              .events(2)
                              .compose(
                                  replayed ->
                                      put(http, "feed-a", "a4")
                                          .compose(v -> again.events(1))
                                          .map(
                                              live -> {
                                                List<Seen> all = new ArrayList<>(replayed);
                                                all.addAll(live);
                                                return all;
                                              }))
                              .onComplete(done -> again.close());
                        }))
        .onComplete(
            ctx.succeeding(
                seen ->
                    ctx.verify(
                        () -> {
                          assertInOrder(seen, "a2", "a3", "a4");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName("?since= on the all-collections feed replays every collection's changes in order")
  void sinceOnTheWholeFeed(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = client(vertx);
    Http http = new Http(vertx, TROUPE.cluster().httpPort(2));
    stream(client, 2, "/api/v1/docs/_events", null)
        .compose(fresh -> fresh.close().map(fresh.position()))
        .compose(
            position ->
                put(http, "feed-x", "x1")
                    .compose(v -> put(http, "feed-y", "y1"))
                    .compose(v -> put(http, "feed-x", "x2"))
                    .compose(v -> stream(client, 2, "/api/v1/docs/_events?since=" + position, null))
                    .compose(since -> since.events(3).onComplete(done -> since.close())))
        .onComplete(
            ctx.succeeding(
                seen ->
                    ctx.verify(
                        () -> {
                          assertInOrder(seen, "x1", "y1", "x2");
                          assertThat(seen)
                              .extracting(s -> s.data().getString("collection"))
                              .containsExactly("feed-x", "feed-y", "feed-x");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a position older than the retention is a 410 problem that names the earliest position kept")
  void tooOldIsGone(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = client(vertx);
    Http http = new Http(vertx, TROUPE.cluster().httpPort(2));
    String[] ids = new String[KEPT + 5];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "g" + i;
    }
    put(http, "feed-gone", ids)
        .compose(v -> untilGone(vertx, client, 50))
        .compose(
            response -> response.body().map(body -> new Object[] {response, body.toJsonObject()}))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          HttpClientResponse response = (HttpClientResponse) result[0];
                          JsonObject problem = (JsonObject) result[1];
                          assertThat(response.statusCode()).isEqualTo(410);
                          assertThat(response.getHeader("Content-Type"))
                              .isEqualTo("application/problem+json");
                          assertThat(problem.getInteger("status")).isEqualTo(410);
                          assertThat(problem.getLong("earliest")).isGreaterThan(1);
                          assertThat(problem.getString("detail"))
                              .contains(String.valueOf(problem.getLong("earliest")));
                          ctx.completeNow();
                        })));
  }

  /** The sweep prunes every second: ask from 0 until the answer is no longer a stream. */
  private static Future<HttpClientResponse> untilGone(Vertx vertx, HttpClient client, int tries) {
    return open(client, 2, "/api/v1/docs/feed-gone/_events?since=0", null)
        .compose(
            response -> {
              if (response.statusCode() != 200 || tries <= 1) {
                return Future.succeededFuture(response);
              }
              Promise<HttpClientResponse> again = Promise.promise();
              response
                  .request()
                  .connection()
                  .close()
                  .onComplete(
                      closed ->
                          vertx.setTimer(
                              200, t -> untilGone(vertx, client, tries - 1).onComplete(again)));
              return again.future();
            });
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "the gateway under a stream is killed; the client resumes on another gateway with its last id and misses nothing, gets nothing twice")
  void resumesAfterTheGatewayDies(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = client(vertx);
    Http writes = new Http(vertx, TROUPE.cluster().httpPort(2));
    String path = "/api/v1/docs/feed-k/_events";
    List<Seen> seen = new ArrayList<>();
    stream(client, 1, path, null)
        .compose(
            first ->
                put(writes, "feed-k", "k1", "k2")
                    .compose(v -> first.events(2))
                    .onSuccess(seen::addAll))
        .compose(v -> TROUPE.cluster().killNode(1))
        .compose(v -> put(writes, "feed-k", "k3", "k4", "k5"))
        .compose(v -> stream(client, 2, path, String.valueOf(seen.get(seen.size() - 1).id())))
        .compose(
            resumed ->
                resumed
                    .events(3)
                    .onSuccess(seen::addAll)
                    .compose(v -> put(writes, "feed-k", "k6"))
                    .compose(v -> resumed.events(1))
                    .onSuccess(seen::addAll)
                    .onComplete(done -> resumed.close()))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertInOrder(seen, "k1", "k2", "k3", "k4", "k5", "k6");
                          ctx.completeNow();
                        })));
  }
}
