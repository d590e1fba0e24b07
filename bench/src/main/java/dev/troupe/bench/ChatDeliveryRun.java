package dev.troupe.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code chat-delivery}: how long a chat message takes from its post to each member's WebSocket,
 * and whether every member gets every message exactly once. {@code --users} K users, user {@code i}
 * a member of room {@code i mod --rooms}, each with its stream open on gateway {@code i mod G} of
 * the {@code --url}s; posts go out at a fixed {@code --rate}, to the rooms in turn, from their
 * members in turn, each through the next gateway. {@link DeliveryLedger} keeps the books.
 */
final class ChatDeliveryRun {
  static final String SCENARIO = "chat-delivery";
  static final String USAGE =
      """
      chat-delivery --url http://127.0.0.1:PORT[,http://127.0.0.1:PORT2 ...]
                    [--users 200] [--rooms 4] [--rate 100] [--duration 20s] [--warmup 5s] [--drain 10s]
                    [--connections 8] [--event-loops 1] [--timeout 10s] [--label TEXT] [--run-id TEXT] [--out result.json]
        --users WebSocket streams (user i in room i mod --rooms, connected to gateway i mod the number of --url);
        --rate posts/s to the rooms in turn, each through the next gateway; every (post, member) timed from the
        post's send to its frame's arrival; RESULT throughput is deliveries/s, with lost and duplicated counts""";

  private static final Logger LOG = LoggerFactory.getLogger(ChatDeliveryRun.class);

  /** Time given to set the schedule up before the first post is due. */
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** A gateway: where its HTTP client and the streams of its users connect. */
  record Gateway(String host, int port, String basePath) {
    String url() {
      return "http://" + host + ":" + port + basePath;
    }
  }

  record Options(
      List<Gateway> gateways,
      int users,
      int rooms,
      double rate,
      long durationNanos,
      long warmupNanos,
      long drainNanos,
      int connections,
      int eventLoops,
      long timeoutMs,
      String label,
      String runId,
      Path out) {

    static Options from(Args args) {
      List<Gateway> gateways = new ArrayList<>();
      for (String u : args.required("url").split(",")) {
        URI url = URI.create(u.trim());
        if (!"http".equals(url.getScheme()) || url.getHost() == null) {
          throw new IllegalArgumentException(
              "--url must look like http://127.0.0.1:8080[,http://...], got '" + u + "'");
        }
        gateways.add(
            new Gateway(
                url.getHost(),
                url.getPort() > 0 ? url.getPort() : 80,
                url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "")));
      }
      int users = args.integer("users", 200, 1, 100_000);
      int rooms = args.integer("rooms", 4, 1, 100_000);
      if (rooms > users) {
        throw new IllegalArgumentException(
            "--rooms must be at most --users (every room needs a member)");
      }
      double rate = args.decimal("rate", 100, 0, 100_000);
      long duration = args.durationNanos("duration", "20s");
      if (duration <= 0) {
        throw new IllegalArgumentException("--duration must be positive");
      }
      long warmup = args.durationNanos("warmup", "5s");
      long drain = args.durationNanos("drain", "10s");
      int connections = args.integer("connections", 8, 1, 10_000);
      int eventLoops = args.integer("event-loops", 1, 1, 64);
      long timeoutMs = args.durationNanos("timeout", "10s") / 1_000_000;
      if (timeoutMs <= 0) {
        throw new IllegalArgumentException("--timeout must be at least 1ms");
      }
      String label = args.string("label", "troupe");
      String runId = args.string("run-id", Long.toString(System.currentTimeMillis(), 36));
      if (!runId.matches("[A-Za-z0-9._~-]{1,40}")) {
        throw new IllegalArgumentException(
            "--run-id must be 1 to 40 characters of [A-Za-z0-9._~-]");
      }
      String out = args.string("out", null);
      return new Options(
          List.copyOf(gateways),
          users,
          rooms,
          rate,
          duration,
          warmup,
          drain,
          connections,
          eventLoops,
          timeoutMs,
          label,
          runId,
          out == null ? null : Path.of(out));
    }

