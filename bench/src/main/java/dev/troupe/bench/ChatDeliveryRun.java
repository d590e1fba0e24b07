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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
  private static final Logger LOG = LoggerFactory.getLogger(ChatDeliveryRun.class);

  /** Time given to set the schedule up before the first post is due. */
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final ChatDeliveryOptions options;
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

  ChatDeliveryRun(ChatDeliveryOptions options) {
    this.options = options;
    this.ledger = new DeliveryLedger(options.users(), options.rooms());
    this.vertx =
        Vertx.builder()
            .with(
                new VertxOptions().setEventLoopPoolSize(options.eventLoops()).setWorkerPoolSize(1))
            .build();
  }

  static int main(Args args) throws Exception {
    ChatDeliveryOptions options = ChatDeliveryOptions.from(args);
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
      for (ChatDeliveryOptions.Gateway g : options.gateways()) {
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
            String uri = roomPath(0, ledger.roomOf(u)) + "/members/" + ChatDeliveryOptions.user(u);
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
            ChatDeliveryOptions.Gateway g = gateway(u);
            all.add(
                webSockets
                    .connect(
                        new WebSocketConnectOptions()
                            .setHost(g.host())
                            .setPort(g.port())
                            .setURI(
                                g.basePath()
                                    + "/api/v1/chat/users/"
                                    + ChatDeliveryOptions.user(u)
                                    + "/stream")
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
                                      ChatDeliveryOptions.user(user),
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
        Format.compact(options.rate()),
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
    return ChatDeliveryResult.of(
        options,
        ledger,
        (endAt - measureFrom) / 1e9,
        joined,
        startedAt,
        closedEarly.get(),
        latePosts.get());
  }

  /**
   * Post {@code id}: to room {@code id mod rooms}, from its members in turn, through gateway {@code
   * id mod G}.
   */
  private void post(long id, boolean measured, long due) {
    int room = (int) (id % options.rooms());
    int from = ledger.member(room, (int) ((id / options.rooms()) % ledger.members(room)));
    int g = (int) (id % options.gateways().size());
    Buffer body = RequestSource.postBody(ChatDeliveryOptions.user(from), options.text(id));
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

  private ChatDeliveryOptions.Gateway gateway(int user) {
    return options.gateways().get(user % options.gateways().size());
  }

  private String roomPath(int gateway, int room) {
    return options.gateways().get(gateway).basePath() + "/api/v1/chat/rooms/" + options.room(room);
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
