package dev.troupe.db;

import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A write group judged inside its transaction, once its rows are locked: each write in arrival
 * order against the versions the writes before it left, so one write's failed precondition, missing
 * document or reused idempotency key fails that write alone, and two writes of one key apply one
 * after the other. Pure: it reads what the transaction locked and says what to write, as rows of
 * statement parameters (in the order of the statements in {@link WriteSql}).
 *
 * <p>Rows are written once per key however many writes of the group touched it (the last state
 * wins; every write still gets its own change row and its own answer), new rows in (collection, id)
 * order, so two groups creating the same new keys meet on the first of them instead of deadlocking.
 */
final class WritePlan implements GroupCommitter.Committed {
  static final Comparator<DocKey> KEY_ORDER =
      Comparator.comparing(DocKey::collection).thenComparing(DocKey::id);

  /** A document row as the group's lock read it. */
  record Stored(long version, boolean deleted) {}

  /** An idempotency key already applied: the request it was applied to, and its answer. */
  record Applied(String request, String result) {}

  private final List<Write<?>> group;
  private final Object[] outcomes;
  private final List<List<Object>> inserts = new ArrayList<>();
  private final List<List<Object>> updates = new ArrayList<>();
  private final List<List<Object>> changes = new ArrayList<>();
  private final List<List<Object>> appliedRows = new ArrayList<>();
  private long firstSeq = -1;

  private WritePlan(List<Write<?>> group) {
    this.group = group;
    this.outcomes = new Object[group.size()];
  }

  /** Every document key of {@code group}, each once, in lock order. */
  static List<DocKey> keys(List<Write<?>> group) {
    Set<DocKey> keys = new java.util.TreeSet<>(KEY_ORDER);
    group.forEach(write -> keys.addAll(write.keys()));
    return List.copyOf(keys);
  }

  /** Every idempotency key of {@code group}, each once. */
  static List<String> idempotencyKeys(List<Write<?>> group) {
    Set<String> keys = new LinkedHashSet<>();
    group.forEach(
        write -> {
          if (write.idempotencyKey() != null) {
            keys.add(write.idempotencyKey());
          }
        });
    return List.copyOf(keys);
  }

  /**
   * Judges {@code group} against the rows its transaction locked ({@code locked}: absent keys have
   * no row) and the idempotency keys already applied among its own ({@code applied}); every write
   * of the group happens at {@code now}.
   */
  static WritePlan judge(
      List<Write<?>> group, Map<DocKey, Stored> locked, Map<String, Applied> applied, Instant now) {
    WritePlan plan = new WritePlan(group);
    plan.run(locked, new HashMap<>(applied), now);
    return plan;
  }

  /** The document rows to insert: collection, id, version, updated_at, deleted, data. */
  List<List<Object>> inserts() {
    return inserts;
  }

  /** The document rows to update: version, updated_at, deleted, data, collection, id. */
  List<List<Object>> updates() {
    return updates;
  }

  /**
   * The change log rows, in the order the writes applied: collection, id, version, op, changed_at.
   */
  List<List<Object>> changes() {
    return changes;
  }

  /**
   * Numbers the change rows: the last of them takes {@code lastSeq}, the value the group moved the
   * change log's head to ({@link WriteSql#advanceHead}), the others the numbers just before it.
   */
  void number(long lastSeq) {
    firstSeq = lastSeq - changes.size() + 1;
  }

