package dev.troupe.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with Flyway: the same versioned scripts and the same schema history on
 * every backend. Blocking: call it on a worker.
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static MigrateResult migrate(String jdbcUrl, String user, String password) {
    MigrateResult result = Flyway.configure()
        .dataSource(jdbcUrl, user, password)
        .locations("classpath:db/migration")
        .table("troupe_schema_history")
        .load()
        .migrate();
    LOG.info("Database schema at version {} ({} migration(s) applied now)",
        result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
        result.migrationsExecuted);
    return result;
  }

  /** Opens and closes one connection, so a wrong URL or a locked data dir fails early and clearly. */
  static void probe(String jdbcUrl, String user, String password) throws SQLException {
    try (Connection ignored = DriverManager.getConnection(jdbcUrl, user, password)) {
      LOG.debug("database reachable");
    }
  }
}
