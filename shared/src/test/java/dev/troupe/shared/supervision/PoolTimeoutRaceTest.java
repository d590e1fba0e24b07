package dev.troupe.shared.supervision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which uncaught exceptions a supervisor leaves alone: only the SQL pool's known timeout race. */
class PoolTimeoutRaceTest {

  private static IllegalStateException thrownAt(String message, String className) {
    IllegalStateException e = new IllegalStateException(message);
    e.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement("io.vertx.core.Promise", "fail", "Promise.java", 110),
          new StackTraceElement(className, "lambda$onEnqueue$1", "SqlConnectionPool.java", 305),
          new StackTraceElement(
              "io.vertx.core.impl.VertxImpl$InternalTimerHandler", "handle", "VertxImpl.java", 1023)
        });
    return e;
  }

  @Test
  @DisplayName("'Promise already completed' thrown from the SQL connection pool is the known race")
  void theRace() {
    assertThat(
            Supervision.isPoolTimeoutRace(
                thrownAt(
                    "Promise already completed",
                    "io.vertx.sqlclient.impl.pool.SqlConnectionPool$1PoolRequest")))
        .isTrue();
  }

  @Test
  @DisplayName(
      "the same message from anywhere else, or anything else from the pool, is still a crash")
  void everythingElse() {
    assertThat(
            Supervision.isPoolTimeoutRace(
                thrownAt("Promise already completed", "dev.troupe.db.DbVerticle")))
        .isFalse();
    assertThat(
            Supervision.isPoolTimeoutRace(
                thrownAt(
                    "pool closed", "io.vertx.sqlclient.impl.pool.SqlConnectionPool$1PoolRequest")))
        .isFalse();
    assertThat(
            Supervision.isPoolTimeoutRace(
                new IllegalArgumentException("Promise already completed")))
        .isFalse();
  }
}
