package dev.troupe.testkit;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A schema of its own, with a random name, in the PostgreSQL test server at {@code 127.0.0.1:5432}
 * (database {@code test}, user {@code postgres}, trust auth) for one test class.
 *
 * <p>Register it on a static field with a lower {@code @Order} than the {@link
 * TroupeClusterExtension} (and anything else the cluster needs, such as a {@link TcpProxy}): as a
 * condition it runs before any {@code beforeAll}, so when no server accepts a connection the class
 * is skipped with a printed reason (or fails when {@code CI=true}) before a cluster tries to
 * migrate; its {@code afterAll} runs after the cluster's (extensions close in reverse order), and
 * drops the schema once no Troupe connection uses it.
 */
final class PostgresSchema implements ExecutionCondition, AfterAllCallback {
  static final String HOST = "127.0.0.1";
  static final int PORT = 5432;
  static final String DATABASE = "test";
  static final String USER = "postgres";
  private static final int PROBE_TIMEOUT_MS = 2_000;

  private final String schema;
  private volatile Boolean reachable;
  private volatile boolean toldSkipped;

  PostgresSchema() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    this.schema = "t_" + HexFormat.of().formatHex(random);
  }

  /** The schema name: lower case, safe to put unquoted in SQL. */
  String schema() {
    return schema;
  }

  /** {@code TROUPE_DB_URL} for the server itself. */
  String url() {
    return url(PORT);
  }

  /** {@code TROUPE_DB_URL} for the server reached through {@code port} on loopback (a proxy). */
  static String url(int port) {
    return "postgresql://" + USER + "@" + HOST + ":" + port + "/" + DATABASE;
  }

  /**
   * A small pool straight to the server (never through a proxy), for checking what the database
   * holds.
   */
  Pool directPool(Vertx vertx) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(2))
        .connectingTo(
            new PgConnectOptions()
                .setHost(HOST)
                .setPort(PORT)
                .setDatabase(DATABASE)
                .setUser(USER)
                .addProperty("application_name", "troupe-test"))
        .using(vertx)
        .build();
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (reachable()) {
      return ConditionEvaluationResult.enabled("PostgreSQL answers at " + HOST + ":" + PORT);
    }
    String reason =
        "no PostgreSQL accepts a connection at "
            + HOST
            + ":"
            + PORT
            + " within "
            + PROBE_TIMEOUT_MS
            + " ms";
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          reason + ", and CI=true: tests that need PostgreSQL must run in CI");
    }
    if (!toldSkipped) {
      toldSkipped = true;
      System.out.println("SKIPPED " + context.getDisplayName() + ": " + reason);
    }
    return ConditionEvaluationResult.disabled(reason);
  }

  @Override
  public void afterAll(ExtensionContext context) throws SQLException {
    if (!reachable()) {
      return;
    }
    String jdbc =
        "jdbc:postgresql://"
            + HOST
            + ":"
            + PORT
            + "/"
            + DATABASE
            + "?connectTimeout=5&socketTimeout=30";
    try (Connection conn = DriverManager.getConnection(jdbc, USER, "");
        Statement statement = conn.createStatement()) {
      statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private boolean reachable() {
    if (reachable == null) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(HOST, PORT), PROBE_TIMEOUT_MS);
        reachable = true;
      } catch (IOException e) {
        reachable = false;
      }
    }
    return reachable;
  }
}
