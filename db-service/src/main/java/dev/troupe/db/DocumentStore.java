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
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The documents table. Every statement is parameterised. Writes go through a {@link
 * GroupCommitter}: the writes that queue while a transaction runs share the next one, which locks
 * their rows {@code FOR UPDATE} and judges each write's precondition against them (and against the
 * writes of the group before it), so concurrent conditional writers on one document serialise in
 * the database and exactly one of them wins a given version. Reads go straight to the pool.
 */
final class DocumentStore {
  static final String OP_PUT = "put";
  static final String OP_DELETE = "delete";

  private static final String SELECT_DOC_SQL =
      "SELECT version, updated_at, deleted, data FROM troupe_documents WHERE collection = ? AND id = ?";
  private static final String LIST_DOCS_SQL =
      "SELECT id, version, updated_at, data FROM troupe_documents"
          + " WHERE collection = ? AND id > ? AND deleted = FALSE ORDER BY id LIMIT ?";
  private static final String SELECT_MANY_SQL =
      "SELECT id, version, updated_at, deleted, data FROM troupe_documents WHERE (collection, id) IN (%s)";
  private static final String CHANGES_SQL =
      "SELECT seq, collection, id, version, op, changed_at FROM troupe_changes WHERE seq > ? ORDER BY seq LIMIT ?";
  private static final String EXPIRE_APPLIED_SQL =
      "DELETE FROM troupe_idempotency WHERE applied_at < ?";

  private final Pool pool;
  private final GroupCommitter<Write<?>> writes;
  private final Lanes<Write<?>> lanes;
  private final String expireApplied;
  private final String selectDoc;
  private final String listDocs;
  private final String changes;

  /**
   * Batch statements by size class: index k holds an IN list of 2^k keys (few shapes to prepare).
   */
  private final String[] selectMany;

  /**
   * A store reading through {@code pool} and writing through {@code writes}; {@code dialect} turns
   * the {@code ?} statements into the database's SQL.
   */
  DocumentStore(
      Pool pool,
      UnaryOperator<String> dialect,
      GroupCommitter<Write<?>> writes,
      Lanes<Write<?>> lanes) {
    this.pool = pool;
    this.writes = writes;
    this.lanes = lanes;
    this.selectDoc = dialect.apply(SELECT_DOC_SQL);
    this.listDocs = dialect.apply(LIST_DOCS_SQL);
    this.changes = dialect.apply(CHANGES_SQL);
    this.expireApplied = dialect.apply(EXPIRE_APPLIED_SQL);
    int classes = sizeClass(KeyBatch.MAX_IDS) + 1;
    this.selectMany = new String[classes];
    for (int k = 0; k < classes; k++) {
      // Row values: H2 walks the primary key for (collection, id) IN ((?, ?), ...), while for
      // collection = ? AND id IN (...) it scans the whole collection and tests every row.
      String in = String.join(", ", Collections.nCopies(1 << k, "(?, ?)"));
      selectMany[k] = dialect.apply(SELECT_MANY_SQL.formatted(in));
    }
  }

  /**
   * A store over {@code pool} of {@code backend} whose writes are grouped on {@code owner} (a db
   * verticle's context). {@link #close()} it before closing the pool.
   */
  static DocumentStore open(
      Vertx vertx, Context owner, Backend backend, Pool pool, Clock clock, MeterRegistry registry) {
    return open(vertx, owner, backend, pool, clock, registry, new Lanes<>());
  }

  /**
   * A store as above whose committer is one of the node's {@code lanes}: each write queues in the
   * lane of its document ({@link Lanes}).
   */
  static DocumentStore open(
      Vertx vertx,
      Context owner,
      Backend backend,
      Pool pool,
      Clock clock,
      MeterRegistry registry,
      Lanes<Write<?>> lanes) {
    DbConfig config = backend.config;
    GroupCommitter<Write<?>> writes =
        new GroupCommitter<>(
            vertx,
            owner,
            backend.groupWriter(vertx, pool, clock),
            config.groupMaxWrites(),
            config.groupMaxWaitMs(),
            config.maxInFlight(),
            config.groupsPerInstance(),
            "documents",
            registry);
    lanes.add(writes);
    return new DocumentStore(pool, backend::sql, writes, lanes);
  }

  private <T> Future<T> submit(Write<T> write) {
    return lanes.submit(writes, write, write.future());
  }