  /**
   * The change rows once {@linkplain #number numbered}: seq, then the columns of {@link #changes}.
   */
  List<List<Object>> numberedChanges() {
    requireNumbered();
    List<List<Object>> rows = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      List<Object> row = new ArrayList<>(changes.get(i).size() + 1);
      row.add(firstSeq + i);
      row.addAll(changes.get(i));
      rows.add(row);
    }
    return rows;
  }

  /**
   * The change events to publish once the group committed, in sequence order: {@code
   * {"op","collection","id","version","seq"}}. None when the group changed nothing.
   */
  List<JsonObject> events() {
    if (changes.isEmpty()) {
      return List.of();
    }
    requireNumbered();
    List<JsonObject> events = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      List<Object> row = changes.get(i);
      DocKey key = new DocKey((String) row.get(0), (String) row.get(1));
      events.add(ChangeWire.changeEvent((String) row.get(3), key, (Long) row.get(2), firstSeq + i));
    }
    return events;
  }

  private void requireNumbered() {
    if (firstSeq < 1 && !changes.isEmpty()) {
      throw new IllegalStateException("change rows are not numbered yet");
    }
  }

  /** The idempotency rows: idem_key, request, result, applied_at. */
  List<List<Object>> appliedRows() {
    return appliedRows;
  }

  /**
   * Answers every write of the group, each with its own result or failure. Call after the commit.
   */
  @Override
  public void answer() {
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] instanceof Throwable failure) {
        group.get(i).fail(failure);
      } else {
        group.get(i).succeed(outcomes[i]);
      }
    }
  }

  /** How many writes of the group were applied (not refused, not replayed). */
  long applied() {
    return changes.size();
  }

  /** What each write of the group got, in the group's order: its result or its failure. */
  List<Object> outcomes() {
    return Arrays.asList(outcomes.clone());
  }

  /** A key's state as the group goes: what the lock read, then what each applied write left. */
  private static final class KeyState {
    final boolean rowExists;
    long version;
    boolean live;
    boolean dirty;
    JsonObject data;

    KeyState(Stored stored) {
      rowExists = stored != null;
      version = stored == null ? 0 : stored.version();
      live = stored != null && !stored.deleted();
    }

    /** The version a precondition is checked against: 0 when the document does not exist. */
    long visible() {
      return live ? version : 0;
    }
  }

  private void run(Map<DocKey, Stored> locked, Map<String, Applied> applied, Instant now) {
    Map<DocKey, KeyState> states = new TreeMap<>(KEY_ORDER);
    OffsetDateTime at = Sql.timestamp(now);
    for (int i = 0; i < outcomes.length; i++) {
      Write<?> write = group.get(i);
      try {
        outcomes[i] = once(write, applied, at, () -> apply(write, states, locked, now, at));
      } catch (TroupeException e) {
        outcomes[i] = e;
      } catch (RuntimeException e) {
        // A stored answer that no longer decodes, say: that write fails, its neighbours do not.
        outcomes[i] = SqlErrors.classify(e);
      }
    }
    states.forEach(
        (key, state) -> {
          if (!state.dirty) {
            return;
          }
          String data = state.live ? Sql.jsonColumn(state.data) : null;
          if (state.rowExists) {
            updates.add(
                Arrays.asList(state.version, at, !state.live, data, key.collection(), key.id()));
          } else {
            inserts.add(
                Arrays.asList(key.collection(), key.id(), state.version, at, !state.live, data));
          }
        });
  }

  /**
   * Applies {@code write} at most once per idempotency key: a key already applied (before the
   * group, or by an earlier write of it) answers its stored result; a key applied to another
   * request is a conflict; otherwise the write applies and its result is kept under the key.
   */
  private <T> Object once(
      Write<T> write,
      Map<String, Applied> applied,
      OffsetDateTime at,
      java.util.function.Supplier<Object> apply) {
    String key = write.idempotencyKey();
    if (key == null) {
      return apply.get();
    }
    Applied done = applied.get(key);
    if (done != null) {
      if (!write.request().equals(done.request())) {
        throw new TroupeException(
            ErrorCode.CONFLICT,
            "idempotency key "
                + key
                + " was used for another request ("
                + done.request()
                + "); use a new key for a new request");
      }
      return write.decode(new JsonObject(done.result()));
    }
    @SuppressWarnings("unchecked")
    T result = (T) apply.get();
    String encoded = write.encode(result).encode();
    applied.put(key, new Applied(write.request(), encoded));
    appliedRows.add(Arrays.asList(key, write.request(), encoded, at));
    return result;
  }

  private Object apply(
      Write<?> write,
      Map<DocKey, KeyState> states,
      Map<DocKey, Stored> locked,
      Instant now,
      OffsetDateTime at) {
    if (write instanceof Write.Delete delete) {
      return delete(delete.delete, states, locked, at);
    }
    Write.Puts<?> puts = (Write.Puts<?>) write;
    return puts.answer(put(puts.puts(), puts.namesItems(), states, locked, now, at));
  }

  /**
   * Every put's precondition first, then every put: a batch applies whole or not at all (a single
   * put is a batch of one). A failed precondition names its item when {@code namesItems}.
   */
  private List<PutResult> put(
      List<PutDoc> puts,
      boolean namesItems,
      Map<DocKey, KeyState> states,
      Map<DocKey, Stored> locked,
      Instant now,
      OffsetDateTime at) {
    int size = puts.size();
    List<KeyState> putStates = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      PutDoc put = puts.get(i);
      KeyState state = state(put.key(), states, locked);
      try {
        put.precondition().check(put.key(), state.visible());
      } catch (TroupeException e) {
        throw namesItems ? new TroupeException(e.code(), "item " + i + ": " + e.getMessage()) : e;
      }
      putStates.add(state);
    }
    List<PutResult> results = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      results.add(write(puts.get(i), putStates.get(i), now, at));
    }
    return results;
  }

  private PutResult write(PutDoc put, KeyState state, Instant now, OffsetDateTime at) {
    boolean created = !state.live;
    state.version++;
    state.live = true;
    state.dirty = true;
    state.data = put.data();
    changes.add(
        Arrays.asList(
            put.key().collection(), put.key().id(), state.version, DocumentStore.OP_PUT, at));
    return new PutResult(new Document(put.key(), state.version, now, put.data()), created);
  }

  private DeleteResult delete(
      DeleteDoc delete,
      Map<DocKey, KeyState> states,
      Map<DocKey, Stored> locked,
      OffsetDateTime at) {
    DocKey key = delete.key();
    KeyState state = state(key, states, locked);
    if (!delete.precondition().isNone()) {
      delete.precondition().check(key, state.visible());
    }
    if (!state.live) {
      throw TroupeException.notFound(key + " does not exist");
    }
    state.version++;
    state.live = false;
    state.dirty = true;
    state.data = null;
    changes.add(
        Arrays.asList(key.collection(), key.id(), state.version, DocumentStore.OP_DELETE, at));
    return new DeleteResult(key, state.version);
  }

  private static KeyState state(
      DocKey key, Map<DocKey, KeyState> states, Map<DocKey, Stored> locked) {
    return states.computeIfAbsent(key, k -> new KeyState(locked.get(k)));
  }
}
