package dev.troupe.gateway;

import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/docs/{collection}/_events}: the change events of one collection as Server-Sent
 * Events, for browsers. Authorised like a read (the route is under the API's guards and is a GET).
 * Each event is one {@code data:} line holding the event body of {@link DocEvents#ADDRESS}, with an
 * {@code id:} of {@code <id>:<version>}; a comment line every {@code TROUPE_SSE_HEARTBEAT_SECONDS}
 * keeps the stream visibly alive.
 *
 * <p>Each gateway instance subscribes to the bus once, while it has at least one stream, and fans
 * the events out to its streams; the response headers go out only when that subscription is
 * registered, so a client that has them sees every later change. A client that does not read fast
 * enough is dropped once {@code TROUPE_SSE_BUFFER_BYTES} wait for it: memory per stream stays
 * bounded. Streams end cleanly when the gateway stops. At most {@code TROUPE_SSE_MAX_STREAMS}
 * streams per node are open (503 past it).
 */
final class DocEventStreams {
  static final String EVENTS = "_events";
  private static final Logger LOG = LoggerFactory.getLogger(DocEventStreams.class);

  private final Vertx vertx;
  private final EventStreamConfig config;
  private final InFlight slots;
  private final Map<String, Set<HttpServerResponse>> byCollection = new HashMap<>();
  private MessageConsumer<JsonObject> consumer;
  private Future<Void> subscribed;
  private long heartbeat = -1;
  private int open;

  DocEventStreams(Vertx vertx, EventStreamConfig config, InFlight slots) {
    this.vertx = vertx;
    this.config = config;
    this.slots = slots;
  }

  /**
   * Mounts the route; it must come before {@code GET /:collection/:id}, which would take the id
   * {@value #EVENTS}.
   */
  void mount(Router router) {
    router
        .get(DocsApi.BASE + "/:collection/" + EVENTS)
        .handler(AccessLog::route)
        .handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    String collection = DocKey.requireCollection(ctx.pathParam("collection"));
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
    subscribe()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                slots.release();
                ctx.fail(ar.cause());
                return;
              }
              if (response.closed()) {
                slots.release();
                return;
              }
              add(collection, response);
              response.closeHandler(closed -> remove(collection, response));
              response.endHandler(ended -> remove(collection, response));
              response
                  .setChunked(true)
                  .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                  .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                  // Compression would hold events back until a deflate block fills.
                  .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
                  .putHeader("X-Accel-Buffering", "no")
                  .write("retry: 3000\n: subscribed to " + collection + "\n\n");
            });
  }

  /** The bus subscription of this instance, registered on the first stream. */
  private Future<Void> subscribe() {
    if (consumer == null) {
      consumer = vertx.eventBus().consumer(DocEvents.ADDRESS, this::dispatch);
      subscribed = consumer.completion();
      heartbeat = vertx.setPeriodic(config.heartbeatSeconds() * 1000L, id -> beat());
    }
    return subscribed;
  }

  private void add(String collection, HttpServerResponse response) {
    if (byCollection.computeIfAbsent(collection, c -> new LinkedHashSet<>()).add(response)) {
      open++;
    }
  }

  private void remove(String collection, HttpServerResponse response) {
    Set<HttpServerResponse> streams = byCollection.get(collection);
    if (streams == null || !streams.remove(response)) {
      return;
    }
    open--;
    slots.release();
    if (streams.isEmpty()) {
      byCollection.remove(collection);
    }
    if (open == 0 && consumer != null) {
      // Nobody listens here any more: stop receiving every change of the cluster.
      consumer.unregister();
      consumer = null;
      vertx.cancelTimer(heartbeat);
    }
  }

  private void dispatch(Message<JsonObject> message) {
    JsonObject event = message.body();
    Set<HttpServerResponse> streams =
        event == null ? null : byCollection.get(event.getString("collection"));
    if (streams == null) {
      return;
    }
    String frame =
        "id: "
            + event.getString("id")
            + ":"
            + event.getValue("version")
            + "\ndata: "
            + event.encode()
            + "\n\n";
    for (HttpServerResponse response : List.copyOf(streams)) {
      send(response, frame);
    }
  }

  private void beat() {
    List<HttpServerResponse> all = new ArrayList<>();
    byCollection.values().forEach(all::addAll);
    all.forEach(response -> send(response, ": keep-alive\n\n"));
  }

  private void send(HttpServerResponse response, String frame) {
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
    List<HttpServerResponse> all = new ArrayList<>();
    byCollection.values().forEach(all::addAll);
    all.forEach(
        response -> {
          if (!response.ended() && !response.closed()) {
            response.end();
          }
        });
  }
}
