package dev.troupe.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Helpers for job tests: an NDJSON upload generated line by line as the server takes it (100,000
 * documents never sit in the test's memory), polling a job until it finishes, and counting a
 * collection through the list API.
 */
final class Jobs {
  static final Set<String> FINISHED = Set.of("succeeded", "failed", "cancelled");

  private Jobs() {}

  /** An answer: status, {@code Location} and body. */
  record Answer(int status, String location, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  /**
   * POSTs {@code lines} NDJSON lines, {@code line.apply(i)} for i = 0.., chunked, writing more only
   * when the connection drains.
   */
  static Future<Answer> upload(
      Vertx vertx, int port, String uri, int lines, IntFunction<String> line) {
    HttpClient client = vertx.createHttpClient();
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(uri))
        .compose(
            request -> {
              request.setChunked(true).putHeader("Content-Type", "application/x-ndjson");
              Future<Answer> answer =
                  request
                      .response()
                      .compose(
                          response ->
                              response
                                  .body()
                                  .map(
                                      body ->
                                          new Answer(
                                              response.statusCode(),
                                              response.getHeader("Location"),
                                              body)));
              pump(request, new int[] {0}, lines, line);
              return answer;
            })
        .eventually(client::close);
  }

  private static void pump(
      HttpClientRequest request, int[] next, int lines, IntFunction<String> line) {
    while (next[0] < lines && !request.writeQueueFull()) {
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 500 && next[0] < lines; i++) {
        batch.append(line.apply(next[0]++)).append('\n');
      }
      // A server that answered early (413) closes the connection; the answer is what counts.
      request.write(batch.toString()).onFailure(e -> {});
    }
    if (next[0] < lines) {
      request.drainHandler(v -> pump(request, next, lines, line));
    } else {
      request.end().onFailure(e -> {});
    }
  }

  /** The job once it has finished, asking every 100 ms for at most {@code timeoutMs}. */
  static Future<JsonObject> awaitFinished(Vertx vertx, Http http, String id, long timeoutMs) {
    return awaitState(
        vertx,
        http,
        id,
        System.currentTimeMillis() + timeoutMs,
        job -> FINISHED.contains(job.getString("state")));
  }

  /** The job once {@code until} holds for it; a failed poll (a node leaving) is asked again. */
  static Future<JsonObject> awaitState(
      Vertx vertx,
      Http http,
      String id,
      long deadline,
      java.util.function.Predicate<JsonObject> until) {
    return http.get("/api/v1/jobs/" + id)
        .transform(
            ar -> {
              if (ar.succeeded()
                  && ar.result().statusCode() == 200
                  && until.test(ar.result().bodyAsJsonObject())) {
                return Future.succeededFuture(ar.result().bodyAsJsonObject());
              }
              if (System.currentTimeMillis() > deadline) {
                return Future.failedFuture(
                    new AssertionError(
                        "job "
                            + id
                            + " not as expected in time; last answer: "
                            + (ar.succeeded() ? ar.result().bodyAsString() : ar.cause())));
              }
              return vertx.timer(100).compose(t -> awaitState(vertx, http, id, deadline, until));
            });
  }

  /**
   * Every id of {@code collection}, through the list API, 1000 at a time; fails on a repeated id.
   */
  static Future<Set<String>> ids(Http http, String collection) {
    return page(http, collection, null, new HashSet<>());
  }

  private static Future<Set<String>> page(
      Http http, String collection, String after, Set<String> ids) {
    String uri =
        "/api/v1/docs/" + collection + "?limit=1000" + (after == null ? "" : "&after=" + after);
    return http.get(uri)
        .compose(
            r -> {
              if (r.statusCode() != 200) {
                return Future.failedFuture(
                    new AssertionError(
                        "list answered " + r.statusCode() + ": " + r.bodyAsString()));
              }
              JsonObject page = r.bodyAsJsonObject();
              for (Object item : page.getJsonArray("items")) {
                String id = ((JsonObject) item).getString("id");
                if (!ids.add(id)) {
                  return Future.failedFuture(new AssertionError("id " + id + " listed twice"));
                }
              }
              String next = page.getString("next");
              return next == null ? Future.succeededFuture(ids) : page(http, collection, next, ids);
            });
  }
}
