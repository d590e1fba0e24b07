package dev.troupe.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * {@code mget-vs-get}: what one caller waits to read {@code --ids} cached documents, as one {@code
 * _mget} or as that many single GETs, sent one after another on one connection or all at once over
 * {@code --connections}. Each round reads the same ids all three ways (the order rotating, so none
 * always runs first); warm-up rounds are not recorded. This is the latency a caller sees, one call
 * at a time: the {@code mget} load scenario measures the other side, documents per second of a
 * server kept busy.
 */
final class MgetVersusGets {
  static final String SCENARIO = "mget-vs-get";
  static final String USAGE =
      """
      mget-vs-get --url http://127.0.0.1:PORT [--ids 100] [--rounds 200] [--warmup-rounds 50]
                  [--connections 32] [--collection mvg] [--label TEXT] [--out result.json]
        one caller reads --ids cached documents per round, as one _mget, as --ids GETs one after another,
        and as --ids GETs at once over --connections; RESULT latency is the _mget's, the JSON's params
        hold all three and the ratios""";

  /**
   * A request without an answer this long fails (counted as an error of its round), and so does one
   * that waits this long for a connection of its pool: in one full run an _mget waited 60 s for the
   * one-connection pool's connection, which the server never saw a request on.
   */
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private static final long CALL_TIMEOUT_MS = 60_000;

  private MgetVersusGets() {}

  /** What a way answers instead of the time its last answer arrived when an answer was wrong. */
  private static final long WRONG = Long.MIN_VALUE;

  /** The three ways, each a round's total time in microseconds. */
  enum Way {
    MGET,
    SEQUENTIAL,
    CONCURRENT
  }

