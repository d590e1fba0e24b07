package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.output.MigrateResult;

/** An H2 file database in a test's temporary directory, migrated the way db-service migrates it. */
final class TestDatabase {
  static final String USER = "sa";
  static final String PASSWORD = "";

  private TestDatabase() {}

  static String url(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("troupe").toString().replace('\\', '/')
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }

  /** Runs the migrations on a worker thread, since Flyway blocks. */
  static Future<MigrateResult> migrate(Vertx vertx, String url) {
    return vertx.executeBlocking(() -> Migrations.migrate(url, USER, PASSWORD));
  }

  static Pool pool(Vertx vertx, String url) {
    return JDBCPool.pool(vertx,
        new JDBCConnectOptions().setJdbcUrl(url).setUser(USER).setPassword(PASSWORD),
        new PoolOptions().setMaxSize(4));
  }

  /** The change log of {@code key} in commit order, each row as {@code op@version}. */
  static Future<List<String>> changes(Pool pool, DocKey key) {
    return pool.preparedQuery("SELECT op, version FROM troupe_changes WHERE collection = ? AND id = ? ORDER BY seq")
        .execute(Tuple.of(key.collection(), key.id()))
        .map(rows -> {
          List<String> out = new ArrayList<>();
          for (Row row : rows) {
            out.add(row.getString(0) + "@" + row.getLong(1));
          }
          return out;
        });
  }

  /** Succeeds with the failure of {@code future}, and fails if {@code future} succeeds. */
  static Future<Throwable> failureOf(Future<?> future) {
    return future.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("expected a failure, but it succeeded with " + ar.result()))
        : Future.succeededFuture(ar.cause()));
  }

  static void assertCode(Throwable failure, ErrorCode code) {
    assertThat(failure).isInstanceOf(TroupeException.class);
    assertThat(((TroupeException) failure).code()).as("error code of %s", failure).isEqualTo(code);
  }
}
