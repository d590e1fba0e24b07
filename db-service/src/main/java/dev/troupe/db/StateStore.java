package dev.troupe.db;

import dev.troupe.shared.contract.StateStoreContract.LoadedState;
import dev.troupe.shared.contract.StateStoreContract.MessageRange;
import dev.troupe.shared.contract.StateStoreContract.SaveState;
import dev.troupe.shared.contract.StateStoreContract.StateKey;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The tables of Troupe's own state: {@code troupe_actor_state} and {@code troupe_chat_messages}.
 * They have no change rows and no events: nobody but their one writer needs to hear of a write.
 * Every statement is parameterised; a state write is judged by its own WHERE clause (or the primary
 * key, for the first one).
 *
 * <p>Every write runs in an explicit transaction ({@code withTransaction}), one statement long: the
 * JDBC pool (H2) leaves auto-commit off on a connection a transaction used, so a write sent on the
 * pool without one could stay uncommitted, unseen by the next write on another connection.
 */
final class StateStore {
  private static final String SELECT_STATE_SQL =
      "SELECT version, data FROM troupe_actor_state WHERE actor_type = ? AND actor_key = ?";
  private static final String INSERT_STATE_SQL =
      "INSERT INTO troupe_actor_state (actor_type, actor_key, version, updated_at, data) VALUES (?, ?, 1, ?, ?)";
  private static final String SELECT_MESSAGES_SQL =
      "SELECT data FROM troupe_chat_messages WHERE room = ? AND seq > ? AND seq <= ? ORDER BY seq";

  private final Pool pool;
  private final Clock clock;
  private final GroupCommitter<StateSaves.Save> saves;
  private final Lanes<StateSaves.Save> lanes;
  private final String selectState;
  private final String insertState;
  private final String updateMessage;
  private final String insertMessage;
  private final String selectMessages;

  /** A store whose saves over a version are grouped by {@code saves} ({@link #open}). */
  StateStore(
      Pool pool,
      UnaryOperator<String> dialect,
      Clock clock,
      GroupCommitter<StateSaves.Save> saves,
      Lanes<StateSaves.Save> lanes) {
    this.pool = pool;
    this.clock = clock;
    this.saves = saves;
    this.lanes = lanes;
    Sql sql = new Sql(dialect);
    this.selectState = sql.statement(SELECT_STATE_SQL);
    this.insertState = sql.statement(INSERT_STATE_SQL);
    this.updateMessage = sql.statement(StateSaves.UPDATE_MESSAGE_SQL);
    this.insertMessage = sql.statement(StateSaves.INSERT_MESSAGE_SQL);
    this.selectMessages = sql.statement(SELECT_MESSAGES_SQL);
  }

  /**
   * A store over {@code pool} of {@code backend} whose saves over a version are grouped on {@code
   * owner} (a state store verticle's context), as document writes are. {@link #close()} it before
   * closing the pool.
   */
  static StateStore open(
      Vertx vertx, Context owner, Backend backend, Pool pool, Clock clock, MeterRegistry registry) {
    return open(vertx, owner, backend, pool, clock, registry, new Lanes<>());
  }

  /**
   * A store as above whose committer is one of the node's {@code lanes}: each save queues in the
   * lane of its actor ({@link Lanes}).
   */
  static StateStore open(
      Vertx vertx,
      Context owner,
      Backend backend,
      Pool pool,
      Clock clock,
      MeterRegistry registry,
      Lanes<StateSaves.Save> lanes) {
    DbConfig config = backend.config;
    GroupCommitter<StateSaves.Save> saves =
        new GroupCommitter<>(
            vertx,
            owner,
            new StateSaves(pool, backend::sql, clock),
            config.groupMaxWrites(),
            config.groupMaxWaitMs(),
            config.maxInFlight(),
            config.groupsPerInstance(),
            "state",
            registry);
    lanes.add(saves);
    return new StateStore(pool, backend::sql, clock, saves, lanes);
  }

  /**
   * Refuses new saves; those queued or in flight still commit and are answered. The pool stays
   * open.
   */
  Future<Void> close() {
    lanes.remove(saves);
    return saves.close();
  }

