package dev.troupe.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * Futures the client hands out are bound to no Vert.x context. A future bound to a context of the
 * client's own Vert.x runs the callbacks chained to it on that context, and once that Vert.x is
 * closed (by {@link TroupeClient#close}) it could run none: a caller chaining {@code close()} after
 * a call would wait forever. Unbound, a future runs its callbacks on the thread that completes it,
 * which for a call made on a Vert.x context is that context's.
 */
final class Detached {
  private Detached() {}

  static <T> Future<T> of(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(promise);
    return promise.future();
  }
}
