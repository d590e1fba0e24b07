package dev.troupe.db;

import dev.troupe.shared.contract.DocKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The statements of a group commit, in the database's dialect. The lock and idempotency reads take
 * an IN list padded to a power of two (repeating its last entry), so a few prepared statements
 * serve every group size.
 */
final class WriteSql {
  /**
   * Locks every row of a group in one statement. {@code ORDER BY} makes every group lock in the
   * same order (the lock is taken as each sorted row is returned), so two groups never wait on each
   * other in a cycle.
   */
  private static final String LOCK_SQL =
      "SELECT collection, id, version, deleted FROM troupe_documents WHERE (collection, id) IN (%s)"
          + " ORDER BY collection, id FOR UPDATE";

  private static final String APPLIED_SQL =
      "SELECT idem_key, request, result FROM troupe_idempotency WHERE idem_key IN (%s)";
  private static final String INSERT_DOC_SQL =
      "INSERT INTO troupe_documents (collection, id, version, updated_at, deleted, data) VALUES (?, ?, ?, ?, ?, ?)";
  private static final String UPDATE_DOC_SQL =
      "UPDATE troupe_documents SET version = ?, updated_at = ?, deleted = ?, data = ? WHERE collection = ? AND id = ?";
  private static final String APPEND_CHANGE_SQL =
      "INSERT INTO troupe_changes (seq, collection, id, version, op, changed_at) VALUES (?, ?, ?, ?, ?, ?)";

  /**
   * Takes {@code n} sequence numbers for the group's change rows. The row lock it takes is held
   * until the commit, so the next group's numbers come after this group's commit.
   */
  private static final String ADVANCE_HEAD_SQL =
      "UPDATE troupe_change_head SET seq = seq + ? WHERE id = 1";

  private static final String READ_HEAD_SQL = "SELECT seq FROM troupe_change_head WHERE id = 1";
  private static final String INSERT_APPLIED_SQL =
      "INSERT INTO troupe_idempotency (idem_key, request, result, applied_at) VALUES (?, ?, ?, ?)";

  final String insertDoc;
  final String updateDoc;
  final String appendChange;
  final String insertApplied;
  final String advanceHead;
  final String readHead;
  private final Sql.InList locks;
  private final Sql.InList applied;

  WriteSql(UnaryOperator<String> dialect) {
    Sql sql = new Sql(dialect);
    this.insertDoc = sql.statement(INSERT_DOC_SQL);
    this.updateDoc = sql.statement(UPDATE_DOC_SQL);
    this.appendChange = sql.statement(APPEND_CHANGE_SQL);
    this.insertApplied = sql.statement(INSERT_APPLIED_SQL);
    this.advanceHead = sql.statement(ADVANCE_HEAD_SQL);
    this.readHead = sql.statement(READ_HEAD_SQL);
    this.locks = sql.inList(LOCK_SQL, "(?, ?)");
    this.applied = sql.inList(APPLIED_SQL, "?");
  }

  /** The lock statement for {@code keys} (one or more): its parameters are {@link #lockParams}. */
  String lock(int keys) {
    return locks.sql(keys);
  }

  static List<Object> lockParams(List<DocKey> keys) {
    List<DocKey> padded = Sql.padded(keys);
    List<Object> params = new ArrayList<>(2 * padded.size());
    for (DocKey key : padded) {
      params.add(key.collection());
      params.add(key.id());
    }
    return params;
  }

  /**
   * The idempotency read for {@code keys} (one or more): its parameters are {@link #appliedParams}.
   */
  String applied(int keys) {
    return applied.sql(keys);
  }

  static List<Object> appliedParams(List<String> keys) {
    return new ArrayList<>(Sql.padded(keys));
  }
}
