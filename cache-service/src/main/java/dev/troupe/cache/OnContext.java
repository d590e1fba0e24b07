package dev.troupe.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletionStage;

/**
 * Completes a Hazelcast future on the calling verticle's context. Hazelcast's async variants would
 * otherwise run completions on the common ForkJoin pool, which on a 2-CPU machine is a new thread per
 * task; {@code whenComplete} runs on the thread that completes the future and hops straight back.
 */
final class OnContext {
  private OnContext() {}

  static <T> Future<T> of(CompletionStage<T> stage, Context context) {
    Promise<T> promise = Promise.promise();
    stage.whenComplete((value, failure) -> context.runOnContext(v -> {
      if (failure != null) {
        promise.fail(failure);
      } else {
        promise.complete(value);
      }
    }));
    return promise.future();
  }
}
