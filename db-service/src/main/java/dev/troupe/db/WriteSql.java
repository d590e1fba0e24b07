package dev.troupe.db;

import dev.troupe.shared.contract.DocKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
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
      "INSERT INTO troupe_changes (collection, id, version, op, changed_at) VALUES (?, ?, ?, ?, ?)";
  private static final String INSERT_APPLIED_SQL =
      "INSERT INTO troupe_idempotency (idem_key, request, result, applied_at) VALUES (?, ?, ?, ?)";

  final String insertDoc;
  final String updateDoc;
  final String appendChange;
  final String insertApplied;
  private final UnaryOperator<String> dialect;
  private final ConcurrentHashMap<Integer, String> locks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, String> applied = new ConcurrentHashMap<>();

  WriteSql(UnaryOperator<String> dialect) {
    this.dialect = dialect;
    this.insertDoc = dialect.apply(INSERT_DOC_SQL);
    this.updateDoc = dialect.apply(UPDATE_DOC_SQL);
    this.appendChange = dialect.apply(APPEND_CHANGE_SQL);
    this.insertApplied = dialect.apply(INSERT_APPLIED_SQL);
  }

  /** The lock statement for {@code keys} (one or more): its parameters are {@link #lockParams}. */
  String lock(int keys) {
    return locks.computeIfAbsent(
        slots(keys),
        n ->
            dialect.apply(LOCK_SQL.formatted(String.join(", ", Collections.nCopies(n, "(?, ?)")))));
  }

  static List<Object> lockParams(List<DocKey> keys) {
    int n = slots(keys.size());
    List<Object> params = new ArrayList<>(2 * n);
    for (int i = 0; i < n; i++) {
      DocKey key = keys.get(Math.min(i, keys.size() - 1));
      params.add(key.collection());
      params.add(key.id());
    }
    return params;
  }

  /**
   * The idempotency read for {@code keys} (one or more): its parameters are {@link #appliedParams}.
   */
  String applied(int keys) {
    return applied.computeIfAbsent(
        slots(keys),
        n -> dialect.apply(APPLIED_SQL.formatted(String.join(", ", Collections.nCopies(n, "?")))));
  }

  static List<Object> appliedParams(List<String> keys) {
    int n = slots(keys.size());
    List<Object> params = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      params.add(keys.get(Math.min(i, keys.size() - 1)));
    }
    return params;
  }

  /** The next power of two from {@code n}. */
  private static int slots(int n) {
    return 1 << (32 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1));
  }
}
