package dev.troupe.shared.bus;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches the messages of one address to a handler per {@code action} header and turns the
 * handler's future into a reply. Handlers are routed by their {@link Action} declaration: the
 * router decodes the request with the action's codec (a malformed body is a 400 naming the field)
 * and encodes the reply. A failure is replied as a {@link BusFault}: its {@link ErrorCode}, stage
 * and client-safe detail. Every service answers {@link Bus#PING}.
 */
public final class ActionRouter implements Handler<Message<JsonObject>> {
  private static final Logger LOG = LoggerFactory.getLogger(ActionRouter.class);
  private static final long DRAIN_POLL_MS = 10;

  private final String service;

  /** The address of the actions routed by declaration; null until the first. */
  private String address;

  private final Map<String, Function<Message<JsonObject>, Future<JsonObject>>> handlers =
      new HashMap<>();

  /** The bound of every action without one of its own; null: unbounded. */
  private InFlight inFlight;

  /** Bulkheads: actions (by name) with a bound of their own. */
  private final Map<String, InFlight> bulkheads = new HashMap<>();

  private Supplier<JsonObject> status = JsonObject::new;

  /** The Vert.x this router last made sure knows Troupe's codecs; usually its only one. */
  private volatile Vertx codecRegisteredOn;

  private ActionRouter(String service) {
    this.service = service;
    handlers.put(
        Bus.PING, m -> Future.succeededFuture(status.get().copy().put("service", service)));
  }

  /** A router for {@code service} (a name used in logs and the ping reply). */
  public static ActionRouter of(String service) {
    return new ActionRouter(service);
  }

  /** Routes {@code action} to {@code handler}, which gets the decoded request. */
  public <Q, R> ActionRouter on(Action<Q, R> action, Function<Q, Future<R>> handler) {
    return on(action, (request, message) -> handler.apply(request));
  }

  /**
   * Routes {@code action} to {@code handler}, which gets the decoded request and the message (for
   * its headers: the request id, {@link Bus#requestId}).
   */
  public <Q, R> ActionRouter on(
      Action<Q, R> action, BiFunction<Q, Message<JsonObject>, Future<R>> handler) {
    requireAddress(action);
    return route(
        action.name(),
        message -> {
          Q request = action.request().decode(message.body());
          Future<R> result = handler.apply(request, message);
          return result == null ? null : result.map(action.reply()::encode);
        });
  }

  /**
   * Routes {@code action} to a handler of raw bodies: for a stand-in that answers with a body of
   * its own making (tests), or a handler that forwards the body untouched.
   */
  public ActionRouter onRaw(
      Action<?, ?> action, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    requireAddress(action);
    return route(action.name(), handler);
  }

  /**
   * Routes the action named {@code action}, for this package's tests of the router itself; services
   * route by declaration.
   */
  ActionRouter on(String action, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    return route(action, handler);
  }

  private ActionRouter route(
      String action, Function<Message<JsonObject>, Future<JsonObject>> handler) {
    if (handlers.putIfAbsent(action, handler) != null) {
      throw new IllegalStateException("action " + action + " is already routed");
    }
    return this;
  }

  /** One router serves one address: every action routed must be declared on it. */
  private void requireAddress(Action<?, ?> action) {
    if (address == null) {
      address = action.address();
    } else if (!address.equals(action.address())) {
      throw new IllegalArgumentException(
          "a router serves one address: "
              + action
              + " is not on "
              + address
              + " like the actions routed before");
    }
  }

  /** Adds what {@code status} says to every ping reply (readiness shows it). */
  public ActionRouter status(Supplier<JsonObject> status) {
    this.status = status;
    return this;
  }

  /**
   * Bounds the messages this service works on at once (those of actions without a bulkhead of their
   * own); past the bound a message fails at once with {@link ErrorCode#OVERLOADED} (503 with
   * Retry-After at the gateway), which tells the caller it met load, not a fault. Pings are never
   * refused.
   */
  public ActionRouter limit(InFlight limit) {
    this.inFlight = limit;
    return this;
  }

  /**
   * A bulkhead: {@code actions} are admitted by {@code limit} alone, so a flood of other actions
   * never refuses them, nor they others. Past the bound they fail at once with {@link
   * ErrorCode#OVERLOADED}.
   */
  public ActionRouter limit(InFlight limit, Action<?, ?>... actions) {
    for (Action<?, ?> action : actions) {
      requireAddress(action);
      limit(limit, action.name());
    }
    return this;
  }

  /** {@link #limit(InFlight, Action[])} by action name. */
  ActionRouter limit(InFlight limit, String... actions) {
    for (String action : actions) {
      if (Bus.PING.equals(action)) {
        throw new IllegalArgumentException("pings are never refused, so they have no bulkhead");
      }
      bulkheads.put(action, limit);
    }
    return this;
  }

  /**
   * Completes once no message of this service is in flight on this node, or after {@code timeoutMs}
   * (logged). A verticle's {@code stop()} unregisters its consumer first, so nothing new arrives,
   * then waits for this before it lets Vert.x close its context and what its handlers use: a
   * request in flight when the node is asked to leave still gets its answer.
   */
  public Future<Void> drained(Vertx vertx, long timeoutMs) {
    if (held() == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    vertx.setPeriodic(
        DRAIN_POLL_MS,
        timer -> {
          if (held() == 0) {
            vertx.cancelTimer(timer);
            drained.tryComplete();
          } else if (System.nanoTime() > deadline) {
            vertx.cancelTimer(timer);
            LOG.warn(
                "{} still had {} request(s) in flight {} ms after it stopped taking new ones; stopping anyway",
                service,
                held(),
                timeoutMs);
            drained.tryComplete();
          }
        });
    return drained.future();
  }

  /** Messages in flight on this node, over every bound of this router. */
  private int held() {
    Set<InFlight> bounds = new LinkedHashSet<>(bulkheads.values());
    if (inFlight != null) {
      bounds.add(inFlight);
    }
    return bounds.stream().mapToInt(InFlight::current).sum();
  }

  @Override
  public void handle(Message<JsonObject> message) {
    String action = message.headers().get(Bus.ACTION);
    InFlight bound = Bus.PING.equals(action) ? null : bulkheads.getOrDefault(action, inFlight);
    if (bound != null) {
      if (!bound.tryAcquire()) {
        ensureCodecs();
        message.reply(
            new BusFault(ErrorCode.OVERLOADED, null, bound.refusal().getMessage()),
            new DeliveryOptions());
        return;
      }
      dispatch(message, action).onComplete(done -> bound.release());
      return;
    }
    dispatch(message, action);
  }

  private Future<JsonObject> dispatch(Message<JsonObject> message, String action) {
    Function<Message<JsonObject>, Future<JsonObject>> handler =
        action == null ? null : handlers.get(action);
    Future<JsonObject> result;
    if (handler == null) {
      result =
          Future.failedFuture(
              TroupeException.badRequest(
                  service
                      + " has no action "
                      + (action == null ? "(the action header is missing)" : action)));
    } else if (message.body() == null && !Bus.PING.equals(action)) {
      result = Future.failedFuture(TroupeException.badRequest("the body must be a JSON object"));
    } else {
      try {
        result = handler.apply(message);
        if (result == null) {
          result =
              Future.failedFuture(
                  new IllegalStateException(service + " " + action + " returned no future"));
        }
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
    }
    return result.onComplete(
        ar -> {
          if (ar.succeeded()) {
            reply(message, ar.result());
          } else {
            fail(message, action, ar.cause());
          }
        });
  }

  /**
   * Replies with the handed-over codec: the reply body was built for this one reply. Off a Vert.x
   * thread (which Troupe's handlers avoid), the plain JSON codec.
   */
  private void reply(Message<JsonObject> message, JsonObject body) {
    if (body == null || !ensureCodecs()) {
      message.reply(body);
      return;
    }
    message.reply(body, HandedOverJson.options());
  }

  /**
   * Makes sure the Vert.x of the current context knows {@link HandedOverJson} and {@link BusFault};
   * false off a Vert.x thread (which Troupe's handlers avoid), where the plain codecs serve.
   */
  private boolean ensureCodecs() {
    Context context = Vertx.currentContext();
    if (context == null) {
      return false;
    }
    Vertx owner = context.owner();
    if (owner != codecRegisteredOn) {
      Bus.registerCodecs(owner);
      codecRegisteredOn = owner;
    }
    return true;
  }

  private void fail(Message<JsonObject> message, String action, Throwable failure) {
    ErrorCode code = Failures.code(failure);
    if (code == ErrorCode.INTERNAL) {
      LOG.error("{} {} failed (request {})", service, action, Bus.requestId(message), failure);
    } else if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} {} -> {}: {} (request {})",
          service,
          action,
          code,
          failure.getMessage(),
          Bus.requestId(message));
    }
    ensureCodecs();
    message.reply(Failures.fault(failure), new DeliveryOptions());
  }
}
