package dev.troupe.db;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.contract.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.Reader;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The documents table. Every statement is parameterised. A write reads the row {@code FOR UPDATE},
 * checks the precondition against it and writes in the same transaction, so concurrent conditional
 * writers on one document serialise in the database and exactly one of them wins a given version.
 */
final class DocumentStore {
  static final String OP_PUT = "put";
  static final String OP_DELETE = "delete";

  private static final String SELECT_DOC_SQL =
      "SELECT version, updated_at, deleted, data FROM troupe_documents WHERE collection = ? AND id = ?";
  private static final String LOCK_DOC_SQL =
      "SELECT version, deleted FROM troupe_documents WHERE collection = ? AND id = ? FOR UPDATE";
  private static final String INSERT_DOC_SQL =
      "INSERT INTO troupe_documents (collection, id, version, updated_at, deleted, data) VALUES (?, ?, ?, ?, FALSE, ?)";
  private static final String UPDATE_DOC_SQL =
      "UPDATE troupe_documents SET version = ?, updated_at = ?, deleted = FALSE, data = ? WHERE collection = ? AND id = ?";
  private static final String TOMBSTONE_DOC_SQL =
      "UPDATE troupe_documents SET version = ?, updated_at = ?, deleted = TRUE, data = NULL WHERE collection = ? AND id = ?";
  private static final String LIST_DOCS_SQL =
      "SELECT id, version, updated_at, data FROM troupe_documents"
          + " WHERE collection = ? AND id > ? AND deleted = FALSE ORDER BY id LIMIT ?";
  private static final String SELECT_MANY_SQL =
      "SELECT id, version, updated_at, deleted, data FROM troupe_documents WHERE (collection, id) IN (%s)";
  private static final String LOCK_MANY_SQL =
      "SELECT id, version, deleted FROM troupe_documents WHERE (collection, id) IN (%s) FOR UPDATE";
  private static final String CHANGES_SQL =
      "SELECT seq, collection, id, version, op, changed_at FROM troupe_changes WHERE seq > ? ORDER BY seq LIMIT ?";
  private static final String APPEND_CHANGE_SQL =
      "INSERT INTO troupe_changes (collection, id, version, op, changed_at) VALUES (?, ?, ?, ?, ?)";

  private static final String SELECT_APPLIED_SQL =
      "SELECT request, result FROM troupe_idempotency WHERE idem_key = ?";
  private static final String INSERT_APPLIED_SQL =
      "INSERT INTO troupe_idempotency (idem_key, request, result, applied_at) VALUES (?, ?, ?, ?)";
  private static final String EXPIRE_APPLIED_SQL =
      "DELETE FROM troupe_idempotency WHERE applied_at < ?";

  private final Pool pool;
  private final Clock clock;
  private final String selectApplied;
  private final String insertApplied;
  private final String expireApplied;
  private final String selectDoc;
  private final String lockDoc;
  private final String insertDoc;
  private final String updateDoc;
  private final String tombstoneDoc;
  private final String listDocs;
  private final String appendChange;
  private final String changes;
  /** Batch statements by size class: index k holds an IN list of 2^k keys (few shapes to prepare). */
  private final String[] selectMany;
  private final String[] lockMany;

  /** A store over {@code pool}; {@code dialect} turns the {@code ?} statements into the database's SQL. */
  DocumentStore(Pool pool, UnaryOperator<String> dialect, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.selectDoc = dialect.apply(SELECT_DOC_SQL);
    this.lockDoc = dialect.apply(LOCK_DOC_SQL);
    this.insertDoc = dialect.apply(INSERT_DOC_SQL);
    this.updateDoc = dialect.apply(UPDATE_DOC_SQL);
    this.tombstoneDoc = dialect.apply(TOMBSTONE_DOC_SQL);
    this.listDocs = dialect.apply(LIST_DOCS_SQL);
    this.appendChange = dialect.apply(APPEND_CHANGE_SQL);
    this.changes = dialect.apply(CHANGES_SQL);
    this.selectApplied = dialect.apply(SELECT_APPLIED_SQL);
    this.insertApplied = dialect.apply(INSERT_APPLIED_SQL);
    this.expireApplied = dialect.apply(EXPIRE_APPLIED_SQL);
    int classes = sizeClass(Math.max(KeyBatch.MAX_IDS, PutMany.MAX_ITEMS)) + 1;
    this.selectMany = new String[classes];
    this.lockMany = new String[classes];
    for (int k = 0; k < classes; k++) {
      // Row values: H2 walks the primary key for (collection, id) IN ((?, ?), ...), while for
      // collection = ? AND id IN (...) it scans the whole collection and tests every row.
      String in = String.join(", ", Collections.nCopies(1 << k, "(?, ?)"));
      selectMany[k] = dialect.apply(SELECT_MANY_SQL.formatted(in));
      lockMany[k] = dialect.apply(LOCK_MANY_SQL.formatted(in));
    }
  }

