package dev.troupe.db;

import dev.troupe.shared.contract.StateStoreContract.SaveState;
import dev.troupe.shared.contract.StateStoreContract.StateKey;
import dev.troupe.shared.contract.StateStoreContract.StoredMessage;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
 * Group commit of the state store: actor state saves over a version ({@code >= 1}, the actors' hot
 * path: a chat room's every post) share transactions the way document writes do. Each save is
 * judged by its own {@code WHERE version = ?}: a stale one fails alone with 412 and stores none of
 * its messages, its neighbours commit. Statements go out together (pipelined on PostgreSQL): the
 * state updates, then the messages of the saves that held, then the inserts of the messages that
 * were not stored yet.
 */
final class StateSaves implements GroupCommitter.Writer<StateSaves.Save> {
  private static final String UPDATE_STATE_SQL =
      "UPDATE troupe_actor_state SET version = version + 1, updated_at = ?, data = ?"
          + " WHERE actor_type = ? AND actor_key = ? AND version = ?";
  static final String UPDATE_MESSAGE_SQL =
      "UPDATE troupe_chat_messages SET data = ? WHERE room = ? AND seq = ?";
  static final String INSERT_MESSAGE_SQL =
      "INSERT INTO troupe_chat_messages (room, seq, data) VALUES (?, ?, ?)";

  /** One save waiting for its group; completes with the state's new version after the commit. */
  static final class Save implements GroupCommitter.Member {
    final SaveState save;
    private final Promise<Long> promise = Promise.promise();

    Save(SaveState save) {
      if (save.version() < 1) {
        throw new IllegalArgumentException("a first save inserts and commits alone");
      }
      this.save = save;
    }

    Future<Long> future() {
      return promise.future();
    }

    /** The state row and each message: what counts against a group's size bound. */
    @Override
    public int items() {
      return 1 + save.messages().size();
    }

    /** The actor's state row: its messages belong to it (one room actor owns its room). */
    @Override
    public List<StateKey> keys() {
      return List.of(save.key());
    }

    @Override
    public void fail(Throwable failure) {
      promise.tryFail(failure);
    }

    void succeed(long version) {
      promise.tryComplete(version);
    }
  }

  private final Pool pool;
  private final Clock clock;
  private final String updateState;
  private final String updateMessage;
  private final String insertMessage;

  StateSaves(Pool pool, UnaryOperator<String> dialect, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    Sql sql = new Sql(dialect);
    this.updateState = sql.statement(UPDATE_STATE_SQL);
    this.updateMessage = sql.statement(UPDATE_MESSAGE_SQL);
    this.insertMessage = sql.statement(INSERT_MESSAGE_SQL);
  }

  @Override
  public Future<Outcomes> commit(List<Save> group) {
    OffsetDateTime now = Sql.timestamp(Sql.now(clock));
    return pool.withTransaction(
        conn -> {
          List<Future<RowSet<Row>>> states = new ArrayList<>(group.size());
          for (Save s : group) {
            states.add(
                conn.preparedQuery(updateState)
                    .execute(
                        Tuple.of(
                            now,
                            Sql.jsonColumn(s.save.data()),
                            s.save.key().type(),
                            s.save.key().key(),
                            s.save.version())));
          }
          return Future.all(states)
              .compose(
                  done -> {
                    boolean[] held = new boolean[group.size()];
                    List<StoredMessage> messages = new ArrayList<>();
                    for (int i = 0; i < group.size(); i++) {
                      held[i] = states.get(i).result().rowCount() > 0;
                      if (held[i]) {
                        messages.addAll(group.get(i).save.messages());
                      }
                    }
                    return storeMessages(conn, messages).map(v -> new Outcomes(group, held));
                  });
        });
  }

  /** Replaces the messages stored under their numbers, then inserts those that were not. */
  private Future<Void> storeMessages(SqlConnection conn, List<StoredMessage> messages) {
    if (messages.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> data = messages.stream().map(m -> Sql.jsonColumn(m.message())).toList();
    List<Future<RowSet<Row>>> updates = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      StoredMessage m = messages.get(i);
      updates.add(
          conn.preparedQuery(updateMessage).execute(Tuple.of(data.get(i), m.room(), m.seq())));
    }
    return Future.all(updates)
        .compose(
            done -> {
              List<Tuple> inserts = new ArrayList<>();
              for (int i = 0; i < messages.size(); i++) {
                if (updates.get(i).result().rowCount() == 0) {
                  StoredMessage m = messages.get(i);
                  inserts.add(Tuple.of(m.room(), m.seq(), data.get(i)));
                }
              }
              if (inserts.isEmpty()) {
                return Future.succeededFuture();
              }
              return (inserts.size() == 1
                      ? conn.preparedQuery(insertMessage).execute(inserts.get(0))
                      : conn.preparedQuery(insertMessage).executeBatch(inserts))
                  .mapEmpty();
            });
  }

  /**
   * A message another writer inserted meanwhile is updated on the next attempt: once more than
   * there are messages.
   */
  @Override
  public int attempts(List<Save> group) {
    return 1 + group.stream().mapToInt(s -> s.save.messages().size()).sum();
  }

  /** The pool belongs to the store's owner, which closes it. */
  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * Each save of a committed group: its new version, or 412 when its version was no longer stored.
   */
  private record Outcomes(List<Save> group, boolean[] held) implements GroupCommitter.Committed {
    @Override
    public void answer() {
      for (int i = 0; i < group.size(); i++) {
        Save s = group.get(i);
        if (held[i]) {
          s.succeed(s.save.version() + 1);
        } else {
          s.fail(
              TroupeException.preconditionFailed(
                  "the state of " + s.save.key() + " is no longer at version " + s.save.version()));
        }
      }
    }
  }
}
