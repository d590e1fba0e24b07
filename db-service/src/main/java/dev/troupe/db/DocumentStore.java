package dev.troupe.db;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
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
import java.util.List;

/**
 * The documents table. Every statement is parameterised. A write reads the row {@code FOR UPDATE},
 * checks the precondition against it and writes in the same transaction, so concurrent conditional
 * writers on one document serialise in the database and exactly one of them wins a given version.
 */
final class DocumentStore {
  static final String OP_PUT = "put";
  static final String OP_DELETE = "delete";

  private static final String SELECT_DOC =
      "SELECT version, updated_at, deleted, data FROM troupe_documents WHERE collection = ? AND id = ?";
  private static final String LOCK_DOC =
      "SELECT version, deleted FROM troupe_documents WHERE collection = ? AND id = ? FOR UPDATE";
  private static final String INSERT_DOC =
      "INSERT INTO troupe_documents (collection, id, version, updated_at, deleted, data) VALUES (?, ?, ?, ?, FALSE, ?)";
  private static final String UPDATE_DOC =
      "UPDATE troupe_documents SET version = ?, updated_at = ?, deleted = FALSE, data = ? WHERE collection = ? AND id = ?";
  private static final String TOMBSTONE_DOC =
      "UPDATE troupe_documents SET version = ?, updated_at = ?, deleted = TRUE, data = NULL WHERE collection = ? AND id = ?";
  private static final String LIST_DOCS =
      "SELECT id, version, updated_at, data FROM troupe_documents"
          + " WHERE collection = ? AND id > ? AND deleted = FALSE ORDER BY id LIMIT ?";
  private static final String APPEND_CHANGE =
      "INSERT INTO troupe_changes (collection, id, version, op, changed_at) VALUES (?, ?, ?, ?, ?)";

  private final Pool pool;
  private final Clock clock;

  DocumentStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  Future<Lookup> get(DocKey key) {
    return pool.preparedQuery(SELECT_DOC).execute(Tuple.of(key.collection(), key.id()))
        .map(rows -> {
          Row row = first(rows);
          if (row == null) {
            return Lookup.absent(key, 0);
          }
          long version = row.getLong(0);
          if (Boolean.TRUE.equals(row.getBoolean(2))) {
            return Lookup.absent(key, version);
          }
          return Lookup.found(new Document(key, version, instant(row.getValue(1)), json(row.getValue(3))));
        })
        .recover(DocumentStore::failed);
  }

  Future<PutResult> put(PutDoc put) {
    return attemptPut(put)
        // Two creators of one new key both find no row to lock; the loser's INSERT hits the primary
        // key. Retried, it now finds (and locks) the winner's row and is judged against it.
        .recover(e -> SqlErrors.isUniqueViolation(e) ? attemptPut(put) : Future.failedFuture(e))
        .recover(DocumentStore::failed);
  }

  private Future<PutResult> attemptPut(PutDoc put) {
    DocKey key = put.key();
    return pool.withTransaction(conn -> lock(conn, key).compose(row -> {
      long stored = row == null ? 0 : row.getLong(0);
      boolean live = row != null && !Boolean.TRUE.equals(row.getBoolean(1));
      put.precondition().check(key, live ? stored : 0);
      long next = stored + 1;
      Instant now = now();
      String data = put.data().encode();
      Future<RowSet<Row>> write = row == null
          ? conn.preparedQuery(INSERT_DOC).execute(Tuple.of(key.collection(), key.id(), next, timestamp(now), data))
          : conn.preparedQuery(UPDATE_DOC).execute(Tuple.of(next, timestamp(now), data, key.collection(), key.id()));
      return write
          .compose(done -> appendChange(conn, key, next, OP_PUT, now))
          .map(done -> new PutResult(new Document(key, next, now, put.data()), !live));
    }));
  }

  Future<DeleteResult> delete(DeleteDoc delete) {
    DocKey key = delete.key();
    return pool.withTransaction(conn -> lock(conn, key).compose(row -> {
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
      return conn.preparedQuery(TOMBSTONE_DOC).execute(Tuple.of(next, timestamp(now), key.collection(), key.id()))
          .compose(done -> appendChange(conn, key, next, OP_DELETE, now))
          .map(done -> new DeleteResult(key, next));
    })).recover(DocumentStore::failed);
  }

  Future<DocPage> list(ListDocs list) {
    String after = list.after() == null ? "" : list.after();
    return pool.preparedQuery(LIST_DOCS).execute(Tuple.of(list.collection(), after, list.limit() + 1))
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

  private static Future<Row> lock(SqlConnection conn, DocKey key) {
    return conn.preparedQuery(LOCK_DOC).execute(Tuple.of(key.collection(), key.id())).map(DocumentStore::first);
  }

  private static Future<RowSet<Row>> appendChange(SqlConnection conn, DocKey key, long version, String op,
      Instant at) {
    return conn.preparedQuery(APPEND_CHANGE)
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
