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
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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

  /** Read after a page: what is still there once the page was read (see {@link #changes}). */
  private static final String CHANGE_BOUNDS_SQL =
      "SELECT (SELECT MIN(seq) FROM troupe_changes), (SELECT seq FROM troupe_change_head WHERE id = 1)";

  private static final String PRUNE_CHANGES_BEFORE_SQL =
      "DELETE FROM troupe_changes WHERE changed_at < ?";
  private static final String PRUNE_CHANGES_BELOW_SQL =
      "DELETE FROM troupe_changes WHERE seq <= (SELECT seq FROM troupe_change_head WHERE id = 1) - ?";
  private static final String EXPIRE_APPLIED_SQL =
      "DELETE FROM troupe_idempotency WHERE applied_at < ?";

  private final Pool pool;
  private final GroupCommitter<Write<?>> writes;
  private final Lanes<Write<?>> lanes;
  private final String expireApplied;
  private final String selectDoc;
  private final String listDocs;
  private final String changes;
  private final String changeBounds;
  private final String pruneChangesBefore;
  private final String pruneChangesBelow;

  /**
   * The batch read by size class: an IN list of 2^k keys (few shapes to prepare). Row values: H2
   * walks the primary key for (collection, id) IN ((?, ?), ...), while for collection = ? AND id IN
   * (...) it scans the whole collection and tests every row.
   */
  private final Sql.InList selectMany;

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
    Sql sql = new Sql(dialect);
    this.selectDoc = sql.statement(SELECT_DOC_SQL);
    this.listDocs = sql.statement(LIST_DOCS_SQL);
    this.changes = sql.statement(CHANGES_SQL);
    this.changeBounds = sql.statement(CHANGE_BOUNDS_SQL);
    this.pruneChangesBefore = sql.statement(PRUNE_CHANGES_BEFORE_SQL);
    this.pruneChangesBelow = sql.statement(PRUNE_CHANGES_BELOW_SQL);
    this.expireApplied = sql.statement(EXPIRE_APPLIED_SQL);
    this.selectMany = sql.inList(SELECT_MANY_SQL, "(?, ?)");
  }

  /**
   * A store over {@code pool} of {@code backend} whose writes are grouped on {@code owner} (a db
   * verticle's context), publishing nothing. {@link #close()} it before closing the pool.
   */
  static DocumentStore open(
      Vertx vertx, Context owner, Backend backend, Pool pool, Clock clock, MeterRegistry registry) {
    return open(vertx, owner, backend, pool, clock, registry, new Lanes<>(), events -> {});
  }

  /**
   * A store as above whose committer is one of the node's {@code lanes}: each write queues in the
   * lane of its document ({@link Lanes}). Each committed group hands its change events ({@link
   * WritePlan#events}, in sequence order) to {@code publish}, before its writes are answered; a
   * write answered from its idempotency key changed nothing and has no event.
   */
  static DocumentStore open(
      Vertx vertx,
      Context owner,
      Backend backend,
      Pool pool,
      Clock clock,
      MeterRegistry registry,
      Lanes<Write<?>> lanes,
      Consumer<List<JsonObject>> publish) {
    DbConfig config = backend.config;
    GroupCommitter<Write<?>> writes =
        new GroupCommitter<>(
            vertx,
            owner,
            new Publishing(backend.groupWriter(vertx, pool, clock), publish),
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
              Row row = Sql.first(rows);
              return row == null
                  ? Lookup.absent(key, 0)
                  : lookup(
                      key, row.getLong(0), row.getValue(1), row.getBoolean(2), row.getValue(3));
            })
        .recover(Sql::failed);
  }

  /**
   * One lookup per id of {@code batch}, in its order, read by one query. The IN list is padded to a
   * power of two by repeating the last id, so a few prepared statements serve every batch size.
   */
  Future<LookupBatch> getMany(KeyBatch batch) {
    List<String> ids = batch.ids();
    return pool.preparedQuery(selectMany.sql(ids.size()))
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
        .recover(Sql::failed);
  }

  /**
   * Deletes the idempotency keys applied before {@code before}; completes with how many. A write
   * retried with such a key afterwards would be applied again, so the TTL must outlast every retry.
   */
  Future<Integer> expireIdempotencyKeys(Instant before) {
    // In a transaction of its own: the JDBC pool (H2) leaves auto-commit off on a connection a
    // transaction used, where a bare DELETE could stay uncommitted, holding its row locks.
    return pool.withTransaction(
            conn -> conn.preparedQuery(expireApplied).execute(Tuple.of(Sql.timestamp(before))))
        .map(RowSet::rowCount)
        .recover(Sql::failed);
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
                        key,
                        row.getLong(1),
                        Sql.instant(row.getValue(2)),
                        Sql.json(row.getValue(3))));
              }
              return new DocPage(items, more ? items.get(items.size() - 1).key().id() : null);
            })
        .recover(Sql::failed);
  }

  /** Hands each committed group's change events to the publisher. */
  private record Publishing(GroupWriter writer, Consumer<List<JsonObject>> publish)
      implements GroupWriter {
    @Override
    public Future<WritePlan> commit(List<Write<?>> group) {
      return writer.commit(group).onSuccess(plan -> publish.accept(plan.events()));
    }

    @Override
    public int attempts(List<Write<?>> group) {
      return writer.attempts(group);
    }

    @Override
    public Future<Void> close() {
      return writer.close();
    }
  }

  /**
   * Committed changes with a sequence number above {@code since}, oldest first. {@code next} is the
   * last sequence number returned ({@code since} when there is none), to ask from next time. {@code
   * earliest} is the oldest sequence number the log holds once the page was read ({@code head + 1}
   * when it holds none) and {@code head} the newest handed out: a {@code since} below {@code
   * earliest - 1} asked for changes that retention removed, perhaps some of this very page's.
   */
  Future<JsonObject> changes(long since, int limit) {
    return pool.preparedQuery(changes)
        .execute(Tuple.of(since, limit))
        .compose(
            page ->
                pool.preparedQuery(changeBounds)
                    .execute(Tuple.tuple())
                    .map(bounds -> changesPage(since, page, bounds.iterator().next())))
        .recover(Sql::failed);
  }

  /**
   * Deletes the change rows older than {@code before} (if not null) and all but the newest {@code
   * keep} (if above 0); completes with how many went.
   */
  Future<Integer> pruneChanges(Instant before, long keep) {
    // Each DELETE in a transaction of its own, as for the idempotency keys.
    Future<Integer> byAge =
        before == null
            ? Future.succeededFuture(0)
            : pool.withTransaction(
                    conn ->
                        conn.preparedQuery(pruneChangesBefore)
                            .execute(Tuple.of(Sql.timestamp(before))))
                .map(RowSet::rowCount);
    return byAge
        .compose(
            aged ->
                keep <= 0
                    ? Future.succeededFuture(aged)
                    : pool.withTransaction(
                            conn -> conn.preparedQuery(pruneChangesBelow).execute(Tuple.of(keep)))
                        .map(rows -> aged + rows.rowCount()))
        .recover(Sql::failed);
  }

  private static JsonObject changesPage(long since, RowSet<Row> rows, Row bounds) {
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
              .put("at", Sql.instant(row.getValue(5)).toString()));
    }
    Long head = bounds.getLong(1);
    long last = head == null ? 0 : head;
    Long min = bounds.getLong(0);
    return new JsonObject()
        .put("items", items)
        .put("next", next)
        .put("earliest", min == null ? last + 1 : min)
        .put("head", last);
  }

  private static Lookup lookup(
      DocKey key, long version, Object updatedAt, Boolean deleted, Object data) {
    return Boolean.TRUE.equals(deleted)
        ? Lookup.absent(key, version)
        : Lookup.found(new Document(key, version, Sql.instant(updatedAt), Sql.json(data)));
  }

  /** (collection, id) pairs of the ids, padded to their size class by repeating the last. */
  private static Tuple inList(String collection, List<String> ids) {
    List<String> padded = Sql.padded(ids);
    List<Object> params = new ArrayList<>(2 * padded.size());
    for (String id : padded) {
      params.add(collection);
      params.add(id);
    }
    return Tuple.tuple(params);
  }
}
