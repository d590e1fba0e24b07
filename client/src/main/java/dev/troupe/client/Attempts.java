package dev.troupe.client;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Backoff;
import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The attempts of one call within its deadline, as the gateway makes them: each attempt gets what
 * is left of the deadline (an attempt of an always-idempotent action, while retries are left, at
 * most the attempt deadline); after a failure, a call is sent again after a jittered wait when no
 * service certainly got it ({@link Delivery#NOT_DONE}: no handler, a node that is leaving answered
 * MOVED, the bridge connection was down), or when it may have been done ({@link Delivery#LOST}: no
 * answer in time, the connection broke) and its {@link Action} declares the request idempotent. A
 * service's own answer ({@link Delivery#ANSWERED}: not found, a precondition, overloaded, ...) is
 * final: Troupe's services retry their own calls. Every failure ends as a {@link TroupeException}.
 */
final class Attempts {
  /** What a failed attempt tells about the request. */
  enum Delivery {
    /** No service got it: sending it again is safe whatever the action. */
    NOT_DONE,
    /** No answer: a service may have done it. */
    LOST,
    /** A service answered it: final. */
    ANSWERED
  }

  private final Vertx vertx;
  private final Transport transport;
  private final int maxRetries;
  private final Backoff backoff;
  private final Long attemptTimeoutMs;
  private final LongSupplier nanoClock;

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
    this.vertx = vertx;
    this.transport = transport;
    this.maxRetries = maxRetries;
    this.backoff = backoff;
    this.attemptTimeoutMs = attemptTimeoutMs;
    this.nanoClock = nanoClock;
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
    Call<Q, R> call =
        new Call<>(action, body, idempotent, timeoutMs, attemptMs, nanoClock.getAsLong());
    call.attempt(1, null);
    return call.promise.future();
  }

  /** The delivery a failed attempt tells of. */
  static Delivery delivery(Throwable failure) {
    if (failure instanceof TransportFailure t) {
      return t.kind() == TransportFailure.Kind.NOT_SENT ? Delivery.NOT_DONE : Delivery.LOST;
    }
    if (failure instanceof BusFault fault) {
      return fault.code() == ErrorCode.MOVED ? Delivery.NOT_DONE : Delivery.ANSWERED;
    }
    if (failure instanceof ReplyException re) {
      return switch (re.failureType()) {
        case NO_HANDLERS, ERROR -> Delivery.NOT_DONE;
        case TIMEOUT -> Delivery.LOST;
        case RECIPIENT_FAILURE ->
            re.failureCode() == ErrorCode.MOVED.code() ? Delivery.NOT_DONE : Delivery.ANSWERED;
      };
    }
    return Delivery.ANSWERED;
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

  /** One call's state across its attempts. */
  private final class Call<Q, R> {
    private final Action<Q, R> action;
    private final JsonObject body;
    private final boolean idempotent;
    private final long timeoutMs;
    private final long attemptMs;
    private final long deadline;
    private final Promise<R> promise = Promise.promise();

    Call(
        Action<Q, R> action,
        JsonObject body,
        boolean idempotent,
        long timeoutMs,
        long attemptMs,
        long started) {
      this.action = action;
      this.body = body;
      this.idempotent = idempotent;
      this.timeoutMs = timeoutMs;
      this.attemptMs = attemptMs;
      this.deadline = started + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    private long msLeft() {
      return TimeUnit.NANOSECONDS.toMillis(deadline - nanoClock.getAsLong());
    }

    /**
     * Attempt {@code number}; {@code previous} is the fault that made it necessary, if any: a retry
     * that only ran out of time answers that fault, not its own timeout.
     */
    void attempt(int number, Throwable previous) {
      long left = Math.max(1, msLeft());
      boolean capped = number <= maxRetries && attemptMs < left;
      Future<JsonObject> reply;
      try {
        reply = transport.request(action.address(), action.name(), body, capped ? attemptMs : left);
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onComplete(
          ar -> {
            if (ar.succeeded()) {
              decode(ar.result());
              return;
            }
            Throwable fault = ar.cause();
            Delivery delivery = delivery(fault);
            Throwable shown = delivery == Delivery.LOST && previous != null ? previous : fault;
            boolean again =
                number <= maxRetries
                    && (delivery == Delivery.NOT_DONE || (delivery == Delivery.LOST && idempotent));
            long wait = Math.max(1, backoff.delayMs(number));
            if (!again || msLeft() <= wait) {
              promise.fail(error(shown, action, timeoutMs, number));
              return;
            }
            vertx.setTimer(wait, t -> attempt(number + 1, shown));
          });
    }

    private void decode(JsonObject json) {
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
}
