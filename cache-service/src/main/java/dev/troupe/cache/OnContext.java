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
 * Completes a Hazelcast future on the calling verticle's context, in one hop: the completion is
 * handed from Hazelcast's thread straight to the context. Hazelcast never runs a caller's plain
 * {@code whenComplete} on its partition threads: it hands it to the common ForkJoin pool (a new
 * thread per task on a 2-CPU machine unless the launcher's parallelism setting applies), which then
 * hopped to the context: a profile of cache hits spent about a tenth of the node's CPU on that
 * second hop and its thread wake-ups. Given the context as its executor, Hazelcast deserializes the
 * value there too, off its partition threads.
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
    stage.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) {
            promise.fail(classify(failure));
          } else {
            promise.complete(value);
          }
        },
        command -> context.runOnContext(v -> command.run()));
    return promise.future();
  }
}