  Future<Lookup> get(DocKey key) {
    return pool.preparedQuery(selectDoc).execute(Tuple.of(key.collection(), key.id()))
        .map(rows -> {
          Row row = first(rows);
          return row == null ? Lookup.absent(key, 0)
              : lookup(key, row.getLong(0), row.getValue(1), row.getBoolean(2), row.getValue(3));
        })
        .recover(DocumentStore::failed);
  }

  /**
   * One lookup per id of {@code batch}, in its order, read by one query. The IN list is padded to a
   * power of two by repeating the last id, so a few prepared statements serve every batch size.
   */
  Future<LookupBatch> getMany(KeyBatch batch) {
    List<String> ids = batch.ids();
    return pool.preparedQuery(selectMany[sizeClass(ids.size())]).execute(inList(batch.collection(), ids))
        .map(rows -> {
          Map<String, Lookup> byId = new HashMap<>(rows.size() * 2);
          for (Row row : rows) {
            DocKey key = new DocKey(batch.collection(), row.getString(0));
            byId.put(key.id(), lookup(key, row.getLong(1), row.getValue(2), row.getBoolean(3), row.getValue(4)));
          }
          List<Lookup> items = new ArrayList<>(ids.size());
          for (int i = 0; i < ids.size(); i++) {
            Lookup found = byId.get(ids.get(i));
            items.add(found != null ? found : Lookup.absent(batch.key(i), 0));
          }
          return new LookupBatch(items);
        })
        .recover(DocumentStore::failed);
  }

  /**
   * Every write of {@code batch} in one transaction, in order, each judged against its own
   * precondition; the first that fails rolls back all of them and names its item.
   */
  Future<PutManyResult> putMany(PutMany batch) {
    Once<PutManyResult> once = new Once<>(batch.idempotencyKey(), "putMany " + batch.collection(),
        Wire::toJson, Wire::putManyResult);
    return attemptPutMany(batch, once)
        .recover(e -> SqlErrors.isUniqueViolation(e) ? attemptPutMany(batch, once) : Future.failedFuture(e))
        .recover(DocumentStore::failed);
  }

  private Future<PutManyResult> attemptPutMany(PutMany batch, Once<PutManyResult> once) {
    return pool.withTransaction(conn -> once.apply(conn, () -> writeMany(conn, batch)));
  }

  /**
   * Four statements whatever the batch size: lock every row of the batch, judge each precondition,
   * then insert the new rows, update the others and append the change rows, each as one batch.
   */
  private Future<PutManyResult> writeMany(SqlConnection conn, PutMany batch) {
    List<String> ids = batch.items().stream().map(PutMany.Item::id).toList();
    return conn.preparedQuery(lockMany[sizeClass(ids.size())])
        .execute(inList(batch.collection(), ids))
        .compose(rows -> {
          Map<String, Row> locked = new HashMap<>(rows.size() * 2);
          rows.forEach(row -> locked.put(row.getString(0), row));
          Instant now = now();
          OffsetDateTime at = timestamp(now);
          List<PutResult> results = new ArrayList<>(ids.size());
          List<Tuple> inserts = new ArrayList<>();
          List<Tuple> updates = new ArrayList<>();
          List<Tuple> changeRows = new ArrayList<>(ids.size());
          for (int i = 0; i < ids.size(); i++) {
            PutDoc put = batch.put(i);
            Row row = locked.get(put.key().id());
            long stored = row == null ? 0 : row.getLong(1);
            boolean live = row != null && !Boolean.TRUE.equals(row.getBoolean(2));
            try {
              put.precondition().check(put.key(), live ? stored : 0);
            } catch (TroupeException e) {
              throw new TroupeException(e.code(), "item " + i + ": " + e.getMessage());
            }
            long next = stored + 1;
            String data = put.data().encode();
            if (row == null) {
              inserts.add(Tuple.of(batch.collection(), put.key().id(), next, at, data));
            } else {
              updates.add(Tuple.of(next, at, data, batch.collection(), put.key().id()));
            }
            changeRows.add(Tuple.of(batch.collection(), put.key().id(), next, OP_PUT, at));
            results.add(new PutResult(new Document(put.key(), next, now, put.data()), !live));
          }
          return executeBatch(conn, insertDoc, inserts)
              .compose(done -> executeBatch(conn, updateDoc, updates))
              .compose(done -> executeBatch(conn, appendChange, changeRows))
              .map(done -> new PutManyResult(results));
        });
  }

  private static Future<?> executeBatch(SqlConnection conn, String sql, List<Tuple> rows) {
    return rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(sql).executeBatch(rows);
  }

