package dev.troupe.db;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.NetClientOptions;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * The database behind db-service, chosen by {@code TROUPE_DB_URL}: the embedded H2 file (JDBC, so
 * its verticles run on the named worker pool) or PostgreSQL through the reactive {@code
 * vertx-pg-client} (no JDBC on the request path; JDBC only for Flyway at start). Both are one
 * {@link Pool} to the {@link DocumentStore}, which writes its SQL once with {@code ?} placeholders,
 * and a {@link GroupWriter} for its group commits: plain JDBC in one worker task per group on H2,
 * the pipelined reactive pool on PostgreSQL.
 */
abstract sealed class Backend {
  static final String POOL_NAME = "troupe-db";

  final DbConfig config;

  private Backend(DbConfig config) {
    this.config = config;
  }

  static Backend of(DbConfig config) {
    if (config.embedded()) {
      return new H2(config);
    }
    String url = config.url();
    if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
      return new Postgres(config);
    }
    throw new IllegalArgumentException(
        "TROUPE_DB_URL must be a postgresql://user@host:port/db URL, or unset"
            + " for the embedded H2 database; got a URL starting with '"
            + url.split(":", 2)[0]
            + ":'");
  }

  /**
   * A write waiting this long for another write's row lock gives up with a retryable 503, well
   * before the statement timeout would turn it into a 504.
   */
  long lockTimeoutMs() {
    return Math.max(1, config.statementTimeoutMs() / 2);
  }

  /** True when the driver blocks (JDBC): the db verticles then run on the named worker pool. */
  abstract boolean blocking();

  /** The pool db verticles share (named, so every instance of a node uses the same connections). */
  abstract Pool pool(Vertx vertx);

  /**
   * What commits the write groups of one {@link GroupCommitter}, over {@code pool} where the
   * backend writes through it. Close it (and then the pool) when the committer is closed.
   */
  abstract GroupWriter groupWriter(Vertx vertx, Pool pool, Clock clock);

  /** Where Flyway migrates (JDBC), and as whom. */
  abstract String jdbcUrl();

  abstract String user();

  abstract String password();

  /** The SQL of this database for a statement written with {@code ?} placeholders. */
  abstract String sql(String statement);

  /** Flyway placeholders, so one set of migration scripts serves every backend. */
  abstract Map<String, String> placeholders();

  /** For logs: never the password. */
  abstract String describe();

  /**
   * The verticle instances of one db-service share a pool by name; the name carries the database
   * and schema so two differently configured services on one Vert.x never share connections.
   */
  PoolOptions poolOptions() {
    return new PoolOptions()
        .setMaxSize(config.poolSize())
        .setShared(true)
        .setName(
            POOL_NAME
                + "-"
                + Integer.toHexString(
                    Objects.hash(config.url(), config.schema(), config.dataDir())))
        .setConnectionTimeout(config.connectTimeoutMs())
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  static final class H2 extends Backend {
    H2(DbConfig config) {
      super(config);
    }

    @Override
    boolean blocking() {
      return true;
    }

    @Override
    Pool pool(Vertx vertx) {
      return JDBCPool.pool(
          vertx,
          new JDBCConnectOptions().setJdbcUrl(jdbcUrl()).setUser(user()).setPassword(password()),
          poolOptions());
    }

    /**
     * One plain JDBC connection, used by one committer for one group at a time, on the same {@code
     * troupe-db} threads as the worker verticles: the whole group's transaction is one task there,
     * where vertx-jdbc-client would make every statement a task of its own.
     */
    @Override
    GroupWriter groupWriter(Vertx vertx, Pool pool, Clock clock) {
      JdbcConnectionPool connections = JdbcConnectionPool.create(jdbcUrl(), user(), password());
      connections.setMaxConnections(config.groupsPerInstance());
      connections.setLoginTimeout(Math.max(1, config.connectTimeoutMs() / 1000));
      WorkerExecutor executor = vertx.createSharedWorkerExecutor(POOL_NAME, config.workers());
      return new GroupWriter.Jdbc(connections, executor, new WriteSql(this::sql), clock);
    }

    /**
     * {@code WRITE_DELAY=0} writes every commit to the file before the commit returns, so an
     * acknowledged write survives {@code kill -9}; Troupe closes the database itself after the last
     * request, hence {@code DB_CLOSE_ON_EXIT=FALSE}.
     */
    @Override
    String jdbcUrl() {
      return "jdbc:h2:file:"
          + config.dataDir().resolve("troupe").toString().replace('\\', '/')
          + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_TIMEOUT="
          + config.statementTimeoutMs()
          + ";LOCK_TIMEOUT="
          + lockTimeoutMs();
    }

    @Override
    String user() {
      return "sa";
    }

    @Override
    String password() {
      return "";
    }

    @Override
    String sql(String statement) {
      return statement;
    }

    @Override
    Map<String, String> placeholders() {
      return Map.of("id_collation", "");
    }

    @Override
    String describe() {
      return "embedded H2 database in " + config.dataDir();
    }
  }

  static final class Postgres extends Backend {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\?");
    private final PgConnectOptions connect;

    Postgres(DbConfig config) {
      super(config);
      String uri =
          config.url().startsWith("postgres://")
              ? "postgresql://" + config.url().substring("postgres://".length())
              : config.url();
      try {
        connect = PgConnectOptions.fromUri(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "TROUPE_DB_URL is not a valid postgresql:// URL: " + e.getMessage(), e);
      }
      connect
          .setCachePreparedStatements(true)
          .setPipeliningLimit(256)
          .addProperty("application_name", "troupe")
          .addProperty("statement_timeout", String.valueOf(config.statementTimeoutMs()))
          .addProperty("lock_timeout", String.valueOf(lockTimeoutMs()))
          .addProperty("search_path", config.schema());
    }

    @Override
    boolean blocking() {
      return false;
    }

    @Override
    Pool pool(Vertx vertx) {
      return PgBuilder.pool()
          .with(poolOptions())
          .with(new NetClientOptions().setConnectTimeout(config.connectTimeoutMs()))
          .connectingTo(connect)
          .using(vertx)
          .build();
    }

    /** The reactive pool pipelines each group's statements on one connection. */
    @Override
    GroupWriter groupWriter(Vertx vertx, Pool pool, Clock clock) {
      return new GroupWriter.Reactive(pool, new WriteSql(this::sql), clock);
    }

    @Override
    String jdbcUrl() {
      return "jdbc:postgresql://"
          + connect.getHost()
          + ":"
          + connect.getPort()
          + "/"
          + connect.getDatabase()
          + "?ApplicationName=troupe-migrate&connectTimeout="
          + Math.max(1, config.connectTimeoutMs() / 1000);
    }

    @Override
    String user() {
      return connect.getUser();
    }

    @Override
    String password() {
      return connect.getPassword() == null ? "" : connect.getPassword();
    }

    /** PostgreSQL numbers its parameters; Troupe's statements have no {@code ?} in literals. */
    @Override
    String sql(String statement) {
      StringBuilder out = new StringBuilder(statement.length() + 8);
      var m = PLACEHOLDER.matcher(statement);
      int n = 0;
      while (m.find()) {
        m.appendReplacement(out, "\\$" + (++n));
      }
      m.appendTail(out);
      return out.toString();
    }

    /** Ids sort by code point, as on H2, so keyset pages are the same on both databases. */
    @Override
    Map<String, String> placeholders() {
      return Map.of("id_collation", "COLLATE \"C\"");
    }

    @Override
    String describe() {
      return "PostgreSQL at "
          + connect.getHost()
          + ":"
          + connect.getPort()
          + "/"
          + connect.getDatabase()
          + " as "
          + connect.getUser()
          + ", schema "
          + config.schema();
    }
  }
}
