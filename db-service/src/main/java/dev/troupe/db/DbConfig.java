package dev.troupe.db;

import dev.troupe.shared.config.Settings;
import java.nio.file.Path;

/**
 * db-service settings.
 *
 * @param dataDir where the embedded H2 database lives ({@code TROUPE_DATA_DIR}, default {@code ./data})
 * @param url the database; unset means the embedded H2 file under {@code dataDir} ({@code TROUPE_DB_URL})
 * @param poolSize connections in the pool ({@code TROUPE_DB_POOL_SIZE}, default 8)
 * @param workers threads of the named {@code troupe-db} worker pool that runs JDBC ({@code TROUPE_DB_WORKERS}, default 8)
 * @param instances db verticle instances, i.e. JDBC calls in flight at once ({@code TROUPE_DB_INSTANCES}, default 4)
 */
public record DbConfig(Path dataDir, String url, int poolSize, int workers, int instances) {

  public static DbConfig from(Settings s) {
    return new DbConfig(
        Path.of(s.string("TROUPE_DATA_DIR", "./data")).toAbsolutePath().normalize(),
        s.optional("TROUPE_DB_URL"),
        s.integer("TROUPE_DB_POOL_SIZE", 8, 1, 512),
        s.integer("TROUPE_DB_WORKERS", 8, 1, 512),
        s.integer("TROUPE_DB_INSTANCES", 4, 1, 256));
  }

  /** True when Troupe runs its own embedded H2 database. */
  public boolean embedded() {
    return url == null;
  }

  /**
   * The embedded database's JDBC URL. {@code WRITE_DELAY=0} writes every commit to the file before
   * the commit returns, so an acknowledged write survives {@code kill -9}; Troupe closes the database
   * itself on shutdown, after the last request, hence {@code DB_CLOSE_ON_EXIT=FALSE}.
   */
  public String h2Url() {
    return "jdbc:h2:file:" + dataDir.resolve("troupe").toString().replace('\\', '/')
        + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
  }
}
