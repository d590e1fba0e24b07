package dev.troupe.gateway;

import dev.troupe.shared.contract.ChangeFollower;
import dev.troupe.shared.contract.DocEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * The change events of the whole cluster, in log order with nothing skipped or repeated, for one
 * gateway instance's event streams: a {@link ChangeFollower} fed by this instance's subscription.
 *
 * <p>Starts from the log's head once its bus subscription is registered: every change after that is
 * delivered, a change whose event the bus did not bring found in the log ({@link
 * ChangeFollower#tick}, every second). A failure to read the log breaks the tail ({@code broken});
 * its streams end and their clients resume from their last id.
 */
final class ChangeTail {
  private final Vertx vertx;
  private final ChangeFollower follower;
  private MessageConsumer<JsonObject> consumer;
  private long ticks = -1;
  private boolean stopped;

  /**
   * {@code page} reads the log after a seq (db-service's {@code changes}); {@code deliver} gets
   * each event once, in seq order.
   */
  ChangeTail(
      Vertx vertx,
      LongFunction<Future<JsonObject>> page,
      Consumer<JsonObject> deliver,
      Consumer<Throwable> broken) {
    this.vertx = vertx;
    this.follower = new ChangeFollower(page, deliver, broken);
  }

  /** Subscribes, then reads the log's head: completes once the tail delivers every later change. */
  Future<Void> start() {
    consumer =
        vertx.eventBus().consumer(DocEvents.ADDRESS, message -> follower.arrived(message.body()));
    return consumer
        .completion()
        .compose(v -> follower.start(-1))
        .onSuccess(
            v -> {
              if (!stopped) {
                ticks = vertx.setPeriodic(ChangeFollower.TICK_MS, t -> follower.tick());
              }
            });
  }

  /** The seq of the last change delivered. */
  long cursor() {
    return follower.cursor();
  }

  void stop() {
    stopped = true;
    if (ticks >= 0) {
      vertx.cancelTimer(ticks);
      ticks = -1;
    }
    follower.stop();
    if (consumer != null) {
      consumer.unregister();
    }
  }

  /** A row of the log as the event the bus would have carried. */
  static JsonObject event(JsonObject item) {
    return ChangeFollower.event(item);
  }
}
