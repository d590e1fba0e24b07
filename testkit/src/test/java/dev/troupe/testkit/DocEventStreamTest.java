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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/docs/{collection}/_events}: change events as Server-Sent Events, read by a
 * real HTTP client.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Change events over Server-Sent Events")
class DocEventStreamTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting("TROUPE_API_KEYS", TcpBridgeTest.keys())
              .setting("TROUPE_SSE_HEARTBEAT_SECONDS", "1")
              .setting("TROUPE_SSE_MAX_STREAMS", "2"));

  /**
   * One open event stream: its response and the events (blank-line separated blocks) read so far.
   */
  static final class Stream {
    final HttpClientResponse response;
    private final Deque<String> blocks = new ArrayDeque<>();
    private final Deque<Promise<String>> waiting = new ArrayDeque<>();
    private final StringBuilder pending = new StringBuilder();

    Stream(HttpClientResponse response) {
      this.response = response;
      response.handler(
          bytes -> {
            pending.append(bytes.toString());
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
              String block = pending.substring(0, end);
              pending.delete(0, end + 2);
              Promise<String> promise = waiting.poll();
              if (promise != null) {
                promise.complete(block);
              } else {
                blocks.add(block);
              }
            }
          });
    }

    Future<String> next() {
      if (!blocks.isEmpty()) {
        return Future.succeededFuture(blocks.poll());
      }
      Promise<String> promise = Promise.promise();
      waiting.add(promise);
      return promise.future();
    }

    /** The next block that carries data, skipping heartbeats and comments. */
    Future<String> nextEvent() {
      return next()
          .compose(block -> block.contains("data: ") ? Future.succeededFuture(block) : nextEvent());
    }
  }

  /**
   * The test's client, kept reachable for the whole test: Vert.x 5 closes a client, and the streams
   * it opened, once the client object is garbage collected, and a stream outlives the last use of
   * its client. The test's Vert.x instance closes it at the end.
   */
  @SuppressWarnings("UnusedVariable") // written, never read: holding the client is its whole job
  private HttpClient keptClient;

  private HttpClient keep(HttpClient created) {
    keptClient = created;
    return created;
  }

  static Future<HttpClientResponse> open(HttpClient client, String collection, String key) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(TROUPE.cluster().httpPort(0))
            .setURI("/api/v1/docs/" + collection + "/_events");
    if (key != null) {
      options.addHeader("X-Api-Key", key);
    }
    return client.request(options).compose(request -> request.send());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a reader's stream gets each change of its collection as one data line with an id, and no other collection's")
  void eventsOfOneCollection(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = keep(vertx.createHttpClient());
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    open(client, "sse-books", TcpBridgeTest.READER)
        .compose(
            response -> {
              ctx.verify(
                  () -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.getHeader("Content-Type")).startsWith("text/event-stream");
                  });
              Stream stream = new Stream(response);
              // Headers mean subscribed: these changes must all arrive, the other collection's
              // first.
              return http.putJson(
                      "/api/v1/docs/sse-other/x", "{}", "X-Api-Key", TcpBridgeTest.WRITER)
                  .compose(
                      r ->
                          http.putJson(
                              "/api/v1/docs/sse-books/dune",
                              "{\"t\":1}",
                              "X-Api-Key",
                              TcpBridgeTest.WRITER))
                  .compose(
                      r ->
                          http.delete(
                              "/api/v1/docs/sse-books/dune", "X-Api-Key", TcpBridgeTest.WRITER))
                  .compose(r -> stream.nextEvent())
                  .compose(put -> stream.nextEvent().map(delete -> new String[] {put, delete}))
                  .onComplete(done -> response.request().connection().close());
            })
        .onComplete(
            ctx.succeeding(
                events ->
                    ctx.verify(
                        () -> {
                          assertThat(events[0]).matches("(?s)id: \\d+\ndata: .*");
                          JsonObject put =
                              new JsonObject(events[0].substring(events[0].indexOf("data: ") + 6));
                          assertThat(put.getMap())
                              .containsEntry("collection", "sse-books")
                              .containsEntry("id", "dune")
                              .containsEntry("op", "put")
                              .containsEntry("version", 1);
                          long putSeq = put.getLong("seq");
                          assertThat(events[0]).startsWith("id: " + putSeq + "\n");
                          assertThat(events[1])
                              .as("the next change of the log: nothing else happened in between")
                              .startsWith("id: " + (putSeq + 1) + "\ndata: ")
                              .contains("\"op\":\"delete\"");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an idle stream gets heartbeat comments")
  void heartbeats(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = keep(vertx.createHttpClient());
    open(client, "sse-quiet", TcpBridgeTest.READER)
        .compose(
            response -> {
              Stream stream = new Stream(response);
              return stream
                  .next()
                  .compose(first -> stream.next())
                  .onComplete(done -> response.request().connection().close());
            })
        .onComplete(
            ctx.succeeding(
                second ->
                    ctx.verify(
                        () -> {
                          assertThat(second).isEqualTo(": keep-alive");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("no key is 401, a bad collection name 400, as for reads")
  void authorisedLikeReads(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = keep(vertx.createHttpClient());
    open(client, "sse-books", null)
        .compose(
            unauthorised -> {
              ctx.verify(() -> assertThat(unauthorised.statusCode()).isEqualTo(401));
              return open(client, "Not_A_Collection", TcpBridgeTest.READER);
            })
        .onComplete(
            ctx.succeeding(
                bad ->
                    ctx.verify(
                        () -> {
                          assertThat(bad.statusCode()).isEqualTo(400);
                          assertThat(bad.getHeader("Content-Type"))
                              .isEqualTo("application/problem+json");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "past TROUPE_SSE_MAX_STREAMS a stream gets 503, and a stream the client closed frees its place")
  void limitAndRelease(Vertx vertx, VertxTestContext ctx) {
    HttpClient client = keep(vertx.createHttpClient());
    Future.all(
            open(client, "sse-a", TcpBridgeTest.READER),
            open(client, "sse-b", TcpBridgeTest.READER))
        .compose(
            two -> {
              HttpClientResponse first = two.resultAt(0);
              HttpClientResponse second = two.resultAt(1);
              ctx.verify(() -> assertThat(first.statusCode()).isEqualTo(200));
              ctx.verify(() -> assertThat(second.statusCode()).isEqualTo(200));
              return open(client, "sse-c", TcpBridgeTest.READER)
                  .compose(
                      third -> {
                        ctx.verify(
                            () -> {
                              assertThat(third.statusCode()).isEqualTo(503);
                              assertThat(third.getHeader("Retry-After")).isNotNull();
                            });
                        return first.request().connection().close().map(second);
                      });
            })
        .compose(
            second ->
                openUntilAccepted(vertx, client, 50)
                    .onComplete(done -> second.request().connection().close()))
        .onComplete(
            ctx.succeeding(
                accepted ->
                    ctx.verify(
                        () -> {
                          assertThat(accepted.statusCode()).isEqualTo(200);
                          accepted.request().connection().close();
                          ctx.completeNow();
                        })));
  }

  /**
   * The server learns of a closed stream a moment after the client closed it: ask again, at most
   * {@code tries} times.
   */
  private static Future<HttpClientResponse> openUntilAccepted(
      Vertx vertx, HttpClient client, int tries) {
    return open(client, "sse-d", TcpBridgeTest.READER)
        .compose(
            response -> {
              if (response.statusCode() == 200 || tries <= 1) {
                return Future.succeededFuture(response);
              }
              Promise<HttpClientResponse> again = Promise.promise();
              vertx.setTimer(
                  100, t -> openUntilAccepted(vertx, client, tries - 1).onComplete(again));
              return again.future();
            });
  }
}