  /**
   * Leaves the node's lanes, refuses new writes and releases the writer once the queued ones are
   * answered; the pool stays open.
   */
  Future<Void> close() {
    lanes.remove(writes);
    return writes.close();
  }

  /** The write groups committed so far. */
  long groups() {
    return writes.groups();
  }

  /**
   * Creates or replaces a document once its precondition holds, in the next group commit; completes
   * after that commit.
   */
  Future<PutResult> put(PutDoc put) {
    return submit(new Write.Put(put));
  }

  /** Deletes a live document (a tombstone keeps its version), in the next group commit. */
  Future<DeleteResult> delete(DeleteDoc delete) {
    return submit(new Write.Delete(delete));
  }

  /**
   * Every write of {@code batch}, in order, each judged against its own precondition, in the next
   * group commit: the first that fails fails the whole batch (and names its item), and nothing of
   * it is written; the other writes of the group are judged on their own.
   */
  Future<PutManyResult> putMany(PutMany batch) {
    return submit(new Write.Batch(batch));
  }

  Future<Lookup> get(DocKey key) {
    return pool.preparedQuery(selectDoc)
        .execute(Tuple.of(key.collection(), key.id()))
        .map(
            rows -> {
              Row row = first(rows);
              return row == null
                  ? Lookup.absent(key, 0)
                  : lookup(
                      key, row.getLong(0), row.getValue(1), row.getBoolean(2), row.getValue(3));
            })
        .recover(DocumentStore::failed);
  }

  /**
   * One lookup per id of {@code batch}, in its order, read by one query. The IN list is padded to a
   * power of two by repeating the last id, so a few prepared statements serve every batch size.
   */
  Future<LookupBatch> getMany(KeyBatch batch) {
    List<String> ids = batch.ids();
    return pool.preparedQuery(selectMany[sizeClass(ids.size())])
        .execute(inList(batch.collection(), ids))
        .map(
            rows -> {
              Map<String, Lookup> byId = new HashMap<>(rows.size() * 2);
              for (Row row : rows) {
                DocKey key = new DocKey(batch.collection(), row.getString(0));
                byId.put(
                    key.id(),
                    lookup(
                        key, row.getLong(1), row.getValue(2), row.getBoolean(3), row.getValue(4)));
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
   * Deletes the idempotency keys applied before {@code before}; completes with how many. A write
   * retried with such a key afterwards would be applied again, so the TTL must outlast every retry.
   */
  Future<Integer> expireIdempotencyKeys(Instant before) {
    // In a transaction of its own: the JDBC pool (H2) leaves auto-commit off on a connection a
    // transaction used, where a bare DELETE could stay uncommitted, holding its row locks.
    return pool.withTransaction(
            conn -> conn.preparedQuery(expireApplied).execute(Tuple.of(timestamp(before))))
        .map(RowSet::rowCount)
        .recover(DocumentStore::failed);
  }

  Future<DocPage> list(ListDocs list) {
    String after = list.after() == null ? "" : list.after();
    return pool.preparedQuery(listDocs)
        .execute(Tuple.of(list.collection(), after, list.limit() + 1))
        .map(
            rows -> {
              List<Document> items = new ArrayList<>(Math.min(rows.size(), list.limit()));
              boolean more = false;
              for (Row row : rows) {
                if (items.size() == list.limit()) {
                  more = true;
                  break;
                }
                DocKey key = new DocKey(list.collection(), row.getString(0));
                items.add(
                    new Document(
                        key, row.getLong(1), instant(row.getValue(2)), json(row.getValue(3))));
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
    return pool.preparedQuery(changes)
        .execute(Tuple.of(since, limit))
        .map(
            rows -> {
              JsonArray items = new JsonArray();
              long next = since;
              for (Row row : rows) {
                next = row.getLong(0);
                items.add(
                    new JsonObject()
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

  private static Lookup lookup(
      DocKey key, long version, Object updatedAt, Boolean deleted, Object data) {
    return Boolean.TRUE.equals(deleted)
        ? Lookup.absent(key, version)
        : Lookup.found(new Document(key, version, instant(updatedAt), json(data)));
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
    throw new IllegalStateException(
        "unexpected timestamp type " + (value == null ? null : value.getClass()));
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
    throw new IllegalStateException(
        "unexpected data type " + (value == null ? null : value.getClass()));
  }
}
