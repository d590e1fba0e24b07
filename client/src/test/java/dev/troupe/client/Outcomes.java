package dev.troupe.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.junit5.VertxTestContext;

/** Checks of a call's outcome that end a test: the client's tests share them. */
final class Outcomes {
  private Outcomes() {}

  /** A check that may fail with any throwable (an assertion). */
  @FunctionalInterface
  interface Check<T> {
    void accept(T value) throws Throwable;
  }

  /** Completes the test once the outcome is a success {@code check} accepts. */
  static <T> Handler<AsyncResult<T>> succeeds(VertxTestContext ctx, Check<T> check) {
    return ctx.succeeding(
        value ->
            ctx.verify(
                () -> {
                  check.accept(value);
                  ctx.completeNow();
                }));
  }

  /**
   * Completes the test once the outcome is a {@link TroupeException} with {@code code} that {@code
   * check} accepts.
   */
  static <T> Handler<AsyncResult<T>> failsWith(
      VertxTestContext ctx, ErrorCode code, Check<TroupeException> check) {
    return ctx.failing(
        failure ->
            ctx.verify(
                () -> {
                  check.accept(troupeFailure(failure, code));
                  ctx.completeNow();
                }));
  }

  /** {@code failure} as the {@link TroupeException} with {@code code} it must be. */
  static TroupeException troupeFailure(Throwable failure, ErrorCode code) {
    assertThat(failure).isInstanceOf(TroupeException.class);
    TroupeException e = (TroupeException) failure;
    assertThat(e.code()).as("the error code of %s", e.getMessage()).isEqualTo(code);
    return e;
  }

  /** The failure of {@code result}, which must have failed with {@code code}. */
  static TroupeException troupeFailure(AsyncResult<?> result, ErrorCode code) {
    assertThat(result.failed()).as("the call failed").isTrue();
    return troupeFailure(result.cause(), code);
  }
}
