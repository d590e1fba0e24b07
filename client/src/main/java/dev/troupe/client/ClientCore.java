package dev.troupe.client;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the views of one {@link TroupeClient} share: the transport, the options, the attempts of
 * calls, and whether the client is closed. Calls and subscriptions made after {@link #close()} fail
 * with {@code UNAVAILABLE}; every future it returns is {@link Detached} from the transport's
 * context.
 */
final class ClientCore {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);

  private final Transport transport;
  private final ClientOptions options;
  private final Attempts attempts;
  private final AtomicReference<Future<Void>> closed = new AtomicReference<>();

  ClientCore(Transport transport, ClientOptions options) {
    this.transport = transport;
    this.options = options;
    this.attempts = new Attempts(transport.vertx(), transport, options);
  }

  Transport transport() {
    return transport;
  }

  ClientOptions options() {
    return options;
  }

  /** The failure of anything tried after {@link #close()}, or null while the client is open. */
  <T> Future<T> refusedWhenClosed() {
    return closed.get() == null
        ? null
        : Future.failedFuture(new TroupeException(ErrorCode.UNAVAILABLE, "the client is closed"));
  }

  /** Calls {@code action} within {@code timeoutMs}, retries included. */
  <Q, R> Future<R> call(Action<Q, R> action, Q request, long timeoutMs) {
    Future<R> refused = refusedWhenClosed();
    return refused != null ? refused : Detached.of(attempts.call(action, request, timeoutMs));
  }

  /** Calls {@code handler} with every message published to {@code address}. */
  Future<Subscription> subscribe(String address, Handler<JsonObject> handler) {
    Future<Subscription> refused = refusedWhenClosed();
    if (refused != null) {
      return refused;
    }
    return Detached.of(transport.subscribe(address, handler))
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof TransportFailure t
                        ? t.toTroupeException()
                        : Failures.normalise(e)));
  }

  /**
   * A handler of JSON messages that decodes each with {@code decode} for {@code handler}; one that
   * does not decode ({@code what} names it in the log) is ignored.
   */
  static <T> Handler<JsonObject> decoding(
      Function<JsonObject, T> decode, String what, Handler<T> handler) {
    return json -> {
      T decoded;
      try {
        decoded = decode.apply(json);
      } catch (TroupeException e) {
        LOG.warn("ignoring a malformed {}: {}", what, e.getMessage());
        return;
      }
      handler.handle(decoded);
    };
  }

  /** Closes the transport once; later calls return the same future. */
  Future<Void> close() {
    Promise<Void> closing = Promise.promise();
    if (!closed.compareAndSet(null, closing.future())) {
      return closed.get();
    }
    transport.close().onComplete(closing);
    return closing.future();
  }
}
