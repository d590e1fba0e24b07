package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The database of one test class, configured the way db-service is configured ({@code TROUPE_*}
 * settings into {@link Backend#of}): an H2 file in a temporary directory, or a schema of its own
 * ({@code t_} + random hex) on the PostgreSQL server at {@value #PG_HOST}:{@value #PG_PORT}, which
 * {@link #close()} drops.
 */
abstract sealed class TestDatabase implements AutoCloseable {
  static final String PG_HOST = "127.0.0.1";
  static final int PG_PORT = 5432;
  static final String PG_DATABASE = "test";
  static final String PG_USER = "postgres";
  static final int PG_PROBE_TIMEOUT_MS = 2_000;

  /**
   * Generous, unlike the 2 s default: a cold JVM's first connection on a busy CI machine can take
   * longer, and a queue of racing writers waits for a pooled connection just as long.
   */
  static final String CONNECT_TIMEOUT_MS = "10000";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static String pgProblem;
  private static boolean pgProbed;

  private final Map<String, String> settings;

  private TestDatabase(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
  }

  /** An embedded H2 database in {@code dir}. */
  static TestDatabase h2(Path dir) {
    return new H2(dir);
  }

  /**
   * A fresh schema on the PostgreSQL server; aborts the calling test class (prints why) when the
   * server does not answer, or fails it when {@code CI=true}.
   */
  static TestDatabase postgres() {
    requirePostgres();
    return new Postgres(freshSchema());
  }

  /** Which database, for messages. */
  abstract String label();

  /** The {@code TROUPE_*} settings that select this database. */
  Map<String, String> settings() {
    return settings;
  }

  /** db-service's deployment config for this database. */
  JsonObject config() {
    return Settings.of(settings).toJson();
  }

  Backend backend() {
    return backend(Map.of());
  }

  /** The backend of this database with some settings changed (e.g. a shorter statement timeout). */
  Backend backend(Map<String, String> overrides) {
    Map<String, String> merged = new HashMap<>(settings);
    merged.putAll(overrides);
    return Backend.of(DbConfig.from(Settings.of(merged)));
  }

  /** Migrates the schema (blocking, as db-service does on a worker). */
  MigrateResult migrate() {
    return Migrations.migrate(backend());
  }

  /** Empties every table, so every test starts from an empty database. */
  Future<Void> reset(Pool pool) {
    // The jobs' other tables go with their job (ON DELETE CASCADE).
    return pool.query("DELETE FROM troupe_jobs")
        .execute()
        .compose(done -> pool.query("DELETE FROM troupe_changes").execute())
        .compose(done -> pool.query("DELETE FROM troupe_documents").execute())
        .compose(done -> pool.query("DELETE FROM troupe_idempotency").execute())
        .compose(done -> pool.query("DELETE FROM troupe_actor_state").execute())
        .compose(done -> pool.query("DELETE FROM troupe_chat_messages").execute())
        .mapEmpty();
  }

  /** How many migration scripts db-service ships, and the newest version among them. */
  static final int MIGRATIONS;

  static final String LATEST_VERSION;

  static {
    java.io.File[] scripts =
        java.nio.file.Path.of("src/main/resources/db/migration")
            .toFile()
            .listFiles((dir, name) -> name.matches("V\\d+__.*\\.sql"));
    if (scripts == null || scripts.length == 0) {
      throw new IllegalStateException("no migration scripts under src/main/resources/db/migration");
    }
    MIGRATIONS = scripts.length;
    LATEST_VERSION =
        java.util.Arrays.stream(scripts)
            .map(f -> Integer.parseInt(f.getName().substring(1, f.getName().indexOf("__"))))
            .max(Integer::compare)
            .orElseThrow()
            .toString();
  }

  /** The change log of {@code key} in commit order, each row as {@code op@version}. */
  Future<List<String>> changes(Pool pool, DocKey key) {
    return pool.preparedQuery(
            backend()
                .sql(
                    "SELECT op, version FROM troupe_changes WHERE collection = ? AND id = ? ORDER BY seq"))
        .execute(Tuple.of(key.collection(), key.id()))
        .map(
            rows -> {
              List<String> out = new ArrayList<>();
              for (Row row : rows) {
                out.add(row.getString(0) + "@" + row.getLong(1));
              }
              return out;
            });
  }

  @Override
  public abstract void close();

  // ---- H2
  // ------------------------------------------------------------------------------------------

  static final class H2 extends TestDatabase {
    private H2(Path dir) {
      super(
          Map.of(
              "TROUPE_DATA_DIR",
              dir.toString(),
              "TROUPE_DB_POOL_SIZE",
              "4",
              "TROUPE_DB_CONNECT_TIMEOUT_MS",
              CONNECT_TIMEOUT_MS));
    }

    @Override
    String label() {
      return "H2";
    }

    /** The temporary directory goes with the test class. */
    @Override
    public void close() {}
  }

  // ---- PostgreSQL
  // ----------------------------------------------------------------------------------

  static final class Postgres extends TestDatabase {
    final String schema;

    private Postgres(String schema) {
      super(
          Map.of(
              "TROUPE_DB_URL",
              pgUrl(),
              "TROUPE_DB_SCHEMA",
              schema,
              "TROUPE_DB_POOL_SIZE",
              "4",
              "TROUPE_DB_CONNECT_TIMEOUT_MS",
              CONNECT_TIMEOUT_MS));
      this.schema = schema;
    }

    @Override
    String label() {
      return "PostgreSQL at " + PG_HOST + ":" + PG_PORT + "/" + PG_DATABASE + ", schema " + schema;
    }

    @Override
    public void close() {
      dropSchema(schema);
    }
  }

  /** The {@code TROUPE_DB_URL} of the PostgreSQL server. */
  static String pgUrl() {
    return "postgresql://" + PG_USER + "@" + PG_HOST + ":" + PG_PORT + "/" + PG_DATABASE;
  }

  /** A schema name no other test (or test run) uses; nothing creates it until Flyway does. */
  static String freshSchema() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return "t_" + HexFormat.of().formatHex(bytes);
  }

  /** Drops {@code schema} and everything in it, over JDBC. */
  static void dropSchema(String schema) {
    if (!schema.matches("t_[0-9a-f]+")) {
      throw new IllegalArgumentException("not a test schema: " + schema);
    }
    try (Connection conn =
            DriverManager.getConnection(
                "jdbc:postgresql://"
                    + PG_HOST
                    + ":"
                    + PG_PORT
                    + "/"
                    + PG_DATABASE
                    + "?ApplicationName=troupe-test&connectTimeout=2",
                PG_USER,
                "");
        Statement statement = conn.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot drop test schema " + schema + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks once per JVM that the PostgreSQL server accepts a TCP connection within {@value
   * #PG_PROBE_TIMEOUT_MS} ms. If it does not: with {@code CI=true} fails, otherwise aborts (skips)
   * the caller with the reason, which it also prints.
   */
  static synchronized void requirePostgres() {
    if (!pgProbed) {
      pgProbed = true;
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(PG_HOST, PG_PORT), PG_PROBE_TIMEOUT_MS);
      } catch (IOException e) {
        pgProblem = e.toString();
      }
    }
    if (pgProblem == null) {
      return;
    }
    String reason =
        "PostgreSQL at "
            + PG_HOST
            + ":"
            + PG_PORT
            + " (database "
            + PG_DATABASE
            + ", user "
            + PG_USER
            + ") did not accept a connection within "
            + PG_PROBE_TIMEOUT_MS
            + " ms: "
            + pgProblem;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail(
          reason
              + ". CI=true, so the PostgreSQL tests fail instead of being skipped;"
              + " start the server (see .ci/run).");
    }
    System.out.println("Skipping PostgreSQL tests: " + reason);
    Assumptions.abort("Skipping PostgreSQL tests: " + reason);
  }

  // ---- assertions
  // ----------------------------------------------------------------------------------

  /** Succeeds with the failure of {@code future}, and fails if {@code future} succeeds. */
  static Future<Throwable> failureOf(Future<?> future) {
    return future.transform(
        ar ->
            ar.succeeded()
                ? Future.failedFuture(
                    new AssertionError("expected a failure, but it succeeded with " + ar.result()))
                : Future.succeededFuture(ar.cause()));
  }

  static void assertCode(Throwable failure, ErrorCode code) {
    assertThat(failure).isInstanceOf(TroupeException.class);
    assertThat(((TroupeException) failure).code()).as("error code of %s", failure).isEqualTo(code);
  }
}
