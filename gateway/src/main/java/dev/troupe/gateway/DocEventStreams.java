package dev.troupe.gateway;

import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.contract.ChangeFollower;
import dev.troupe.shared.contract.ChangeLogGone;
import dev.troupe.shared.contract.ChangesQuery;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/docs/{collection}/_events} (one collection) and {@code GET
 * /api/v1/docs/_events} (all): change events as Server-Sent Events, for browsers. Authorised like a
 * read (the routes are under the API's guards and are GETs). Each event is one {@code data:} line
 * holding the event body of {@link DocEvents#ADDRESS}, with an {@code id:} of its {@code seq}, its
 * position in db-service's change log; a comment line every {@code TROUPE_SSE_HEARTBEAT_SECONDS}
 * keeps the stream visibly alive.
 *
 * <p>A stream starts from a position: the {@code Last-Event-ID} header (what an EventSource sends
 * when it reconnects), else {@code ?since=}, else now. From a position it first replays the log
 * (the {@code changes} action, page by page) while the live events that arrive meanwhile wait, then
 * sends those it did not already send: every change after the position exactly once, in seq order.
 * A position older than the log keeps ({@code TROUPE_CHANGES_RETENTION_*}) is a 410 problem whose
 * {@code earliest} says where the log starts. The first block repeats the position as an {@code
 * id:}, so a client that reconnects before any event resumes from it.
 *
 * <p>Each gateway instance follows the cluster's changes once ({@link ChangeTail}), while it has at
 * least one stream, and fans them out; the response headers go out only when it follows, so a
 * client that has them sees every later change. A client that does not read fast enough is dropped
 * once {@code TROUPE_SSE_BUFFER_BYTES} wait for it (or {@value #MAX_HELD} events wait for its
 * replay): memory per stream stays bounded, and the client resumes from its last id. Streams end
 * cleanly when the gateway stops. At most {@code TROUPE_SSE_MAX_STREAMS} streams per node are open
 * (503 past it).
 */
final class DocEventStreams {
  static final String EVENTS = "_events";
  static final String LAST_EVENT_ID = "Last-Event-ID";
  private static final int MAX_HELD = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(DocEventStreams.class);

  private final Vertx vertx;
  private final EventStreamConfig config;
  private final InFlight slots;
  private final Calls calls;
  private final Set<Stream> streams = new LinkedHashSet<>();
  private ChangeTail tail;
  private Future<ChangeTail> following;
  private long heartbeat = -1;

  /** One client's stream: what it asked for, and the last seq it was sent. */
  private static final class Stream {
    final String collection;
    final HttpServerResponse response;
    long lastSent;

    /** Live events that arrived while the log is replayed; null once live. */
    ArrayDeque<JsonObject> held = new ArrayDeque<>();

    /** The replay waits for the client to read; failed if the client leaves meanwhile. */
    Promise<Void> drained;

    Stream(String collection, HttpServerResponse response, long lastSent) {
      this.collection = collection;
      this.response = response;
      this.lastSent = lastSent;
    }

    boolean wants(JsonObject event) {
      return collection == null || collection.equals(event.getString("collection"));
    }
  }

  DocEventStreams(Vertx vertx, EventStreamConfig config, InFlight slots, Calls calls) {
    this.vertx = vertx;
    this.config = config;
    this.slots = slots;
    this.calls = calls;
  }

  /**
   * Mounts the routes; they must come before {@code GET /:collection/:id} and {@code GET
   * /:collection}, which would take {@value #EVENTS}.
   */
  void mount(Router router) {
    router
        .get(DocsApi.BASE + "/" + EVENTS)
        .handler(AccessLog::route)
        .handler(ctx -> stream(ctx, null));
    router
        .get(DocsApi.BASE + "/:collection/" + EVENTS)
        .handler(AccessLog::route)
        .handler(ctx -> stream(ctx, DocKey.requireCollection(ctx.pathParam("collection"))));
  }

  private void stream(RoutingContext ctx, String collection) {
    long since = position(ctx);
    if (!slots.tryAcquire()) {
      ctx.response().putHeader("Retry-After", "5");
      Problems.send(
          ctx,
          503,
          "the gateway holds its limit of " + slots.limit() + " event streams; retry later");
      return;
    }
    HttpServerResponse response = ctx.response();
    // Bounds what waits for this client; writeQueueFull() then says it is too slow.
    response.setWriteQueueMaxSize(config.bufferBytes());
    follow()
        .compose(
            following -> {
              Stream stream =
                  new Stream(collection, response, since < 0 ? following.cursor() : since);
              register(ctx, stream);
              if (response.closed()) {
                return Future.succeededFuture();
              }
              if (since < 0) {
                stream.held = null;
                open(stream);
                return Future.succeededFuture();
              }
              return page(ctx, since)
                  .compose(
                      first -> {
                        ChangeFollower.refuse(since, first);
                        open(stream);
                        return replay(ctx, stream, first);
                      });
            })
        .onFailure(failure -> fail(ctx, failure));
  }

  /**
   * From here the stream gets (or holds) the tail's events, and a client that leaves frees its
   * place.
   */
  private void register(RoutingContext ctx, Stream stream) {
    ctx.put(Stream.class.getName(), stream);
    streams.add(stream);
    stream.response.closeHandler(closed -> remove(stream));
    stream.response.endHandler(ended -> remove(stream));
  }

  /** {@code Last-Event-ID}, else {@code ?since=}: a seq, or -1 for none. */
  private static long position(RoutingContext ctx) {
    String given = ctx.request().getHeader(LAST_EVENT_ID);
    String name = LAST_EVENT_ID;
    if (given == null || given.isBlank()) {
      given = ctx.request().getParam("since");
      name = "since";
    }
    if (given == null || given.isBlank()) {
      return -1;
    }
    try {
      long seq = Long.parseLong(given.trim());
      if (seq >= 0) {
        return seq;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw TroupeException.badRequest(
        name + " must be a change log position (an integer >= 0), got " + given);
  }

  private void fail(RoutingContext ctx, Throwable failure) {
    HttpServerResponse response = ctx.response();
    Stream stream = ctx.get(Stream.class.getName());
    if (stream == null || streams.remove(stream)) {
      slots.release();
    }
    if (response.headWritten()) {
      // Mid-replay: end it; the client resumes from the last id it got.
      LOG.debug("an event stream's replay failed: {}", failure.getMessage());
      if (!response.ended() && !response.closed()) {
        response.end();
      }
      return;
    }
    if (response.closed()) {
      return;
    }
    if (failure instanceof ChangeLogGone gone) {
      Problems.send(
          ctx,
          410,
          "the change log no longer holds every change after this position; the earliest it holds is "
              + gone.earliest()
              + ": read the documents again, then follow from "
              + (gone.earliest() - 1),
          new JsonObject().put("earliest", gone.earliest()));
      return;
    }
    ctx.fail(failure);
  }

  private void open(Stream stream) {
    stream
        .response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        // Compression would hold events back until a deflate block fills.
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader("X-Accel-Buffering", "no")
        .write(
            "retry: 3000\nid: "
                + stream.lastSent
                + "\n: subscribed to "
                + (stream.collection == null ? "all collections" : stream.collection)
                + "\n\n");
  }

  /** Sends the log after the stream's last seq, page by page, then what was held: then live. */
  private Future<Void> replay(RoutingContext ctx, Stream stream, JsonObject firstPage) {
    if (!streams.contains(stream)) {
      return Future.succeededFuture();
    }
    Future<JsonObject> page =
        firstPage == null ? page(ctx, stream.lastSent) : Future.succeededFuture(firstPage);
    return page.compose(
        reply -> {
          JsonArray items = reply.getJsonArray("items");
          if (items.isEmpty()) {
            goLive(stream);
            return Future.succeededFuture();
          }
          for (int i = 0; i < items.size(); i++) {
            JsonObject event = ChangeTail.event(items.getJsonObject(i));
            if (stream.wants(event)) {
              // Past the write queue's bound, by one page at most: the next waits for the drain.
              stream.lastSent = event.getLong("seq");
              stream.response.write(frame(event));
            } else {
              stream.lastSent = Math.max(stream.lastSent, event.getLong("seq"));
            }
          }
          // A per-collection stream skips other collections' rows but reads past them.
          stream.lastSent = Math.max(stream.lastSent, reply.getLong("next"));
          return drained(stream).compose(v -> replay(ctx, stream, null));
        });
  }

  private static Future<Void> drained(Stream stream) {
    if (!stream.response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    stream.drained = drained;
    stream.response.drainHandler(v -> drained.tryComplete());
    return drained.future();
  }

  private void goLive(Stream stream) {
    ArrayDeque<JsonObject> held = stream.held;
    stream.held = null;
    for (JsonObject event : held) {
      if (event.getLong("seq") > stream.lastSent) {
        write(stream, event);
      }
    }
  }

  private Future<JsonObject> page(RoutingContext ctx, long since) {
    return calls.call(ctx, DbContract.CHANGES, new ChangesQuery(since, ChangesQuery.MAX_LIMIT));
  }

  /**
   * The tail of this instance, started by the first stream; one that stopped meanwhile (its last
   * stream left) is started again.
   */
  private Future<ChangeTail> follow() {
    if (tail == null) {
      ChangeTail started =
          new ChangeTail(
              vertx,
              since ->
                  calls.call(
                      DbContract.CHANGES, new ChangesQuery(since, ChangesQuery.MAX_LIMIT), null),
              this::dispatch,
              this::broken);
      tail = started;
      following = started.start().map(started);
      following.onFailure(e -> stopTail(started));
      heartbeat = vertx.setPeriodic(config.heartbeatSeconds() * 1000L, id -> beat());
    }
    return following.compose(
        started -> started == tail ? Future.succeededFuture(started) : follow());
  }

  private void stopTail(ChangeTail which) {
    if (which == null || tail != which) {
      return;
    }
    which.stop();
    tail = null;
    vertx.cancelTimer(heartbeat);
  }

  private void broken(Throwable failure) {
    LOG.warn(
        "following the change log failed; {} event stream(s) end, their clients resume: {}",
        streams.size(),
        failure.getMessage());
    stopTail(tail);
    endAll();
  }

  private void remove(Stream stream) {
    if (!streams.remove(stream)) {
      return;
    }
    slots.release();
    if (stream.drained != null) {
      stream.drained.tryFail("the client left");
    }
    if (streams.isEmpty()) {
      // Nobody listens here any more: stop receiving every change of the cluster.
      stopTail(tail);
    }
  }

  private void dispatch(JsonObject event) {
    for (Stream stream : List.copyOf(streams)) {
      if (!stream.wants(event)) {
        continue;
      }
      if (stream.held != null) {
        if (stream.held.size() >= MAX_HELD) {
          LOG.debug("dropping an event stream whose replay falls too far behind");
          stream.response.reset();
          continue;
        }
        stream.held.add(event);
      } else if (event.getLong("seq") > stream.lastSent) {
        write(stream, event);
      }
    }
  }

  private void write(Stream stream, JsonObject event) {
    stream.lastSent = event.getLong("seq");
    send(stream.response, frame(event));
  }

  private static String frame(JsonObject event) {
    return "id: " + event.getLong("seq") + "\ndata: " + event.encode() + "\n\n";
  }

  private void beat() {
    List.copyOf(streams).forEach(stream -> send(stream.response, ": keep-alive\n\n"));
  }

  private void send(HttpServerResponse response, String frame) {
    if (response.closed() || response.ended()) {
      return;
    }
    if (response.writeQueueFull()) {
      LOG.debug("dropping an event stream whose client does not keep up");
      // Resetting closes it now, without flushing what waits; the close handler forgets it.
      response.reset();
      return;
    }
    response.write(frame);
  }

  /**
   * Ends every stream cleanly, e.g. before the gateway stops (a stream would otherwise outlast the
   * drain).
   */
  void endAll() {
    List<Stream> all = new ArrayList<>(streams);
    all.forEach(
        stream -> {
          if (!stream.response.ended() && !stream.response.closed()) {
            stream.response.end();
          }
        });
  }
}
