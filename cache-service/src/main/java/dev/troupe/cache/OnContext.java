package dev.troupe.cache;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.RetryableException;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Completes a Hazelcast future on the calling verticle's context. Hazelcast's async variants would
 * otherwise run completions on the common ForkJoin pool, which on a 2-CPU machine is a new thread
 * per task; {@code whenComplete} runs on the thread that completes the future and hops straight
 * back.
 */
final class OnContext {
  private OnContext() {}

  /**
   * A member that is shutting down, or a partition whose owner just left, is a passing state of the
   * cluster: the caller may retry (request-service reads from the database meanwhile), not a bug.
   */
  static Throwable classify(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof HazelcastInstanceNotActiveException
        || cause instanceof RetryableException
        || cause instanceof MemberLeftException) {
      return new TroupeException(
          ErrorCode.UNAVAILABLE, "the cache is rebalancing or shutting down", cause);
    }
    return cause;
  }

  static <T> Future<T> of(CompletionStage<T> stage, Context context) {
    Promise<T> promise = Promise.promise();
    stage.whenComplete(
        (value, failure) ->
            context.runOnContext(
                v -> {
                  if (failure != null) {
                    promise.fail(classify(failure));
                  } else {
                    promise.complete(value);
                  }
                }));
    return promise.future();
  }
}