  /** The size class of a batch of {@code n} ids: its IN list holds 2^k (collection, id) pairs. */
  private static int sizeClass(int n) {
    return 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  /** (collection, id) pairs of the ids, padded to their size class by repeating the last. */
  private static Tuple inList(String collection, List<String> ids) {
    int slots = 1 << sizeClass(ids.size());
    List<Object> params = new ArrayList<>(2 * slots);
    for (int i = 0; i < slots; i++) {
      params.add(collection);
      params.add(ids.get(Math.min(i, ids.size() - 1)));
    }
    return Tuple.tuple(params);
  }

  Future<PutResult> put(PutDoc put) {
    Once<PutResult> once = new Once<>(put.idempotencyKey(), "put " + put.key(), Wire::toJson, Wire::putResult);
    return attemptPut(put, once)
        // Two creators of one new key both find no row to lock; the loser's INSERT hits the primary
        // key. Retried, it now finds (and locks) the winner's row and is judged against it. The same
        // goes for two attempts of one write racing with one idempotency key: the second finds the
        // first's key and answers its result.
        .recover(e -> SqlErrors.isUniqueViolation(e) ? attemptPut(put, once) : Future.failedFuture(e))
        .recover(DocumentStore::failed);
  }

  private Future<PutResult> attemptPut(PutDoc put, Once<PutResult> once) {
    return pool.withTransaction(conn -> once.apply(conn, () -> write(conn, put)));
  }

  /** Locks the row, checks the precondition and writes, inside the caller's transaction. */
  private Future<PutResult> write(SqlConnection conn, PutDoc put) {
    DocKey key = put.key();
    return lock(conn, key).compose(row -> {
      long stored = row == null ? 0 : row.getLong(0);
      boolean live = row != null && !Boolean.TRUE.equals(row.getBoolean(1));
      put.precondition().check(key, live ? stored : 0);
      long next = stored + 1;
      Instant now = now();
      String data = put.data().encode();
      Future<RowSet<Row>> write = row == null
          ? conn.preparedQuery(insertDoc).execute(Tuple.of(key.collection(), key.id(), next, timestamp(now), data))
          : conn.preparedQuery(updateDoc).execute(Tuple.of(next, timestamp(now), data, key.collection(), key.id()));
      return write
          .compose(done -> appendChange(conn, key, next, OP_PUT, now))
          .map(done -> new PutResult(new Document(key, next, now, put.data()), !live));
    });
  }

  Future<DeleteResult> delete(DeleteDoc delete) {
    Once<DeleteResult> once = new Once<>(delete.idempotencyKey(), "delete " + delete.key(), Wire::toJson,
        Wire::deleteResult);
    return attemptDelete(delete, once)
        .recover(e -> SqlErrors.isUniqueViolation(e) ? attemptDelete(delete, once) : Future.failedFuture(e))
        .recover(DocumentStore::failed);
  }

  private Future<DeleteResult> attemptDelete(DeleteDoc delete, Once<DeleteResult> once) {
    return pool.withTransaction(conn -> once.apply(conn, () -> tombstone(conn, delete)));
  }

  private Future<DeleteResult> tombstone(SqlConnection conn, DeleteDoc delete) {
    DocKey key = delete.key();
    return lock(conn, key).compose(row -> {
      long stored = row == null ? 0 : row.getLong(0);
      boolean live = row != null && !Boolean.TRUE.equals(row.getBoolean(1));
      if (!delete.precondition().isNone()) {
        delete.precondition().check(key, live ? stored : 0);
      }
      if (!live) {
        throw TroupeException.notFound(key + " does not exist");
      }
      long next = stored + 1;
      Instant now = now();
      return conn.preparedQuery(tombstoneDoc).execute(Tuple.of(next, timestamp(now), key.collection(), key.id()))
          .compose(done -> appendChange(conn, key, next, OP_DELETE, now))
          .map(done -> new DeleteResult(key, next));
    });
  }

  /**
   * Deletes the idempotency keys applied before {@code before}; completes with how many. A write
   * retried with such a key afterwards would be applied again, so the TTL must outlast every retry.
   */
  Future<Integer> expireIdempotencyKeys(Instant before) {
    // In a transaction of its own: the JDBC pool (H2) leaves auto-commit off on a connection a
    // transaction used, where a bare DELETE could stay uncommitted, holding its row locks.
    return pool.withTransaction(conn -> conn.preparedQuery(expireApplied).execute(Tuple.of(timestamp(before))))
        .map(RowSet::rowCount)
        .recover(DocumentStore::failed);
  }

  /**
   * Applies a write at most once per idempotency key, inside the write's transaction: a key already
   * applied answers the stored result and writes nothing; otherwise the write runs and its result is
   * stored under the key, committing with it. A write that fails stores nothing (it changed nothing),
   * so sending it again judges it afresh. Without a key, the write just runs.
   */
  private final class Once<T> {
    private final String key;
    private final String request;
    private final Function<T, JsonObject> encode;
    private final Function<JsonObject, T> decode;

    Once(String key, String request, Function<T, JsonObject> encode, Function<JsonObject, T> decode) {
      this.key = key;
      this.request = request;
      this.encode = encode;
      this.decode = decode;
    }

    Future<T> apply(SqlConnection conn, Supplier<Future<T>> write) {
      if (key == null) {
        return write.get();
      }
      return conn.preparedQuery(selectApplied).execute(Tuple.of(key)).map(DocumentStore::first).compose(row -> {
        if (row != null) {
          if (!request.equals(row.getString(0))) {
            throw new TroupeException(ErrorCode.CONFLICT, "idempotency key " + key + " was used for another request ("
                + row.getString(0) + "); use a new key for a new request");
          }
          return Future.succeededFuture(decode.apply(json(row.getValue(1))));
        }
        return write.get().compose(result -> conn.preparedQuery(insertApplied)
            .execute(Tuple.of(key, request, encode.apply(result).encode(), timestamp(now())))
            .map(result));
      });
    }
  }

  Future<DocPage> list(ListDocs list) {
    String after = list.after() == null ? "" : list.after();
    return pool.preparedQuery(listDocs).execute(Tuple.of(list.collection(), after, list.limit() + 1))
        .map(rows -> {
          List<Document> items = new ArrayList<>(Math.min(rows.size(), list.limit()));
          boolean more = false;
          for (Row row : rows) {
            if (items.size() == list.limit()) {
              more = true;
              break;
            }
            DocKey key = new DocKey(list.collection(), row.getString(0));
            items.add(new Document(key, row.getLong(1), instant(row.getValue(2)), json(row.getValue(3))));
          }
          return new DocPage(items, more ? items.get(items.size() - 1).key().id() : null);
        })
        .recover(DocumentStore::failed);
  }

  /**
   * Committed changes with a sequence number above {@code since}, oldest first. {@code next} is the
   * last sequence number returned ({@code since} when there is none), to ask from next time.
   */
  Future<JsonObject> changes(long since, int limit) {
    return pool.preparedQuery(changes).execute(Tuple.of(since, limit))
        .map(rows -> {
          JsonArray items = new JsonArray();
          long next = since;
          for (Row row : rows) {
            next = row.getLong(0);
            items.add(new JsonObject()
                .put("seq", next)
                .put("collection", row.getString(1))
                .put("id", row.getString(2))
                .put("version", row.getLong(3))
                .put("op", row.getString(4))
                .put("at", instant(row.getValue(5)).toString()));
          }
          return new JsonObject().put("items", items).put("next", next);
        })
        .recover(DocumentStore::failed);
  }

  private static Lookup lookup(DocKey key, long version, Object updatedAt, Boolean deleted, Object data) {
    return Boolean.TRUE.equals(deleted) ? Lookup.absent(key, version)
        : Lookup.found(new Document(key, version, instant(updatedAt), json(data)));
  }

  private Future<Row> lock(SqlConnection conn, DocKey key) {
    return conn.preparedQuery(lockDoc).execute(Tuple.of(key.collection(), key.id())).map(DocumentStore::first);
  }

  private Future<RowSet<Row>> appendChange(SqlConnection conn, DocKey key, long version, String op,
      Instant at) {
    return conn.preparedQuery(appendChange)
        .execute(Tuple.of(key.collection(), key.id(), version, op, timestamp(at)));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static <T> Future<T> failed(Throwable t) {
    return Future.failedFuture(SqlErrors.classify(t));
  }

  private static Row first(RowSet<Row> rows) {
    RowIterator<Row> it = rows.iterator();
    return it.hasNext() ? it.next() : null;
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Instant instant(Object value) {
    if (value instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (value instanceof Timestamp ts) {
      return ts.toInstant();
    }
    if (value instanceof LocalDateTime ldt) {
      return ldt.toInstant(ZoneOffset.UTC);
    }
    if (value instanceof Instant i) {
      return i;
    }
    throw new IllegalStateException("unexpected timestamp type " + (value == null ? null : value.getClass()));
  }

  static JsonObject json(Object value) {
    if (value instanceof String s) {
      return new JsonObject(s);
    }
    if (value instanceof Clob clob) {
      try (Reader reader = clob.getCharacterStream()) {
        StringBuilder sb = new StringBuilder((int) Math.min(clob.length(), Integer.MAX_VALUE));
        char[] buf = new char[8192];
        for (int n; (n = reader.read(buf)) > 0; ) {
          sb.append(buf, 0, n);
        }
        return new JsonObject(sb.toString());
      } catch (SQLException | IOException e) {
        throw new IllegalStateException("cannot read stored document", e);
      }
    }
    throw new IllegalStateException("unexpected data type " + (value == null ? null : value.getClass()));
  }
}
