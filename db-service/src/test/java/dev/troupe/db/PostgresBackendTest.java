package dev.troupe.db;

import static dev.troupe.db.TestDatabase.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What only PostgreSQL has: a shared server many nodes migrate at once, and server-side statement
 * timeouts.
 */
@DisplayName("PostgreSQL backend (127.0.0.1:5432/test): migrations, timeouts, id collation")
class PostgresBackendTest extends DatabaseContract {
  private final List<TestDatabase> extra = new ArrayList<>();
  private Pool pool;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }

  @AfterEach
  void cleanUp(VertxTestContext ctx) {
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    pool = null;
    closed.onComplete(
        ctx.succeeding(
            v -> {
              extra.forEach(TestDatabase::close);
              extra.clear();
              ctx.completeNow();
            }));
  }

  /**
   * Runs {@code Migrations.migrate} on a worker thread once both racers have reached the barrier.
   */
  private static Future<MigrateResult> migrateAtOnce(
      Vertx vertx, Backend backend, CyclicBarrier start) {
    return vertx.executeBlocking(
        () -> {
          start.await(10, TimeUnit.SECONDS);
          return Migrations.migrate(backend);
        },
        false);
  }

  @Test
  @DisplayName(
      "on PostgreSQL, two migrations of a fresh schema at the same time both succeed, version 1 is applied once, a third run applies none")
  void concurrentMigrations(Vertx vertx, VertxTestContext ctx) {
    TestDatabase fresh = TestDatabase.postgres();
    extra.add(fresh);
    Backend freshBackend = fresh.backend();
    CyclicBarrier start = new CyclicBarrier(2);
    Checkpoint bothSucceeded = ctx.checkpoint();
    Checkpoint thirdIsNoop = ctx.checkpoint();
    Checkpoint history = ctx.checkpoint();

    Future<MigrateResult> first = migrateAtOnce(vertx, freshBackend, start);
    Future<MigrateResult> second = migrateAtOnce(vertx, freshBackend, start);
    Future.join(first, second)
        .compose(
            both -> {
              ctx.verify(
                  () -> {
                    assertThat(List.of(first.result(), second.result()))
                        .allSatisfy(r -> assertThat(r.success).isTrue());
                    assertThat(
                            List.of(
                                first.result().migrationsExecuted,
                                second.result().migrationsExecuted))
                        .containsExactlyInAnyOrder(0, TestDatabase.MIGRATIONS);
                    bothSucceeded.flag();
                  });
              return vertx.executeBlocking(() -> Migrations.migrate(freshBackend));
            })
        .compose(
            third -> {
              ctx.verify(
                  () -> {
                    assertThat(third.success).isTrue();
                    assertThat(third.migrationsExecuted).isZero();
                    assertThat(third.initialSchemaVersion).isEqualTo(TestDatabase.LATEST_VERSION);
                    thirdIsNoop.flag();
                  });
              pool = freshBackend.pool(vertx);
              return pool.query(
                      "SELECT version, success FROM troupe_schema_history WHERE version = '1'")
                  .execute();
            })
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          List<Boolean> successes = new ArrayList<>();
                          for (Row row : rows) {
                            successes.add(row.getBoolean("success"));
                          }
                          assertThat(successes)
                              .as("schema history rows of version 1")
                              .containsExactly(true);
                          history.flag();
                        })));
  }

  @Test
  @DisplayName(
      "on PostgreSQL, a statement running past TROUPE_DB_STATEMENT_TIMEOUT_MS (200 ms) is cancelled as TIMEOUT, and the pool keeps working")
  void statementTimeout(Vertx vertx, VertxTestContext ctx) {
    pool = db.backend(Map.of("TROUPE_DB_STATEMENT_TIMEOUT_MS", "200")).pool(vertx);
    Checkpoint timedOut = ctx.checkpoint();
    Checkpoint stillServing = ctx.checkpoint();
    failureOf(pool.query("SELECT pg_sleep(2)").execute())
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertThat(SqlErrors.sqlState(failure)).isEqualTo("57014");
                    assertThat(SqlErrors.classify(failure).code()).isEqualTo(ErrorCode.TIMEOUT);
                    timedOut.flag();
                  });
              return pool.query("SELECT 1").execute();
            })
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.iterator().next().getInteger(0)).isEqualTo(1);
                          stillServing.flag();
                        })));
  }

  @Test
  @DisplayName(
      "on PostgreSQL, the migrated id column collates by code point (COLLATE \"C\"), whatever the database's collation")
  void idColumnCollation(Vertx vertx, VertxTestContext ctx) {
    pool = backend.pool(vertx);
    pool.preparedQuery(
            "SELECT collation_name FROM information_schema.columns"
                + " WHERE table_schema = $1 AND table_name = 'troupe_documents' AND column_name = 'id'")
        .execute(Tuple.of(((TestDatabase.Postgres) db).schema))
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.size()).isEqualTo(1);
                          assertThat(rows.iterator().next().getString(0)).isEqualTo("C");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "on PostgreSQL, the pool works in the configured schema only: tables resolve there, not in public")
  void searchPathIsTheSchema(Vertx vertx, VertxTestContext ctx) {
    pool = backend.pool(vertx);
    pool.query("SELECT current_schema()")
        .execute()
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.iterator().next().getString(0))
                              .isEqualTo(((TestDatabase.Postgres) db).schema);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "on PostgreSQL, the first migration of the class's fresh schema applied every script once")
  void firstMigrationApplied(VertxTestContext ctx) {
    ctx.verify(
        () -> {
          assertThat(firstMigration.success).isTrue();
          assertThat(firstMigration.migrationsExecuted).isEqualTo(TestDatabase.MIGRATIONS);
          assertThat(firstMigration.targetSchemaVersion).isEqualTo(TestDatabase.LATEST_VERSION);
          ctx.completeNow();
        });
  }
}
