package dev.troupe.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with Flyway: the same versioned scripts and the same schema history
 * on every backend. Blocking: call it on a worker.
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  /**
   * Migrates {@code backend}'s database. Flyway takes a lock for the run (an advisory lock on
   * PostgreSQL), so nodes starting at once migrate one after the other, and a database already at
   * the newest version is left alone.
   */
  static MigrateResult migrate(Backend backend) {
    var flyway =
        Flyway.configure()
            .dataSource(backend.jdbcUrl(), backend.user(), backend.password())
            .locations("classpath:db/migration")
            .table("troupe_schema_history")
            .placeholders(backend.placeholders());
    if (backend instanceof Backend.Postgres) {
      flyway.schemas(backend.config.schema()).defaultSchema(backend.config.schema());
    }
    MigrateResult result = flyway.load().migrate();
    LOG.info(
        "Database schema at version {} ({} migration(s) applied now)",
        result.targetSchemaVersion == null
            ? result.initialSchemaVersion
            : result.targetSchemaVersion,
        result.migrationsExecuted);
    return result;
  }

  /**
   * Opens and closes one connection, so a wrong URL or a locked data dir fails early and clearly.
   */
  static void probe(Backend backend) throws SQLException {
    try (Connection ignored =
        DriverManager.getConnection(backend.jdbcUrl(), backend.user(), backend.password())) {
      LOG.debug("database reachable");
    }
  }
}
