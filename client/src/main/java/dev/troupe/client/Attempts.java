package dev.troupe.client;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Backoff;
import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.bus.RetryPolicy;
import dev.troupe.shared.bus.RetryPolicy.Delivery;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The attempts of one call within its deadline, by the one {@link RetryPolicy} the services use:
 * each attempt gets what is left of the deadline (an attempt of an always-idempotent action, while
 * retries are left, at most the attempt deadline); after a failure, a call is sent again after a
 * jittered wait when no service certainly got it ({@link Delivery#NOT_DONE}: no handler, a node
 * that is leaving answered MOVED, the bridge connection was down), or when it may have been done
 * ({@link Delivery#LOST}: no answer in time, the connection broke) and its {@link Action} declares
 * the request idempotent. A service's own answer ({@link Delivery#ANSWERED}: not found, a
 * precondition, overloaded, ...) is final: Troupe's services retry their own calls. A retry starts
 * whenever its wait ends before the deadline. Every failure ends as a {@link TroupeException}.
 */
final class Attempts {
  private final Transport transport;
  private final RetryPolicy policy;
  private final Long attemptTimeoutMs;

  Attempts(Vertx vertx, Transport transport, ClientOptions options) {
    this(
        vertx,
        transport,
        options.maxRetries(),
        options.backoff(),
        options.attemptTimeout() == null ? null : options.attemptTimeout().toMillis(),
        System::nanoTime);
  }

  Attempts(
      Vertx vertx,
      Transport transport,
      int maxRetries,
      Backoff backoff,
      Long attemptTimeoutMs,
      LongSupplier nanoClock) {
    this.transport = transport;
    this.policy = new RetryPolicy(vertx, maxRetries, backoff, Attempts::delivery, false, nanoClock);
    this.attemptTimeoutMs = attemptTimeoutMs;
  }

  /** Calls {@code action} with {@code request} within {@code timeoutMs}, retries included. */
  <Q, R> Future<R> call(Action<Q, R> action, Q request, long timeoutMs) {
    JsonObject body;
    boolean idempotent;
    try {
      body = action.request().encode(request);
      idempotent = action.idempotent(request);
    } catch (RuntimeException e) {
      return Future.failedFuture(Failures.normalise(e));
    }
    long attemptMs =
        action.alwaysIdempotent()
            ? (attemptTimeoutMs != null ? attemptTimeoutMs : Math.max(1, timeoutMs / 2))
            : timeoutMs;
    AtomicInteger tries = new AtomicInteger();
    Promise<R> promise = Promise.promise();
    policy
        .call(
            idempotent,
            timeoutMs,
            attemptMs,
            null,
            ms -> {
              tries.incrementAndGet();
              return transport.request(action.address(), action.name(), body, ms);
            })
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                decode(action, ar.result(), promise);
              } else {
                promise.fail(error(ar.cause(), action, timeoutMs, tries.get()));
              }
            });
    return promise.future();
  }

  /**
   * The delivery a failed attempt tells of: the event bus's failures as {@link
   * RetryPolicy#undelivered} and {@link RetryPolicy#timedOut} read them, the transport's by their
   * kind; anything else is an answer.
   */
  static Delivery delivery(Throwable failure) {
    if (failure instanceof TransportFailure t) {
      return t.kind() == TransportFailure.Kind.NOT_SENT ? Delivery.NOT_DONE : Delivery.LOST;
    }
    if (RetryPolicy.undelivered(failure)) {
      return Delivery.NOT_DONE;
    }
    return RetryPolicy.timedOut(failure) ? Delivery.LOST : Delivery.ANSWERED;
  }

  /**
   * The failure a caller sees: always a {@link TroupeException} with the {@link ErrorCode} of the
   * fault and a message that names what failed.
   */
  static TroupeException error(Throwable failure, Action<?, ?> action, long timeoutMs, int tries) {
    if (failure instanceof TroupeException te) {
      return te;
    }
    if (failure instanceof TransportFailure t) {
      return t.toTroupeException();
    }
    if (failure instanceof ReplyException re && !(failure instanceof BusFault)) {
      String attempts = tries > 1 ? " (" + tries + " attempts)" : "";
      TroupeException local =
          switch (re.failureType()) {
            case TIMEOUT ->
                new TroupeException(
                    ErrorCode.TIMEOUT,
                    action + ": no answer within " + timeoutMs + " ms" + attempts,
                    failure);
            case NO_HANDLERS ->
                new TroupeException(
                    ErrorCode.UNAVAILABLE,
                    action + ": nothing serves " + action.address() + " now" + attempts,
                    failure);
            case ERROR ->
                new TroupeException(
                    ErrorCode.UNAVAILABLE,
                    action + ": the event bus could not deliver it" + attempts,
                    failure);
            case RECIPIENT_FAILURE -> null;
          };
      if (local != null) {
        return local;
      }
    }
    return Failures.normalise(failure);
  }

  private static <R> void decode(Action<?, R> action, JsonObject json, Promise<R> promise) {
    R decoded;
    try {
      decoded = action.reply().decode(json);
    } catch (RuntimeException e) {
      promise.fail(
          new TroupeException(
              ErrorCode.INTERNAL,
              action + ": the reply does not match the contract: " + e.getMessage(),
              e));
      return;
    }
    promise.complete(decoded);
  }
}
