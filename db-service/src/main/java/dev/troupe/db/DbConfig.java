package dev.troupe.db;

import dev.troupe.shared.config.Settings;
import java.nio.file.Path;

/**
 * db-service settings.
 *
 * @param dataDir where the embedded H2 database lives ({@code TROUPE_DATA_DIR}, default {@code
 *     ./data})
 * @param url the database: unset means the embedded H2 file under {@code dataDir}; a {@code
 *     postgresql://user[:password]@host:port/db} URL means PostgreSQL through the reactive client
 *     ({@code TROUPE_DB_URL})
 * @param schema PostgreSQL schema holding Troupe's tables, created if missing ({@code
 *     TROUPE_DB_SCHEMA}, default {@code public})
 * @param poolSize connections in the pool ({@code TROUPE_DB_POOL_SIZE}, default 8)
 * @param workers threads of the named {@code troupe-db} worker pool that runs H2's JDBC ({@code
 *     TROUPE_DB_WORKERS}, default 8)
 * @param instances db verticle instances ({@code TROUPE_DB_INSTANCES}, default 4)
 * @param connectTimeoutMs deadline to open a connection, and to get one from the pool, before a
 *     request fails with 503 ({@code TROUPE_DB_CONNECT_TIMEOUT_MS}, default 2000)
 * @param statementTimeoutMs the database cancels a statement running longer; the request gets 504
 *     ({@code TROUPE_DB_STATEMENT_TIMEOUT_MS}, default 4000)
 * @param maxInFlight requests db-service works on at once per node, for document reads and document
 *     writes each (two bulkheads); more are refused at once with 503 ({@code
 *     TROUPE_DB_MAX_IN_FLIGHT}, default 512)
 * @param idempotencyTtlSeconds how long an applied write's idempotency key is kept; a retry of the
 *     write with that key later than this would be applied again ({@code
 *     TROUPE_IDEMPOTENCY_TTL_SECONDS}, default 86400)
 * @param groupMaxWrites documents one group commit writes at most; writes queued beyond wait for
 *     the next group ({@code TROUPE_DB_GROUP_MAX_WRITES}, default 64; an {@code _mput} larger than
 *     this commits alone)
 * @param groupMaxWaitMs how long a group that is not full waits for more writes before it commits;
 *     0 adds no delay and groups only the writes that queued while the previous group committed
 *     ({@code TROUPE_DB_GROUP_MAX_WAIT_MS}, default 0)
 * @param groupConcurrency group commits in flight at once per node, each a transaction on its own
 *     connection, shared out over the db verticle instances (each gets at least one); 0 means the
 *     default: the pool size on PostgreSQL, whose commits overlap, and one per instance on H2,
 *     whose commits write one file in turn ({@code TROUPE_DB_GROUP_CONCURRENCY})
 * @param changesRetentionSeconds change log rows older than this are pruned; 0 keeps them whatever
 *     their age ({@code TROUPE_CHANGES_RETENTION_SECONDS}, default 604800: a week)
 * @param changesRetentionCount the change log keeps at most this many newest rows; 0 sets no bound
 *     ({@code TROUPE_CHANGES_RETENTION_COUNT}, default 0)
 * @param changesPruneIntervalSeconds how often each db-service instance prunes the change log
 *     ({@code TROUPE_CHANGES_PRUNE_INTERVAL_SECONDS}, default 60)
 */
public record DbConfig(
    Path dataDir,
    String url,
    String schema,
    int poolSize,
    int workers,
    int instances,
    int connectTimeoutMs,
    int statementTimeoutMs,
    int maxInFlight,
    long idempotencyTtlSeconds,
    int groupMaxWrites,
    long groupMaxWaitMs,
    int groupConcurrency,
    long changesRetentionSeconds,
    long changesRetentionCount,
    int changesPruneIntervalSeconds) {

  public static DbConfig from(Settings s) {
    return new DbConfig(
        Path.of(s.string("TROUPE_DATA_DIR", "./data")).toAbsolutePath().normalize(),
        s.optional("TROUPE_DB_URL"),
        s.string("TROUPE_DB_SCHEMA", "public"),
        s.integer("TROUPE_DB_POOL_SIZE", 8, 1, 512),
        s.integer("TROUPE_DB_WORKERS", 8, 1, 512),
        s.integer("TROUPE_DB_INSTANCES", 4, 1, 256),
        s.integer("TROUPE_DB_CONNECT_TIMEOUT_MS", 3_000, 1, 600_000),
        s.integer("TROUPE_DB_STATEMENT_TIMEOUT_MS", 5_000, 1, 3_600_000),
        s.integer("TROUPE_DB_MAX_IN_FLIGHT", 512, 1, 1_000_000),
        s.longValue("TROUPE_IDEMPOTENCY_TTL_SECONDS", 86_400, 60, 31_536_000),
        s.integer("TROUPE_DB_GROUP_MAX_WRITES", 64, 1, 10_000),
        s.longValue("TROUPE_DB_GROUP_MAX_WAIT_MS", 0, 0, 1_000),
        s.integer("TROUPE_DB_GROUP_CONCURRENCY", 0, 0, 512),
        s.longValue("TROUPE_CHANGES_RETENTION_SECONDS", 604_800, 0, 315_360_000),
        s.longValue("TROUPE_CHANGES_RETENTION_COUNT", 0, 0, Long.MAX_VALUE / 2),
        s.integer("TROUPE_CHANGES_PRUNE_INTERVAL_SECONDS", 60, 1, 86_400));
  }

  /** The group commits one db verticle instance keeps in flight: its share of the node's. */
  public int groupsPerInstance() {
    int node = groupConcurrency > 0 ? groupConcurrency : embedded() ? instances : poolSize;
    return Math.max(1, (node + instances - 1) / instances);
  }

  /** True when Troupe runs its own embedded H2 database. */
  public boolean embedded() {
    return url == null;
  }
}