  static int main(Args args) throws Exception {
    URI url = URI.create(args.required("url"));
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "--url must look like http://127.0.0.1:8080, got '" + url + "'");
    }
    int ids = args.integer("ids", 100, 1, 1000);
    int rounds = args.integer("rounds", 200, 1, 1_000_000);
    int warmupRounds = args.integer("warmup-rounds", 50, 0, 1_000_000);
    int connections = args.integer("connections", 32, 1, 1024);
    String collection = args.string("collection", "mvg");
    String label = args.string("label", "troupe");
    String out = args.string("out", null);
    args.requireAllUsed();

    String base =
        (url.getPath() == null ? "" : url.getPath().replaceAll("/+$", ""))
            + "/api/v1/docs/"
            + collection;
    RequestOptions at =
        new RequestOptions()
            .setHost(url.getHost())
            .setPort(url.getPort() > 0 ? url.getPort() : 80)
            .setIdleTimeout(REQUEST_TIMEOUT_MS)
            .setConnectTimeout(REQUEST_TIMEOUT_MS);
    List<String> names = new ArrayList<>(ids);
    String run = Long.toString(System.currentTimeMillis(), 36);
    for (int i = 0; i < ids; i++) {
      names.add(run + "-" + i);
    }
    Vertx vertx = Vertx.vertx();
    // One connection for the caller that reads one after another, a pool for the one that reads at
    // once.
    HttpClient single =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    HttpClient pooled =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(connections));
    Map<Way, Histogram> times = new TreeMap<>();
    for (Way way : Way.values()) {
      times.put(way, Stats.newHistogram());
    }
    long errors = 0;
    try {
      String startedAt = Instant.now().toString();
      for (String id : names) {
        LoadRun.await(
            expect(
                pooled,
                new RequestOptions(at).setMethod(HttpMethod.PUT).setURI(base + "/" + id),
                Buffer.buffer(new JsonObject().put("n", id).put("title", "read back").encode()),
                201,
                200),
            CALL_TIMEOUT_MS);
      }
      Buffer mgetBody =
          Buffer.buffer(
              new JsonObject().put("ids", new JsonArray(new ArrayList<>(names))).encode());
      RequestOptions mget =
          new RequestOptions(at).setMethod(HttpMethod.POST).setURI(base + "/_mget");
      long started = System.nanoTime();
      for (int round = 0; round < warmupRounds + rounds; round++) {
        boolean record = round >= warmupRounds;
        for (int k = 0; k < Way.values().length; k++) {
          Way way = Way.values()[(round + k) % Way.values().length];
          long t0 = System.nanoTime();
          long answered;
          try {
            answered =
                LoadRun.await(
                    switch (way) {
                      case MGET -> mget(single, mget, mgetBody, ids);
                      case SEQUENTIAL -> sequential(single, at, base, names, 0);
                      case CONCURRENT -> concurrent(pooled, at, base, names);
                    },
                    CALL_TIMEOUT_MS);
          } catch (ExecutionException | TimeoutException e) {
            // A request that failed or never answered (each gives up after REQUEST_TIMEOUT_MS): an
            // error
            // of this round, not the end of the run.
            System.err.printf(Locale.ROOT, "mget-vs-get: round %d, %s failed: %s%n", round, way, e);
            answered = WRONG;
          }
          boolean ok = answered != WRONG;
          long micros = Math.max(1, (answered - t0) / 1_000);
          if (!ok) {
            errors++;
          } else if (record) {
            times.get(way).recordValue(micros);
          }
        }
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      LoadResult result =
          result(
              label,
              url.toString(),
              connections,
              ids,
              rounds,
              warmupRounds,
              errors,
              seconds,
              startedAt,
              times);
      System.out.println(
          result.summaryLine()
              + String.format(
                  Locale.ROOT,
                  " sequentialRatio=%s concurrentRatio=%s",
                  result.params().getValue("sequentialOverMget"),
                  result.params().getValue("concurrentOverMget")));
      if (out != null) {
        Files.writeString(Path.of(out), result.toJson().encodePrettily());
      }
      return 0;
    } finally {
      LoadRun.await(single.close().eventually(pooled::close).eventually(vertx::close), 30_000);
    }
  }

  /**
   * The result: the _mget's latency as the row's, the three medians and their ratios in the params.
   */
  static LoadResult result(
      String label,
      String url,
      int connections,
      int ids,
      int rounds,
      int warmupRounds,
      long errors,
      double seconds,
      String startedAt,
      Map<Way, Histogram> times) {
    Histogram mget = times.get(Way.MGET);
    double mgetP50 = mget.getValueAtPercentile(50);
    JsonObject params =
        new JsonObject()
            .put("ids", ids)
            .put("rounds", rounds)
            .put("warmupRounds", warmupRounds)
            .put("connections", connections);
    for (Way way : Way.values()) {
      params.put(
          way.name().toLowerCase(Locale.ROOT) + "Ms", Latency.ofMicros(times.get(way)).toJson());
    }
    params.put(
        "sequentialOverMget",
        ratio((double) times.get(Way.SEQUENTIAL).getValueAtPercentile(50), mgetP50));
    params.put(
        "concurrentOverMget",
        ratio((double) times.get(Way.CONCURRENT).getValueAtPercentile(50), mgetP50));
    long ok = mget.getTotalCount();
    Map<String, Long> errorsByStatus = new TreeMap<>(Map.of(Stats.IO, errors));
    return new LoadResult(
        label,
        SCENARIO,
        "rounds",
        url,
        connections,
        0,
        1,
        ok + errors,
        ok,
        LoadResult.round(seconds, 3),
        0,
        seconds > 0 ? LoadResult.round(ok / seconds, 1) : 0,
        errorsByStatus,
        new TreeMap<>(Map.of("200", ok)),
        new TreeMap<>(),
        Latency.ofMicros(mget),
        null,
        null,
        0,
        0,
        false,
        ids,
        startedAt,
        null,
        params);
  }

  private static double ratio(double over, double under) {
    return under > 0 ? Math.round(over / under * 10) / 10.0 : 0;
  }

  private static Future<Boolean> expect(
      HttpClient client, RequestOptions options, Buffer body, int... statuses) {
    return client
        .request(options)
        .compose(
            request ->
                body == null
                    ? request.send()
                    : request.putHeader("Content-Type", "application/json").send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        b -> {
                          for (int status : statuses) {
                            if (response.statusCode() == status) {
                              return true;
                            }
                          }
                          return false;
                        }));
  }

  /**
   * One {@code _mget}: the time it took ends when its body has arrived (the {@code
   * System.nanoTime()} returned), or {@link #WRONG}. Checking that every document came back parses
   * the body, which is the caller's work after the wait, so it is done after the clock stops; the
   * GETs' bodies are not parsed.
   */
  private static Future<Long> mget(HttpClient client, RequestOptions mget, Buffer body, int ids) {
    return client
        .request(mget)
        .compose(request -> request.putHeader("Content-Type", "application/json").send(body))
        .compose(
            response ->
                response
                    .body()
                    .map(
                        b -> {
                          long arrived = System.nanoTime();
                          return response.statusCode() == 200
                                  && b.toJsonObject().getJsonObject("found").size() == ids
                              ? arrived
                              : WRONG;
                        }));
  }

  /**
   * GETs {@code names} one after another from {@code from}: each only after the one before
   * answered.
   */
  private static Future<Long> sequential(
      HttpClient client, RequestOptions at, String base, List<String> names, int from) {
    return expect(
            client,
            new RequestOptions(at).setMethod(HttpMethod.GET).setURI(base + "/" + names.get(from)),
            null,
            200)
        .compose(
            ok ->
                !ok
                    ? Future.succeededFuture(WRONG)
                    : from + 1 == names.size()
                        ? Future.succeededFuture(System.nanoTime())
                        : sequential(client, at, base, names, from + 1));
  }

  /** GETs all of {@code names} at once; the pool spreads them over its connections. */
  private static Future<Long> concurrent(
      HttpClient client, RequestOptions at, String base, List<String> names) {
    List<Future<Boolean>> gets = new ArrayList<>(names.size());
    for (String name : names) {
      gets.add(
          expect(
              client,
              new RequestOptions(at).setMethod(HttpMethod.GET).setURI(base + "/" + name),
              null,
              200));
    }
    return Future.all(gets)
        .map(all -> gets.stream().allMatch(Future::result) ? System.nanoTime() : WRONG);
  }
}
