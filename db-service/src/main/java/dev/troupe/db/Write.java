package dev.troupe.db;

import dev.troupe.shared.contract.BatchWire;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One caller's write waiting for a group commit: a put, a delete or a whole {@code _mput} batch. It
 * is judged on its own inside the group's transaction and answered on its own, after the commit. An
 * {@code _mput} batch is one unit: all of its items or none, whatever its neighbours in the group
 * do.
 *
 * @param <T> what the caller gets once the group committed
 */
abstract sealed class Write<T> implements GroupCommitter.Member permits Write.Puts, Write.Delete {
  private final Promise<T> promise = Promise.promise();

  /**
   * The caller's answer: completes only after the group holding this write committed (or failed).
   */
  final Future<T> future() {
    return promise.future();
  }

  /** How many documents this write touches: what counts against a group's size bound. */
  @Override
  public abstract int items();

  /** The documents this write touches, each once. */
  @Override
  public abstract List<DocKey> keys();

  /** The write's idempotency key, or null. */
  abstract String idempotencyKey();

  /** What the idempotency key is stored against: a key reused for another request is refused. */
  abstract String request();

  abstract JsonObject encode(T result);

  abstract T decode(JsonObject stored);

  @SuppressWarnings("unchecked")
  final void succeed(Object result) {
    promise.tryComplete((T) result);
  }

  @Override
  public final void fail(Throwable failure) {
    promise.tryFail(failure);
  }

  /**
   * Puts applied whole or not at all: a single put is a batch of one. They differ only in what the
   * caller gets back, and in whether a failed precondition names its item.
   */
  abstract static sealed class Puts<T> extends Write<T> permits Put, Batch {
    private final List<PutDoc> puts;

    Puts(List<PutDoc> puts) {
      this.puts = List.copyOf(puts);
    }

    /** The documents to write, in order, each once. */
    final List<PutDoc> puts() {
      return puts;
    }

    @Override
    public final int items() {
      return puts.size();
    }

    @Override
    public final List<DocKey> keys() {
      return puts.stream().map(PutDoc::key).toList();
    }

    /** Whether a failed precondition says which item of the request failed. */
    abstract boolean namesItems();

    /** The caller's answer: the result of each put, in order. */
    abstract T answer(List<PutResult> results);
  }

  static final class Put extends Puts<PutResult> {
    final PutDoc put;

    Put(PutDoc put) {
      super(List.of(put));
      this.put = put;
    }

    @Override
    boolean namesItems() {
      return false;
    }

    @Override
    PutResult answer(List<PutResult> results) {
      return results.get(0);
    }

    @Override
    String idempotencyKey() {
      return put.idempotencyKey();
    }

    @Override
    String request() {
      return "put " + put.key();
    }

    @Override
    JsonObject encode(PutResult result) {
      return DocWire.toJson(result);
    }

    @Override
    PutResult decode(JsonObject stored) {
      return DocWire.putResult(stored);
    }
  }

  static final class Batch extends Puts<PutManyResult> {
    final PutMany batch;

    Batch(PutMany batch) {
      super(IntStream.range(0, batch.items().size()).mapToObj(batch::put).toList());
      this.batch = batch;
    }

    @Override
    boolean namesItems() {
      return true;
    }

    @Override
    PutManyResult answer(List<PutResult> results) {
      return new PutManyResult(results);
    }

    @Override
    String idempotencyKey() {
      return batch.idempotencyKey();
    }

    @Override
    String request() {
      return "putMany " + batch.collection();
    }

    @Override
    JsonObject encode(PutManyResult result) {
      return BatchWire.toJson(result);
    }

    @Override
    PutManyResult decode(JsonObject stored) {
      return BatchWire.putManyResult(stored);
    }
  }

  static final class Delete extends Write<DeleteResult> {
    final DeleteDoc delete;

    Delete(DeleteDoc delete) {
      this.delete = delete;
    }

    @Override
    public int items() {
      return 1;
    }

    @Override
    public List<DocKey> keys() {
      return List.of(delete.key());
    }

    @Override
    String idempotencyKey() {
      return delete.idempotencyKey();
    }

    @Override
    String request() {
      return "delete " + delete.key();
    }

    @Override
    JsonObject encode(DeleteResult result) {
      return DocWire.toJson(result);
    }

    @Override
    DeleteResult decode(JsonObject stored) {
      return DocWire.deleteResult(stored);
    }
  }
}