    String room(int r) {
      return "c" + runId + "-" + r;
    }

    static String user(int u) {
      return "u-" + u;
    }

    /**
     * The text of post {@code id}: names the run and the post, so a frame says which post it
     * delivers.
     */
    String text(long id) {
      return runId + ":" + id;
    }

    /** The post id in a frame's text, or -1 when the text is not one of this run's. */
    long postId(String text) {
      String prefix = runId + ":";
      if (text == null || !text.startsWith(prefix)) {
        return -1;
      }
      try {
        return Long.parseLong(text, prefix.length(), text.length(), 10);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  private final Options options;
  private final DeliveryLedger ledger;
  private final Vertx vertx;
  // Strong references for as long as their connections are used: Vert.x 5 closes a client's
  // connections once the client object is garbage collected.
  private final List<HttpClientAgent> clients = new ArrayList<>();
  private WebSocketClient webSockets;
  private final List<WebSocket> sockets = new ArrayList<>();
  private final AtomicInteger closedEarly = new AtomicInteger();
  private final AtomicLong latePosts = new AtomicLong();
  private volatile boolean closing;

  ChatDeliveryRun(Options options) {
    this.options = options;
    this.ledger = new DeliveryLedger(options.users(), options.rooms());
    this.vertx =
        Vertx.builder()
            .with(
                new VertxOptions().setEventLoopPoolSize(options.eventLoops()).setWorkerPoolSize(1))
            .build();
  }

  static int main(Args args) throws Exception {
    Options options = Options.from(args);
    args.requireAllUsed();
    LoadResult result = new ChatDeliveryRun(options).run();
    JsonObject p = result.params();
    System.out.println(
        result.summaryLine()
            + String.format(
                Locale.ROOT,
                " deliveriesPerSec=%.1f lost=%d duplicated=%d posts=%d postsOk=%d",
                result.throughput(),
                p.getLong("lost"),
                p.getLong("duplicated"),
                p.getLong("posts"),
                p.getLong("postsOk")));
    if (options.out() != null) {
      Path parent = options.out().toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(options.out(), result.toJson().encodePrettily() + "\n");
    }
    return 0;
  }

  LoadResult run() throws Exception {
    try {
      for (Gateway g : options.gateways()) {
        clients.add(
            vertx.createHttpClient(
                new HttpClientOptions()
                    .setDefaultHost(g.host())
                    .setDefaultPort(g.port())
                    .setKeepAlive(true)
                    .setPipelining(false)
                    .setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(options.connections()).setMaxWaitQueueSize(-1)));
      }
      webSockets =
          vertx.createWebSocketClient(
              new WebSocketClientOptions().setMaxConnections(options.users()).setTcpNoDelay(true));
      long joined = join();
      connect();
      return measure(joined);
    } finally {
      close();
    }
  }

  /** Every user joins its room, through the first gateway. */
  private long join() throws Exception {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(
        v -> {
          List<Future<Void>> all = new ArrayList<>();
          for (int u = 0; u < options.users(); u++) {
            String uri = roomPath(0, ledger.roomOf(u)) + "/members/" + Options.user(u);
            all.add(
                call(0, HttpMethod.PUT, uri, null)
                    .compose(
                        status ->
                            status == 200
                                ? Future.succeededFuture()
                                : Future.failedFuture("PUT " + uri + " answered " + status)));
          }
          Future.all(all).<Void>mapEmpty().onComplete(done);
        });
    awaitOrFail(done.future(), "joining the rooms");
    LOG.info("{} users joined {} rooms", options.users(), options.rooms());
    return options.users();
  }

  /**
   * Opens every user's stream, on its gateway; a stream open before the first post is due hears
   * every later one.
   */
  private void connect() throws Exception {
    long began = System.nanoTime();
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(
        v -> {
          List<Future<WebSocket>> all = new ArrayList<>();
          for (int u = 0; u < options.users(); u++) {
            int user = u;
            Gateway g = gateway(u);
            all.add(
                webSockets
                    .connect(
                        new WebSocketConnectOptions()
                            .setHost(g.host())
                            .setPort(g.port())
                            .setURI(
                                g.basePath() + "/api/v1/chat/users/" + Options.user(u) + "/stream")
                            .setConnectTimeout(options.timeoutMs())
                            .setTimeout(options.timeoutMs()))
                    .onSuccess(
                        ws -> {
                          ws.textMessageHandler(text -> frame(user, text));
                          ws.closeHandler(
                              x -> {
                                if (!closing) {
                                  closedEarly.incrementAndGet();
                                  LOG.warn(
                                      "the stream of {} closed before the end ({} {})",
                                      Options.user(user),
                                      ws.closeStatusCode(),
                                      ws.closeReason());
                                }
                              });
                        }));
          }
          // every socket that opened is kept (and closed at the end), also when another failed
          Future.join(all)
              .onComplete(
                  ar -> {
                    all.stream().filter(Future::succeeded).forEach(f -> sockets.add(f.result()));
                    Future.all(all).<Void>mapEmpty().onComplete(done);
                  });
        });
    awaitOrFail(done.future(), "opening the streams");
    LOG.info(
        "opened {} streams over {} gateway(s) in {} ms",
        sockets.size(),
        options.gateways().size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
  }

  private void frame(int user, String text) {
    long now = System.nanoTime();
    try {
      JsonObject message = new JsonObject(text);
      long id = options.postId(message.getString("text"));
      if (id < 0) {
        ledger.unexpected();
      } else {
        ledger.delivered(id, user, message.getLong("seq", 0L), now);
      }
    } catch (RuntimeException e) {
      ledger.unexpected();
    }
  }

  private LoadResult measure(long joined) throws Exception {
    String startedAt = Instant.now().toString();
    long start = System.nanoTime() + START_DELAY_NANOS;
    long measureFrom = start + options.warmupNanos();
    long endAt = measureFrom + options.durationNanos();
    double period = 1e9 / options.rate();
    long total = (long) Math.ceil((endAt - start) / period);
    LOG.info(
        "posting {}/s to {} rooms of {} streams: {} warm-up, then {} measured",
        Report.compact(options.rate()),
        options.rooms(),
        options.users(),
        seconds(options.warmupNanos()),
        seconds(options.durationNanos()));
    Promise<Void> posted = Promise.promise();
    long[] next = {0};
    // Vert.x timers tick in whole milliseconds: each tick sends every post that is due by then.
    vertx.runOnContext(
        v ->
            vertx.setPeriodic(
                1,
                timer -> {
                  long now = System.nanoTime();
                  while (next[0] < total && Pacer.intendedStart(start, period, next[0]) <= now) {
                    long due = Pacer.intendedStart(start, period, next[0]);
                    post(next[0]++, due >= measureFrom, due);
                  }
                  if (next[0] >= total) {
                    vertx.cancelTimer(timer);
                    posted.complete();
                  }
                }));
    LoadRun.await(
        posted.future(), TimeUnit.NANOSECONDS.toMillis(endAt - System.nanoTime()) + 60_000);

    long drainUntil = System.nanoTime() + options.drainNanos();
    while (!ledger.settled() && System.nanoTime() < drainUntil) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    if (!ledger.settled()) {
      LOG.warn(
          "deliveries or answers still missing {} after the last post; counting them as lost or unfinished",
          seconds(options.drainNanos()));
    }
    return result(ledger.summary(), (endAt - measureFrom) / 1e9, joined, startedAt);
  }

  /**
   * Post {@code id}: to room {@code id mod rooms}, from its members in turn, through gateway {@code
   * id mod G}.
   */
  private void post(long id, boolean measured, long due) {
    int room = (int) (id % options.rooms());
    int from = ledger.member(room, (int) ((id / options.rooms()) % ledger.members(room)));
    int g = (int) (id % options.gateways().size());
    Buffer body = RequestSource.postBody(Options.user(from), options.text(id));
    long sent = System.nanoTime();
    if (measured && sent - due > LoadWorker.LATE_SEND_NANOS) {
      latePosts.incrementAndGet();
    }
    ledger.posted(id, room, sent, measured);
    call(g, HttpMethod.POST, roomPath(g, room) + "/messages", body)
        .onComplete(
            ar -> {
              long now = System.nanoTime();
              if (ar.succeeded()) {
                ledger.answered(id, ar.result(), null, now);
              } else {
                ledger.answered(
                    id, 0, ar.cause() instanceof TimeoutException ? Stats.TIMEOUT : Stats.IO, now);
              }
            });
  }

  private Future<Integer> call(int gateway, HttpMethod method, String uri, Buffer body) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(method)
            .setURI(uri)
            .setConnectTimeout(options.timeoutMs())
            .setIdleTimeout(options.timeoutMs());
    if (body != null) {
      request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return clients
        .get(gateway)
        .request(request)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.end().map(v -> resp.statusCode()));
  }

  private Gateway gateway(int user) {
    return options.gateways().get(user % options.gateways().size());
  }

  private String roomPath(int gateway, int room) {
    return options.gateways().get(gateway).basePath() + "/api/v1/chat/rooms/" + options.room(room);
  }

  private LoadResult result(
      DeliveryLedger.Summary s, double windowSec, long joined, String startedAt) {
    Map<String, Long> errors = new TreeMap<>(s.postFailures());
    errors.putIfAbsent(Stats.IO, 0L);
    errors.put("lost", s.lost());
    errors.put("duplicated", s.duplicates());
    if (s.reordered() > 0) {
      errors.put("reordered", s.reordered());
    }
    if (s.unexpected() > 0) {
      errors.put("unexpected", s.unexpected());
    }
    if (closedEarly.get() > 0) {
      errors.put("streams closed", (long) closedEarly.get());
    }
    int minMembers = ledger.members(options.rooms() - 1);
    int maxMembers = ledger.members(0);
    JsonObject params =
        new JsonObject()
            .put("users", options.users())
            .put("rooms", options.rooms())
            .put(
                "members",
                minMembers == maxMembers
                    ? Integer.toString(maxMembers)
                    : minMembers + "-" + maxMembers)
            .put("gateways", options.gateways().size())
            .put("posts", s.posts())
            .put("postsOk", s.postsOk())
            .put("expected", s.expected())
            .put("delivered", s.delivered())
            .put("lost", s.lost())
            .put("duplicated", s.duplicates())
            .put("reordered", s.reordered())
            .put("unexpected", s.unexpected())
            .put("streamsClosedEarly", closedEarly.get())
            .put("latePosts", latePosts.get())
            .put("postsPerSec", LoadResult.round(s.posts() / windowSec, 1))
            .put("postLatencyMs", Latency.ofMicros(s.postLatency()).toJson());
    String urls = String.join(",", options.gateways().stream().map(Gateway::url).toList());
    return new LoadResult(
        options.label(),
        SCENARIO,
        "open",
        urls,
        options.users(),
        options.rate(),
        options.eventLoops(),
        s.expected(),
        s.delivered(),
        LoadResult.round(windowSec, 3),
        options.warmupNanos() / 1e9,
        LoadResult.round(s.delivered() / windowSec, 1),
        errors,
        s.postStatuses(),
        new TreeMap<>(),
        Latency.ofMicros(s.latency()),
        null,
        null,
        0,
        0,
        false,
        joined,
        startedAt,
        LoadResult.encode(s.latency()),
        params);
  }

  private void close() {
    closing = true;
    List<Future<?>> all = new ArrayList<>();
    for (WebSocket ws : sockets) {
      all.add(ws.close());
    }
    if (webSockets != null) {
      all.add(webSockets.close());
    }
    for (HttpClientAgent c : clients) {
      all.add(c.close());
    }
    try {
      LoadRun.await(Future.join(all).eventually(vertx::close), 30_000);
    } catch (Exception e) {
      LOG.warn("did not close cleanly: {}", e.toString());
    }
  }

  private static void awaitOrFail(Future<?> future, String step) throws Exception {
    try {
      LoadRun.await(future, 120_000);
    } catch (ExecutionException e) {
      throw new IllegalStateException(step + " failed: " + e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new IllegalStateException(step + " did not finish within 120 s");
    }
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
  }
}
