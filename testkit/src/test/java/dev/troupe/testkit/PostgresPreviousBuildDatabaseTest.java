package dev.troupe.testkit;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Upgrade from the previous build's PostgreSQL schema")
class PostgresPreviousBuildDatabaseTest extends PreviousBuildDatabaseContract {
  /** The schema name in the dump; the copy gets the test's own. */
  private static final String DUMPED_SCHEMA = "troupe_prev";

  @RegisterExtension static final PostgresSchema PG = new PostgresSchema();

  @TempDir Path dir;

  @Override
  Path dataRoot() {
    return dir;
  }

  /** Restores the previous build's schema (pg_dump output) under this test's schema name. */
  @Override
  TroupeCluster.Builder prepared(Path dataRoot) throws Exception {
    String dump;
    try (InputStream in = getClass().getResourceAsStream("/previous-build/postgres.sql")) {
      dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String jdbc =
        "jdbc:postgresql://"
            + PostgresSchema.HOST
            + ":"
            + PostgresSchema.PORT
            + "/"
            + PostgresSchema.DATABASE
            + "?connectTimeout=5&socketTimeout=60";
    try (Connection conn = DriverManager.getConnection(jdbc, PostgresSchema.USER, "");
        Statement statement = conn.createStatement()) {
      statement.execute(dump.replace(DUMPED_SCHEMA, PG.schema()));
    }
    return TroupeCluster.builder()
        .dataRoot(dataRoot)
        .setting("TROUPE_DB_URL", PG.url())
        .setting("TROUPE_DB_SCHEMA", PG.schema());
  }
}
