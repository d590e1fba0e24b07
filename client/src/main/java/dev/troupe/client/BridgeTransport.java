package dev.troupe.client;

import dev.troupe.shared.bus.Backoff;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages through a gateway's TCP event-bus bridge, over one {@link BridgeConnection} at a time. A
 * verticle, so that it owns one context: everything it holds is touched on that context only, and
 * undeploying it closes what it opened.
 *
 * <p>A call finds the connection open, or opens one (failing with nothing sent when it cannot).
 * When the connection drops while something is subscribed, it reconnects with a jittered, growing
 * wait ({@value #RECONNECT_BASE_MS} ms doubling up to {@value #RECONNECT_MAX_MS} ms) and registers
 * every subscription again; events published meanwhile are missed (delivery is at most once).
 */
final class BridgeTransport extends VerticleBase implements Transport, BridgeConnection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeTransport.class);
  static final long RECONNECT_BASE_MS = 200;
  static final long RECONNECT_MAX_MS = 10_000;

  private final ClientOptions options;
  private final boolean ownsVertx;
  private final Backoff reconnectBackoff = new Backoff(RECONNECT_BASE_MS, RECONNECT_MAX_MS);
  private final Map<String, List<Handler<JsonObject>>> handlers = new LinkedHashMap<>();
  private NetClient net;
  private Future<BridgeConnection> connection;
  private int reconnects;
  private long reconnectTimer = -1;
  private boolean closing;
  private volatile Context home;
  private String deploymentId;

  private BridgeTransport(ClientOptions options, boolean ownsVertx) {
    this.options = options;
    this.ownsVertx = ownsVertx;
  }

  /** Deploys the transport on {@code vertx}; completes once the first connection serves. */
  static Future<BridgeTransport> deploy(Vertx vertx, ClientOptions options, boolean ownsVertx) {
    BridgeTransport transport = new BridgeTransport(options, ownsVertx);
    return vertx
        .deployVerticle(transport)
        .map(
            id -> {
              transport.deploymentId = id;
              return transport;
            });
  }

  @Override
  public Future<?> start() {
    home = context;
    net =
        vertx.createNetClient(
            new NetClientOptions()
                .setConnectTimeout(
                    (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis())));
    return connection().onFailure(e -> net.close());
  }

  @Override
  public Future<?> stop() {
    closing = true;
    vertx.cancelTimer(reconnectTimer);
    Future<BridgeConnection> current = connection;
    connection = null;
    Future<Void> closed =
        current == null
            ? Future.succeededFuture()
            : current.transform(
                ar -> ar.succeeded() ? ar.result().close() : Future.succeededFuture());
    return closed.eventually(() -> net.close());
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public Future<JsonObject> request(
      String address, String action, JsonObject body, long timeoutMs) {
    return onContext(() -> connection().compose(c -> c.request(address, action, body, timeoutMs)));
  }

  @Override
  public Future<Subscription> subscribe(String address, Handler<JsonObject> handler) {
    Handler<JsonObject> delivered = onCallerContext(handler);
    return onContext(
        () -> {
          handlers.computeIfAbsent(address, a -> new ArrayList<>()).add(delivered);
          return connection()
              .compose(c -> c.register(address))
              .<Subscription>map(v -> subscription(address, delivered))
              .onFailure(e -> remove(address, delivered));
        });
  }

  /**
   * Undeploys the transport (closing its connection), then closes its own Vert.x. The future is
   * bound to no context: one of the closed Vert.x could no longer run its callbacks.
   */
  @Override
  public Future<Void> close() {
    Vertx owner = vertx;
    Promise<Void> done = Promise.promise();
    Future<Void> undeployed =
        deploymentId == null ? Future.succeededFuture() : owner.undeploy(deploymentId);
    undeployed.onComplete(
        ar -> {
          if (!ownsVertx) {
            done.handle(ar);
          } else {
            owner.close().onComplete(closed -> done.handle(ar.failed() ? ar : closed));
          }
        });
    return done.future();
  }

  private Subscription subscription(String address, Handler<JsonObject> handler) {
    return new Subscription() {
      @Override
      public String address() {
        return address;
      }

      @Override
      public Future<Void> cancel() {
        return onContext(
            () -> {
              if (!remove(address, handler) || connection == null) {
                return Future.succeededFuture();
              }
              return connection.compose(c -> c.unregister(address));
            });
      }
    };
  }

  /** Removes a handler; true when it was the address's last. */
  private boolean remove(String address, Handler<JsonObject> handler) {
    List<Handler<JsonObject>> list = handlers.get(address);
    if (list == null || !list.remove(handler) || !list.isEmpty()) {
      return false;
    }
    handlers.remove(address);
    return true;
  }

  /** The open connection, or the one being opened; a new one when there is neither. */
  private Future<BridgeConnection> connection() {
    if (closing) {
      return Future.failedFuture(TransportFailure.notSent("the client is closed"));
    }
    Future<BridgeConnection> current = connection;
    if (current != null
        && !(current.isComplete() && (current.failed() || current.result().isClosed()))) {
      return current;
    }
    Future<BridgeConnection> opening =
        BridgeConnection.open(vertx, net, options, this).compose(this::resubscribe);
    connection = opening;
    opening.onFailure(
        e -> {
          if (connection == opening) {
            connection = null;
          }
        });
    return opening;
  }

  /** Registers every subscription on a new connection; one the bridge refuses now is dropped. */
  private Future<BridgeConnection> resubscribe(BridgeConnection opened) {
    List<Future<Void>> registered = new ArrayList<>();
    for (String address : handlers.keySet()) {
      registered.add(
          opened
              .register(address)
              .onFailure(
                  e ->
                      LOG.warn(
                          "the subscription to {} could not be registered again: {}",
                          address,
                          e.getMessage())));
    }
    return Future.join(registered).transform(done -> Future.succeededFuture(opened));
  }

  @Override
  public void onEvent(String address, JsonObject body) {
    List<Handler<JsonObject>> list = handlers.get(address);
    if (list == null) {
      return;
    }
    for (Handler<JsonObject> handler : List.copyOf(list)) {
      try {
        handler.handle(body);
      } catch (RuntimeException e) {
        LOG.warn("a handler of {} failed", address, e);
      }
    }
  }

  @Override
  public void onClosed(BridgeConnection closed) {
    Future<BridgeConnection> current = connection;
    if (current != null && current.succeeded() && current.result() == closed) {
      connection = null;
    }
    if (!closing && !handlers.isEmpty() && connection == null) {
      reconnectLater();
    }
  }

  private void reconnectLater() {
    long wait = reconnectBackoff.delayMs(++reconnects);
    LOG.info(
        "the bridge at {}:{} closed the connection; reconnecting in {} ms for {} subscription(s)",
        options.bridgeHost(),
        options.bridgePort(),
        wait,
        handlers.size());
    reconnectTimer =
        vertx.setTimer(
            wait,
            t -> {
              if (closing || handlers.isEmpty()) {
                return;
              }
              connection()
                  .onSuccess(c -> reconnects = 0)
                  .onFailure(
                      e -> {
                        LOG.warn("reconnecting to the bridge failed: {}", e.getMessage());
                        if (!closing && !handlers.isEmpty() && connection == null) {
                          reconnectLater();
                        }
                      });
            });
  }

  /**
   * Runs {@code work} on this verticle's context; its result comes back on the caller's context
   * when there is one (as the event bus's replies do), else on this one.
   */
  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    Context ctx = home;
    if (ctx == null) {
      return Future.failedFuture(TransportFailure.notSent("the bridge transport is not started"));
    }
    Context caller = Vertx.currentContext();
    if (caller == ctx) {
      try {
        return work.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(
        v -> {
          Future<T> result;
          try {
            result = work.get();
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          result.onComplete(
              ar -> {
                if (caller == null) {
                  promise.handle(ar);
                } else {
                  caller.runOnContext(back -> promise.handle(ar));
                }
              });
        });
    return promise.future();
  }

  /** {@code handler} run on the context it was given on, when there was one. */
  private static Handler<JsonObject> onCallerContext(Handler<JsonObject> handler) {
    Context caller = Vertx.currentContext();
    return caller == null ? handler : body -> caller.runOnContext(v -> handler.handle(body));
  }
}
