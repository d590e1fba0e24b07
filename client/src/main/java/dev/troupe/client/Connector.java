package dev.troupe.client;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Opens the {@link Transport} that {@link ClientOptions} name, for {@link TroupeClient#connect}:
 * the lite member's Vert.x, a bridge connection on a Vert.x of the client's own or the caller's, or
 * the caller's event bus. Every failure is a {@link TroupeException} or, for options that name no
 * usable transport, an {@link IllegalArgumentException}.
 */
final class Connector {
  private Connector() {}

  /** With a Vert.x of the client's own; completes on the caller's context, if any. */
  static Future<ClientCore> connect(ClientOptions options) {
    Context caller = Vertx.currentContext();
    return switch (options.transport()) {
      case CLUSTER ->
          backTo(
              caller,
              LiteMember.start(options)
                  .map(vertx -> new ClientCore(new EventBusTransport(vertx, true), options))
                  .recover(e -> Future.failedFuture(connectFailure(e, options))));
      case BRIDGE -> {
        Vertx vertx = Vertx.vertx();
        Promise<ClientCore> connected = Promise.promise();
        bridge(vertx, options, true)
            .onComplete(
                ar -> {
                  if (ar.succeeded()) {
                    connected.complete(ar.result());
                  } else {
                    // Completed off the closed Vert.x, which can run no callback any more.
                    vertx.close().onComplete(closed -> connected.fail(ar.cause()));
                  }
                });
        yield backTo(caller, connected.future());
      }
      case EVENT_BUS ->
          Future.failedFuture(
              new IllegalArgumentException(
                  "the options name no transport: set cluster(...) or bridge(...), or pass a"
                      + " Vert.x to connect(vertx, options) to use its event bus"));
    };
  }

  /** On {@code vertx}, which the client does not close. */
  static Future<ClientCore> connect(Vertx vertx, ClientOptions options) {
    return switch (options.transport()) {
      case EVENT_BUS ->
          Future.succeededFuture(new ClientCore(new EventBusTransport(vertx, false), options));
      case BRIDGE -> backTo(Vertx.currentContext(), bridge(vertx, options, false));
      case CLUSTER ->
          Future.failedFuture(
              new IllegalArgumentException(
                  "cluster(...) starts a Vert.x of the client's own: use connect(options), or"
                      + " leave cluster(...) out to use this Vert.x's event bus"));
    };
  }

  /**
   * {@code result} completed on {@code caller}'s context when there is one, as a Vert.x call made
   * on a context completes; else where it completes.
   */
  private static <T> Future<T> backTo(Context caller, Future<T> result) {
    if (caller == null) {
      return Detached.of(result);
    }
    Promise<T> back = Promise.promise();
    result.onComplete(ar -> caller.runOnContext(v -> back.handle(ar)));
    return back.future();
  }

  private static Future<ClientCore> bridge(Vertx vertx, ClientOptions options, boolean owns) {
    return BridgeTransport.deploy(vertx, options, owns)
        .<ClientCore>map(transport -> new ClientCore(transport, options))
        .recover(e -> Future.failedFuture(connectFailure(e, options)));
  }

  private static Throwable connectFailure(Throwable failure, ClientOptions options) {
    if (failure instanceof TroupeException || failure instanceof IllegalArgumentException) {
      return failure;
    }
    if (failure instanceof TransportFailure t) {
      return t.toTroupeException();
    }
    return new TroupeException(
        ErrorCode.UNAVAILABLE,
        "cannot connect (" + options + "): " + failure.getMessage(),
        failure);
  }
}
