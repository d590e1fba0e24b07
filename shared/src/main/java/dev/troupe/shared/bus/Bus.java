package dev.troupe.shared.bus;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.metrics.BusRequestMeters;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A typed event-bus client: every request names its action, carries the caller's request id and has
 * a deadline. Failures arrive as {@link io.vertx.core.eventbus.ReplyException}s whose code {@link
 * Failures#code} understands.
 */
public final class Bus {
  /** Header naming the operation of a message ({@link BusNames#ACTION}). */
  public static final String ACTION = BusNames.ACTION;

  /** Header carrying the id of the client request a message belongs to ({@link BusNames}). */
  public static final String REQUEST_ID = BusNames.REQUEST_ID;

  /** Action every Troupe service answers, used by readiness checks ({@link BusNames#PING}). */
  public static final String PING = BusNames.PING;

  private final Vertx vertx;
  private final long timeoutMs;

  /** Times every request ({@code troupe_bus_request_seconds{address, action}}). */
  private final BusRequestMeters meters;

  public Bus(Vertx vertx, long timeoutMs) {
    this.vertx = Objects.requireNonNull(vertx);
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("timeoutMs must be > 0");
    }
    this.timeoutMs = timeoutMs;
    this.meters = BusRequestMeters.of(vertx);
    registerCodecs(vertx);
  }

  /**
   * Registers Troupe's event-bus codecs on {@code vertx}: {@link HandedOverJson} for bodies, {@link
   * BusFault} for failure replies. Every JVM node of a cluster does (ClusterBootstrap); later calls
   * do nothing.
   */
  public static void registerCodecs(Vertx vertx) {
    HandedOverJson.register(vertx);
    BusFault.register(vertx);
  }

  /**
   * Sends {@code request} as {@code action} within {@code deadlineMs} and completes with the
   * decoded reply; one attempt (policies with retries and a breaker: {@link CallPolicy}).
   */
  public <Q, R> Future<R> call(Action<Q, R> action, Q request, String requestId, long deadlineMs) {
    JsonObject body;
    try {
      body = action.request().encode(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return request(action.address(), action.name(), body, requestId, deadlineMs)
        .map(action.reply()::decode);
  }

  /** {@link #call(Action, Object, String, long)} within this bus's deadline. */
  public <Q, R> Future<R> call(Action<Q, R> action, Q request, String requestId) {
    return call(action, request, requestId, timeoutMs);
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  /**
   * Sends {@code body} to {@code address} as {@code action} and completes with the reply body. The
   * body is handed over ({@link HandedOverJson}): don't modify it after this call, nor the reply.
   */
  public Future<JsonObject> request(
      String address, String action, JsonObject body, String requestId) {
    return request(address, action, body, requestId, timeoutMs);
  }

  public Future<JsonObject> request(
      String address, String action, JsonObject body, String requestId, long deadlineMs) {
    DeliveryOptions options =
        (body == null ? new DeliveryOptions() : HandedOverJson.options())
            .setSendTimeout(deadlineMs)
            .addHeader(ACTION, action);
    if (requestId != null) {
      options.addHeader(REQUEST_ID, requestId);
    }
    long sent = System.nanoTime();
    Future<Message<JsonObject>> reply = vertx.eventBus().request(address, body, options);
    reply.onComplete(done -> meters.record(address, action, System.nanoTime() - sent));
    return reply.map(Message::body);
  }

  /**
   * Consumes {@code address} with a bounded buffer: a consumer holds at most {@code
   * TROUPE_CONSUMER_MAX_BUFFERED} (default 1,000) messages that arrived while it was paused;
   * Troupe's services never pause theirs (they refuse past their in-flight bound instead), so the
   * bound is what keeps a consumer that someone pauses from growing without limit.
   */
  public static MessageConsumer<JsonObject> consumer(
      Vertx vertx, String address, Settings settings, Handler<Message<JsonObject>> handler) {
    int maxBuffered = settings.integer("TROUPE_CONSUMER_MAX_BUFFERED", 1000, 1, 1_000_000);
    return vertx
        .eventBus()
        .consumer(
            new MessageConsumerOptions().setAddress(address).setMaxBufferedMessages(maxBuffered),
            handler);
  }

  /** The request id a message carries, or null. */
  public static String requestId(Message<?> message) {
    return message.headers().get(REQUEST_ID);
  }
}