  Future<LoadedState> load(StateKey key) {
    return pool.preparedQuery(selectState)
        .execute(Tuple.of(key.type(), key.key()))
        .map(
            rows -> {
              Row row = Sql.first(rows);
              if (row == null) {
                return new LoadedState(null, 0);
              }
              return new LoadedState(Sql.json(row.getValue(1)), row.getLong(0));
            })
        .recover(Sql::failed);
  }

  /**
   * Writes over the version the writer holds: the first write inserts (a row already there fails on
   * the primary key) in a transaction of its own, later ones update only the row still at that
   * version, in the next group commit ({@link StateSaves}). The save's messages are stored in the
   * same transaction, after the state's write held: a stale save stores none of them. A message
   * racing another writer of its number (a unique violation, the whole transaction rolled back) is
   * tried once more, and then updates.
   */
  Future<Long> save(SaveState save) {
    if (save.version() > 0) {
      StateSaves.Save grouped = new StateSaves.Save(save);
      return lanes.submit(saves, grouped, grouped.future()).recover(Sql::failed);
    }
    return attemptSave(save)
        .recover(
            e ->
                !save.messages().isEmpty()
                        && SqlErrors.isUniqueViolation(e)
                        && !(e instanceof TroupeException)
                    ? attemptSave(save)
                    : Future.failedFuture(e))
        .recover(Sql::failed);
  }

  /** The first save of a state: an insert, which a row already there fails with 412. */
  private Future<Long> attemptSave(SaveState save) {
    StateKey key = save.key();
    OffsetDateTime now = Sql.timestamp(Sql.now(clock));
    String data = Sql.jsonColumn(save.data());
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(insertState)
                .execute(Tuple.of(key.type(), key.key(), now, data))
                .recover(
                    e ->
                        SqlErrors.isUniqueViolation(e)
                            ? Future.failedFuture(
                                TroupeException.preconditionFailed(
                                    "the state of " + key + " was written meanwhile"))
                            : Future.failedFuture(e))
                .compose(
                    inserted -> {
                      Future<Void> messages = Future.succeededFuture();
                      for (StoredMessage message : save.messages()) {
                        messages =
                            messages.compose(
                                v ->
                                    writeMessage(conn, message, Sql.jsonColumn(message.message())));
                      }
                      return messages.map(1L);
                    }));
  }

  /**
   * Stores a message under its number, replacing one stored there before (a post whose room state
   * never committed, from a build that stored the two apart): update, else insert, in one
   * transaction; an insert racing another writer of the number (its transaction rolled back) is
   * tried again once, and then updates.
   */
  Future<Void> putMessage(StoredMessage message) {
    String data = Sql.jsonColumn(message.message());
    return attemptPutMessage(message, data)
        .recover(
            e ->
                SqlErrors.isUniqueViolation(e)
                    ? attemptPutMessage(message, data)
                    : Future.failedFuture(e))
        .recover(Sql::failed);
  }

  private Future<Void> attemptPutMessage(StoredMessage message, String data) {
    return pool.withTransaction(conn -> writeMessage(conn, message, data));
  }

  private Future<Void> writeMessage(SqlConnection conn, StoredMessage message, String data) {
    return conn.preparedQuery(updateMessage)
        .execute(Tuple.of(data, message.room(), message.seq()))
        .compose(
            rows ->
                rows.rowCount() > 0
                    ? Future.succeededFuture()
                    : conn.preparedQuery(insertMessage)
                        .execute(Tuple.of(message.room(), message.seq(), data))
                        .mapEmpty());
  }

  Future<List<JsonObject>> messages(MessageRange range) {
    return pool.preparedQuery(selectMessages)
        .execute(Tuple.of(range.room(), range.after(), range.last()))
        .map(StateStore::data)
        .recover(Sql::failed);
  }

  private static List<JsonObject> data(RowSet<Row> rows) {
    List<JsonObject> items = new ArrayList<>(rows.size());
    for (Row row : rows) {
      items.add(Sql.json(row.getValue(0)));
    }
    return items;
  }
}
