package dev.troupe.client;

import dev.troupe.shared.bus.Backoff;
import dev.troupe.shared.contract.ChangeFollower;
import dev.troupe.shared.contract.ChangeLogGone;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TroupeClient#onChange(long, Handler, Handler)}: every change after a position exactly
 * once, in log order, with a {@link ChangeFollower} fed by one subscription. Everything runs on one
 * context (the caller's): the subscription's events and the log's pages are handed to it.
 *
 * <p>When reading the log fails once the feed runs (a gap to fill and db-service unreachable), a
 * new follower starts from the last change delivered after a growing wait, on the same
 * subscription: what was committed meanwhile is in the log. If retention removed that position
 * meanwhile, the feed ends with {@link ChangeLogGone}.
 */
final class ChangeFeed {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);
  static final Backoff RESTART = new Backoff(200, 10_000);

  private final Context context;
  private final LongFunction<Future<JsonObject>> page;
  private final Handler<DocChange> handler;
  private final Handler<Throwable> ended;
  private ChangeFollower follower;
  private Subscription subscription;
  private long delivered;
  private int restarts;
  private long restartTimer = -1;
  private long ticks = -1;
  private boolean cancelled;

  private ChangeFeed(
      Context context,
      LongFunction<Future<JsonObject>> page,
      Handler<DocChange> handler,
      Handler<Throwable> ended) {
    this.context = context;
    this.page = page;
    this.handler = handler;
    this.ended = ended;
  }

  /**
   * Subscribes with {@code subscribe}, then replays the log after {@code since} and goes live:
   * completes once the replay reached the log's head, or fails (the subscription then cancelled).
   */
  static Future<Subscription> start(
      Context context,
      long since,
      LongFunction<Future<JsonObject>> page,
      Function<Handler<JsonObject>, Future<Subscription>> subscribe,
      Handler<DocChange> handler,
      Handler<Throwable> ended) {
    Promise<Subscription> started = Promise.promise();
    context.runOnContext(
        v -> {
          ChangeFeed feed = new ChangeFeed(context, page, handler, ended);
          feed.delivered = since;
          feed.follower = feed.follower();
          subscribe
              .apply(feed::arrived)
              .compose(
                  subscription -> {
                    feed.subscription = subscription;
                    return feed.follower
                        .start(since)
                        .<Subscription>map(
                            ok -> {
                              // A change whose event the bus did not bring, with none after it.
                              feed.ticks =
                                  context
                                      .owner()
                                      .setPeriodic(
                                          ChangeFollower.TICK_MS, t -> feed.follower.tick());
                              return feed.handle();
                            })
                        .recover(
                            e -> {
                              feed.cancel();
                              return Future.failedFuture(e);
                            });
                  })
              .onComplete(started);
        });
    return started.future();
  }

  private ChangeFollower follower() {
    return new ChangeFollower(this::onContext, this::deliver, this::broken);
  }

  /** A page of the log, completed on the feed's context. */
  private Future<JsonObject> onContext(long since) {
    Promise<JsonObject> read = Promise.promise();
    page.apply(since).onComplete(ar -> context.runOnContext(v -> read.handle(ar)));
    return read.future();
  }

  private void arrived(JsonObject event) {
    if (Vertx.currentContext() == context) {
      follower.arrived(event);
    } else {
      context.runOnContext(v -> follower.arrived(event));
    }
  }

  private void deliver(JsonObject event) {
    delivered = event.getLong("seq");
    restarts = 0;
    DocChange change;
    try {
      change = ChangeWire.DOC_CHANGE.decode(event);
    } catch (TroupeException e) {
      LOG.warn("ignoring a malformed change event: {}", e.getMessage());
      return;
    }
    handler.handle(change);
  }

  private void broken(Throwable failure) {
    if (cancelled) {
      return;
    }
    long delay = RESTART.delayMs(restarts++);
    LOG.warn(
        "reading the change log failed; following again from {} in {} ms: {}",
        delivered,
        delay,
        failure.getMessage());
    restartTimer =
        context
            .owner()
            .setTimer(
                delay,
                id -> {
                  restartTimer = -1;
                  if (cancelled) {
                    return;
                  }
                  follower = follower();
                  follower
                      .start(delivered)
                      .onFailure(
                          e -> {
                            if (e instanceof ChangeLogGone || cancelled) {
                              end(e);
                            } else {
                              broken(e);
                            }
                          });
                });
  }

  private void end(Throwable failure) {
    if (cancelled) {
      return;
    }
    LOG.warn("a change feed ends: {}", failure.getMessage());
    cancel();
    if (ended != null) {
      ended.handle(failure);
    }
  }

  private Future<Void> cancel() {
    cancelled = true;
    follower.stop();
    if (ticks >= 0) {
      context.owner().cancelTimer(ticks);
      ticks = -1;
    }
    if (restartTimer >= 0) {
      context.owner().cancelTimer(restartTimer);
      restartTimer = -1;
    }
    return subscription == null ? Future.succeededFuture() : subscription.cancel();
  }

  private Subscription handle() {
    Subscription inner = subscription;
    return new Subscription() {
      @Override
      public String address() {
        return inner.address();
      }

      @Override
      public Future<Void> cancel() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> ChangeFeed.this.cancel().onComplete(done));
        return done.future();
      }
    };
  }
}
