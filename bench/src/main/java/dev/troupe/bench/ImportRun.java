package dev.troupe.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * {@code import}: one background import job of {@code --docs} new documents, streamed as NDJSON
 * (generated as the connection drains, never held whole), then followed until it finishes. The
 * throughput is documents imported per second, from the first byte sent to the job's success.
 */
final class ImportRun {
  static final String USAGE =
      """
      import --url http://127.0.0.1:PORT [--docs 100000] [--collection import] [--label TEXT]
             [--timeout 10m] [--out result.json]
        one import job of --docs new documents (ids <run>-i, ~60-byte documents) as a streamed NDJSON body;
        RESULT throughput is documents per second until the job succeeded""";

  private static final long POLL_MS = 200;

  private ImportRun() {}

  static int main(Args args) throws Exception {
    URI url = URI.create(args.required("url"));
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "--url must look like http://127.0.0.1:8080, got '" + url + "'");
    }
    int docs = args.integer("docs", 100_000, 1, 100_000_000);
    String collection = args.string("collection", "import");
    String label = args.string("label", "troupe");
    long timeoutMs = args.durationNanos("timeout", "10m") / 1_000_000;
    String out = args.string("out", null);
    args.requireAllUsed();

    String run = Long.toString(System.currentTimeMillis(), 36);
    String base =
        (url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "")) + "/api/v1/jobs";
    RequestOptions post =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(url.getHost())
            .setPort(url.getPort() > 0 ? url.getPort() : 80)
            .setURI(base + "?type=import&collection=" + collection);
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.createHttpClient();
    try {
      long start = System.nanoTime();
      String startedAt = Instant.now().toString();
      JsonObject accepted = LoadRun.await(upload(client, post, docs, run), timeoutMs);
      double uploadSec = (System.nanoTime() - start) / 1e9;
      JsonObject job =
          LoadRun.await(
              poll(
                  vertx,
                  client,
                  post,
                  base + "/" + accepted.getString("id"),
                  System.nanoTime() + timeoutMs * 1_000_000),
              timeoutMs);
      double totalSec = (System.nanoTime() - start) / 1e9;
      if (!"succeeded".equals(job.getString("state")) || job.getLong("done", 0L) != docs) {
        throw new IllegalStateException("the import did not succeed: " + job.encode());
      }
      Histogram histogram = Stats.newHistogram();
      histogram.recordValue(Math.max(1, Math.round(totalSec * 1e6)));
      Map<String, Long> errors = new TreeMap<>(Map.of(Stats.IO, 0L));
      LoadResult result =
          new LoadResult(
              label,
              "import",
              "job",
              url.toString(),
              1,
              0,
              1,
              1,
              docs,
              LoadResult.round(totalSec, 3),
              0,
              LoadResult.round(docs / totalSec, 1),
              errors,
              new TreeMap<>(Map.of("202", 1L)),
              new TreeMap<>(),
              Latency.ofMicros(histogram),
              null,
              null,
              0,
              0,
              false,
              0,
              startedAt,
              null,
              null);
      System.out.println(
          result.summaryLine()
              + String.format(Locale.ROOT, " docs=%d uploadSec=%.2f", docs, uploadSec));
      if (out != null) {
        Files.writeString(Path.of(out), result.toJson().encodePrettily());
      }
      return 0;
    } finally {
      LoadRun.await(client.close().eventually(vertx::close), 30_000);
    }
  }

  /**
   * POSTs the NDJSON, writing more only when the connection drains; completes with the 202's job.
   */
  private static Future<JsonObject> upload(
      HttpClient client, RequestOptions post, int docs, String run) {
    return client
        .request(post)
        .compose(
            request -> {
              request.setChunked(true).putHeader("Content-Type", "application/x-ndjson");
              Future<JsonObject> answer =
                  request
                      .response()
                      .compose(
                          r ->
                              r.body()
                                  .compose(
                                      body ->
                                          r.statusCode() == 202
                                              ? Future.succeededFuture(body.toJsonObject())
                                              : Future.failedFuture(
                                                  new IllegalStateException(
                                                      "the import answered "
                                                          + r.statusCode()
                                                          + ": "
                                                          + body))));
              pump(request, new int[] {0}, docs, run);
              return answer;
            });
  }

  private static void pump(HttpClientRequest request, int[] next, int docs, String run) {
    while (next[0] < docs && !request.writeQueueFull()) {
      StringBuilder batch = new StringBuilder(64 * 500);
      for (int i = 0; i < 500 && next[0] < docs; i++, next[0]++) {
        batch
            .append("{\"id\":\"")
            .append(run)
            .append('-')
            .append(next[0])
            .append("\",\"data\":{\"n\":")
            .append(next[0])
            .append(",\"title\":\"imported\"}}\n");
      }
      request.write(Buffer.buffer(batch.toString()));
    }
    if (next[0] < docs) {
      request.drainHandler(v -> pump(request, next, docs, run));
    } else {
      request.end();
    }
  }

  private static Future<JsonObject> poll(
      Vertx vertx, HttpClient client, RequestOptions post, String uri, long deadline) {
    Promise<JsonObject> done = Promise.promise();
    poll(
        vertx,
        client,
        new RequestOptions(post).setMethod(HttpMethod.GET).setURI(uri),
        deadline,
        done);
    return done.future();
  }

  private static void poll(
      Vertx vertx, HttpClient client, RequestOptions get, long deadline, Promise<JsonObject> done) {
    client
        .request(get)
        .compose(r -> r.send().compose(resp -> resp.body()))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                JsonObject job = ar.result().toJsonObject();
                if (Set.of("succeeded", "failed", "cancelled").contains(job.getString("state"))) {
                  done.complete(job);
                  return;
                }
              }
              if (System.nanoTime() > deadline) {
                done.fail(new IllegalStateException("the import did not finish in time"));
              } else {
                vertx.setTimer(POLL_MS, t -> poll(vertx, client, get, deadline, done));
              }
            });
  }
}
