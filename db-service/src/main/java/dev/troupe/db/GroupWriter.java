package dev.troupe.db;

import dev.troupe.shared.contract.DocKey;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Runs one attempt of a write group as one transaction: lock the group's rows, read its idempotency
 * keys, judge it ({@link WritePlan}), write the rows each kind in one batch, commit. A failure of
 * the transaction fails the attempt as a whole; the {@link GroupCommitter} decides whether to try
 * again.
 */
interface GroupWriter extends GroupCommitter.Writer<Write<?>> {

  /**
   * Commits {@code group} and completes with its plan (each write's outcome), or fails with nothing
   * written.
   */
  @Override
  Future<WritePlan> commit(List<Write<?>> group);

  /**
   * Once more than the group has documents and idempotency keys, each of which another transaction
   * may create.
   */
  @Override
  default int attempts(List<Write<?>> group) {
    return 1 + WritePlan.keys(group).size() + WritePlan.idempotencyKeys(group).size();
  }

  /**
   * H2: the whole transaction is one task on the {@code troupe-db} worker pool, over plain JDBC,
   * instead of one worker hop per statement (what vertx-jdbc-client does). Each writer owns a
   * connection pool of one: its committer runs one group at a time.
   */
  final class Jdbc implements GroupWriter {
    private final JdbcConnectionPool connections;
    private final WorkerExecutor executor;
    private final WriteSql sql;
    private final Clock clock;

    Jdbc(JdbcConnectionPool connections, WorkerExecutor executor, WriteSql sql, Clock clock) {
      this.connections = connections;
      this.executor = executor;
      this.sql = sql;
      this.clock = clock;
    }

    @Override
    public Future<WritePlan> commit(List<Write<?>> group) {
      return executor.executeBlocking(() -> commitBlocking(group), false);
    }

    private WritePlan commitBlocking(List<Write<?>> group) throws SQLException {
      try (Connection conn = connections.getConnection()) {
        conn.setAutoCommit(false);
        try {
          List<DocKey> keys = WritePlan.keys(group);
          Map<DocKey, WritePlan.Stored> locked = lock(conn, keys);
          List<String> idempotencyKeys = WritePlan.idempotencyKeys(group);
          Map<String, WritePlan.Applied> applied =
              idempotencyKeys.isEmpty() ? Map.of() : applied(conn, idempotencyKeys);
          WritePlan plan = WritePlan.judge(group, locked, applied, Sql.now(clock));
          batch(conn, sql.insertDoc, plan.inserts());
          batch(conn, sql.updateDoc, plan.updates());
          if (!plan.changes().isEmpty()) {
            plan.number(advanceHead(conn, plan.changes().size()));
            batch(conn, sql.appendChange, plan.numberedChanges());
          }
          batch(conn, sql.insertApplied, plan.appliedRows());
          conn.commit();
          return plan;
        } catch (SQLException | RuntimeException e) {
          try {
            conn.rollback();
          } catch (SQLException rollback) {
            e.addSuppressed(rollback);
          }
          throw e;
        }
      }
    }

    /**
     * Takes {@code n} numbers from the change log's head and returns the last; the head's row lock
     * stays until this transaction ends.
     */
    private long advanceHead(Connection conn, int n) throws SQLException {
      try (PreparedStatement advance = conn.prepareStatement(sql.advanceHead)) {
        advance.setLong(1, n);
        advance.executeUpdate();
      }
      try (PreparedStatement read = conn.prepareStatement(sql.readHead);
          ResultSet rows = read.executeQuery()) {
        if (!rows.next()) {
          throw new SQLException("troupe_change_head has no row: the schema is not migrated");
        }
        return rows.getLong(1);
      }
    }

    private Map<DocKey, WritePlan.Stored> lock(Connection conn, List<DocKey> keys)
        throws SQLException {
      Map<DocKey, WritePlan.Stored> locked = new HashMap<>(keys.size() * 2);
      try (PreparedStatement statement = conn.prepareStatement(sql.lock(keys.size()))) {
        bind(statement, WriteSql.lockParams(keys));
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            locked.put(
                new DocKey(rows.getString(1), rows.getString(2)),
                new WritePlan.Stored(rows.getLong(3), rows.getBoolean(4)));
          }
        }
      }
      return locked;
    }

    private Map<String, WritePlan.Applied> applied(Connection conn, List<String> keys)
        throws SQLException {
      Map<String, WritePlan.Applied> applied = new HashMap<>();
      try (PreparedStatement statement = conn.prepareStatement(sql.applied(keys.size()))) {
        bind(statement, WriteSql.appliedParams(keys));
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            applied.put(
                rows.getString(1), new WritePlan.Applied(rows.getString(2), rows.getString(3)));
          }
        }
      }
      return applied;
    }

    private static void batch(Connection conn, String statementSql, List<List<Object>> rows)
        throws SQLException {
      if (rows.isEmpty()) {
        return;
      }
      try (PreparedStatement statement = conn.prepareStatement(statementSql)) {
        if (rows.size() == 1) {
          bind(statement, rows.get(0));
          statement.executeUpdate();
          return;
        }
        for (List<Object> row : rows) {
          bind(statement, row);
          statement.addBatch();
        }
        statement.executeBatch();
      }
    }

    private static void bind(PreparedStatement statement, List<Object> params) throws SQLException {
      for (int i = 0; i < params.size(); i++) {
        statement.setObject(i + 1, params.get(i));
      }
    }

    @Override
    public Future<Void> close() {
      // dispose() closes the idle connection; the executor only drops its reference to the shared
      // pool.
      return executor
          .executeBlocking(
              () -> {
                connections.dispose();
                return null;
              },
              false)
          .eventually(executor::close)
          .mapEmpty();
    }
  }

  /**
   * PostgreSQL (or any reactive pool): the reads are sent together, then every write batch
   * together, pipelined on the transaction's connection: BEGIN, two reads, four batches, COMMIT in
   * four round trips whatever the group size.
   */
  final class Reactive implements GroupWriter {
    private final Pool pool;
    private final WriteSql sql;
    private final Clock clock;

    Reactive(Pool pool, WriteSql sql, Clock clock) {
      this.pool = pool;
      this.sql = sql;
      this.clock = clock;
    }

    @Override
    public Future<WritePlan> commit(List<Write<?>> group) {
      List<DocKey> keys = WritePlan.keys(group);
      List<String> idempotencyKeys = WritePlan.idempotencyKeys(group);
      return pool.withTransaction(
          conn -> {
            Future<RowSet<Row>> locking =
                conn.preparedQuery(sql.lock(keys.size()))
                    .execute(Tuple.from(WriteSql.lockParams(keys)));
            Future<RowSet<Row>> reading =
                idempotencyKeys.isEmpty()
                    ? Future.succeededFuture()
                    : conn.preparedQuery(sql.applied(idempotencyKeys.size()))
                        .execute(Tuple.from(WriteSql.appliedParams(idempotencyKeys)));
            return Future.all(locking, reading)
                .compose(
                    read -> {
                      WritePlan plan =
                          WritePlan.judge(
                              group,
                              locked(locking.result()),
                              applied(reading.result()),
                              Sql.now(clock));
                      // Pipelined in this order: the head's row lock is taken after the
                      // document rows are written, and held only until the commit.
                      return Future.all(
                              batch(conn, sql.insertDoc, plan.inserts()),
                              batch(conn, sql.updateDoc, plan.updates()),
                              batch(conn, sql.insertApplied, plan.appliedRows()),
                              appendChanges(conn, plan))
                          .map(written -> plan);
                    });
          });
    }

    /** Numbers the group's change rows from the head (see {@link Jdbc}), then appends them. */
    private Future<?> appendChanges(SqlConnection conn, WritePlan plan) {
      int n = plan.changes().size();
      if (n == 0) {
        return Future.succeededFuture();
      }
      Future<RowSet<Row>> advanced = conn.preparedQuery(sql.advanceHead).execute(Tuple.of(n));
      Future<RowSet<Row>> head = conn.preparedQuery(sql.readHead).execute(Tuple.tuple());
      return Future.all(advanced, head)
          .compose(
              taken -> {
                RowSet<Row> rows = head.result();
                if (rows.size() != 1) {
                  return Future.failedFuture(
                      new IllegalStateException(
                          "troupe_change_head has no row: the schema is not migrated"));
                }
                plan.number(rows.iterator().next().getLong(0));
                return batch(conn, sql.appendChange, plan.numberedChanges());
              });
    }

    private static Map<DocKey, WritePlan.Stored> locked(RowSet<Row> rows) {
      Map<DocKey, WritePlan.Stored> locked = new HashMap<>(rows.size() * 2);
      for (Row row : rows) {
        locked.put(
            new DocKey(row.getString(0), row.getString(1)),
            new WritePlan.Stored(row.getLong(2), Boolean.TRUE.equals(row.getBoolean(3))));
      }
      return locked;
    }

    private static Map<String, WritePlan.Applied> applied(RowSet<Row> rows) {
      if (rows == null) {
        return Map.of();
      }
      Map<String, WritePlan.Applied> applied = new HashMap<>();
      for (Row row : rows) {
        applied.put(
            row.getString(0), new WritePlan.Applied(row.getString(1), Sql.text(row.getValue(2))));
      }
      return applied;
    }

    private static Future<?> batch(
        SqlConnection conn, String statementSql, List<List<Object>> rows) {
      if (rows.isEmpty()) {
        return Future.succeededFuture();
      }
      if (rows.size() == 1) {
        return conn.preparedQuery(statementSql).execute(Tuple.from(rows.get(0)));
      }
      List<Tuple> tuples = new ArrayList<>(rows.size());
      rows.forEach(row -> tuples.add(Tuple.from(row)));
      return conn.preparedQuery(statementSql).executeBatch(tuples);
    }

    /** The pool belongs to the store's owner, which closes it. */
    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }
}
