package dev.troupe.db;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Group commit: the writes of one db verticle instance (document writes, or actor state saves)
 * share transactions. The instance commits up to {@code concurrency} groups at a time; while all of
 * them are in flight, arriving writes queue, and the next group to start takes them all, up to
 * {@code maxWrites} rows. Below that load a write starts at once (with whatever arrived in the same
 * event-loop turn), so grouping costs no latency; at saturation groups grow with the queue. A cost
 * paid per commit (H2 writing its pages to the file, PostgreSQL flushing its WAL, the BEGIN/COMMIT
 * round trips) is then paid once for the group instead of once per write, and it is exactly when
 * writes queue that sharing pays.
 *
 * <p>{@code maxWaitMs} 0 adds no delay: a write arriving at an idle instance commits at once (with
 * whatever arrived in the same event-loop turn). Above 0, a group that is not full waits up to that
 * long for company before it commits.
 *
 * <p>Every field is touched on the owner context only; callers on other threads are handed over to
 * it. A group whose transaction failed with a unique violation (another transaction created one of
 * its new rows, or applied one of its idempotency keys, first) is judged again against what that
 * transaction committed. Both databases report the violation only once the other transaction has
 * committed (they wait for its lock), and neither rows nor applied keys go away, so each such
 * failure turns one of the group's keys from absent into present for good: a group is tried at most
 * once more than it has keys. A fixed small bound would not do: under load a group of many new keys
 * can meet a different creator on each attempt, and an unconditional put must never get a 409.
 */
final class GroupCommitter<W extends GroupCommitter.Member> {

  /**
   * One caller's write waiting for a group: how many rows it counts for, which rows it locks, and
   * how to fail it.
   */
  interface Member {
    int items();

    /**
     * The rows this write locks (documents, actor states), each once; never empty. A write does not
     * start while a group of the same committer holding one of them is in flight.
     */
    List<?> keys();

    void fail(Throwable failure);
  }

  /**
   * A committed group's outcome: answers each of its members (their result or their own failure).
   */
  interface Committed {
    void answer();
  }

  /** Commits one group as one transaction; fails with nothing written. */
  interface Writer<W> {
    Future<? extends Committed> commit(List<W> group);

    /**
     * How often {@code group} may be tried when it meets rows (or keys) another transaction created
     * meanwhile: once more than it has rows that can be created.
     */
    int attempts(List<W> group);

    /** Releases what the writer holds; call once no group is in flight. */
    Future<Void> close();
  }

  private final Vertx vertx;
  private final Context owner;
  private final Writer<W> writer;
  private final int maxWrites;
  private final long maxWaitMs;
  private final int maxQueued;
  private final int concurrency;
  private final DistributionSummary groupWrites;
  private final Counter retries;
  private final Counter splits;
  private final ArrayDeque<W> queue = new ArrayDeque<>();
  private int queuedItems;

  /** The rows locked by the groups in flight, with how many of those groups hold each. */
  private final Map<Object, Integer> held = new HashMap<>();

  /** Groups in flight. */
  private int committing;

  private boolean scheduled;
  private long timer = -1;
  private boolean closed;

  /** Completed once closed and every queued write has been answered. */
  private final Promise<Void> drained = Promise.promise();

  /**
   * @param owner the context every group is formed and answered on
   * @param maxWrites documents in one group at most (a bigger {@code _mput} goes alone)
   * @param maxWaitMs how long a group that is not full waits for more writes; 0 for no wait
   * @param maxQueued writes (calls) waiting at most; more are refused with a retryable 503
   * @param concurrency groups in flight at once (each one transaction on its own connection)
   * @param store what is grouped, the meters' {@code store} tag: {@code documents} or {@code state}
   */
  GroupCommitter(
      Vertx vertx,
      Context owner,
      Writer<W> writer,
      int maxWrites,
      long maxWaitMs,
      int maxQueued,
      int concurrency,
      String store,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.owner = owner;
    this.writer = writer;
    this.maxWrites = maxWrites;
    this.maxWaitMs = maxWaitMs;
    this.maxQueued = maxQueued;
    this.concurrency = concurrency;
    this.groupWrites =
        DistributionSummary.builder("troupe_db_group_writes")
            .description(
                "rows written per group commit (documents: each put, delete or _mput item; state: each save and each of its messages)")
            .tag("store", store)
            .register(registry);
    this.retries =
        Counter.builder("troupe_db_group_retries")
            .description(
                "group commits tried again because another transaction created one of their rows first")
            .tag("store", store)
            .register(registry);
    this.splits =
        Counter.builder("troupe_db_group_splits")
            .description(
                "group commits that failed for a reason one write may have caused, then committed write by write")
            .tag("store", store)
            .register(registry);
  }

  /** Queues {@code write} for the next group; it is answered after that group's commit. */
  void submit(W write) {
    if (Vertx.currentContext() == owner) {
      enqueue(write);
    } else {
      owner.runOnContext(v -> enqueue(write));
    }
  }

  /**
   * Refuses new writes; those queued or in flight still commit and are answered, then the writer is
   * closed.
   */
  Future<Void> close() {
    owner.runOnContext(
        v -> {
          closed = true;
          drainedIfIdle();
        });
    return drained.future().compose(v -> writer.close());
  }

  private void drainedIfIdle() {
    if (closed && committing == 0 && queue.isEmpty()) {
      drained.tryComplete();
    }
  }

  /** Groups committed so far (for tests and the metric's readers). */
  long groups() {
    return groupWrites.count();
  }

  private void enqueue(W write) {
    if (closed) {
      write.fail(
          new TroupeException(
              ErrorCode.UNAVAILABLE, "db-service is stopping; retry on another node"));
      return;
    }
    if (queue.size() >= maxQueued) {
      // Shed for load, not a fault: callers' circuit breakers must not count it.
      write.fail(
          new TroupeException(
              ErrorCode.OVERLOADED,
              "db-service has " + queue.size() + " writes waiting to commit; retry shortly"));
      return;
    }
    queue.add(write);
    queuedItems += write.items();
    schedule();
  }

  /**
   * Starts the next group unless every slot is committing (it starts when one is done) or it is
   * already scheduled. The start is one hop away, so writes arriving in the same turn join it.
   */
  private void schedule() {
    if (committing >= concurrency || queue.isEmpty()) {
      return;
    }
    if (timer >= 0 && queuedItems >= maxWrites) {
      vertx.cancelTimer(timer);
      timer = -1;
      scheduled = false;
    }
    if (scheduled) {
      return;
    }
    scheduled = true;
    if (maxWaitMs > 0 && queuedItems < maxWrites) {
      timer =
          vertx.setTimer(
              maxWaitMs,
              t -> {
                timer = -1;
                next();
              });
    } else {
      owner.runOnContext(v -> next());
    }
  }

  private void next() {
    scheduled = false;
    while (committing < concurrency && !queue.isEmpty() && start()) {
      // each start takes what it can; the rest waits for a slot or for its rows
    }
  }

  /**
   * Starts a group of the queued writes, in arrival order, that touch no row a group in flight
   * holds: concurrent groups of one committer never wait for each other's row locks. A write that
   * has to wait also holds back the later writes of its rows, so two writes of one row still apply
   * in arrival order. Returns false when every queued write waits for a group in flight.
   */
  private boolean start() {
    List<W> group = new ArrayList<>();
    Set<Object> blocked = held.isEmpty() ? null : new HashSet<>(held.keySet());
    int items = 0;
    for (Iterator<W> it = queue.iterator(); it.hasNext(); ) {
      W write = it.next();
      if (!group.isEmpty() && items + write.items() > maxWrites) {
        break;
      }
      if (blocked != null && touchesAny(write, blocked)) {
        blocked.addAll(write.keys());
        continue;
      }
      it.remove();
      items += write.items();
      group.add(write);
    }
    if (group.isEmpty()) {
      return false;
    }
    queuedItems -= items;
    committing++;
    groupWrites.record(items);
    List<Object> locks = new ArrayList<>();
    for (W write : group) {
      for (Object key : write.keys()) {
        held.merge(key, 1, Integer::sum);
        locks.add(key);
      }
    }
    int attempts = writer.attempts(group);
    commit(group, attempts)
        .onComplete(
            done -> {
              for (Object key : locks) {
                held.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
              }
              committing--;
              schedule();
              drainedIfIdle();
            });
    return true;
  }

  private static boolean touchesAny(Member write, Set<Object> rows) {
    for (Object key : write.keys()) {
      if (rows.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Commits {@code group} and answers each of its writes. A group that failed for a reason one of
   * its writes may have caused (anything but the database being busy, slow or gone) is split: each
   * write is then committed alone, one after another, so a write that cannot be stored fails by
   * itself and its neighbours are judged on their own. A lock wait that gave up splits the group by
   * row ({@link #splitByRow}).
   */
  private Future<Void> commit(List<W> group, int attempts) {
    return attempt(group, 1, attempts)
        .transform(
            done -> {
              if (done.succeeded()) {
                done.result().answer();
                return Future.succeededFuture();
              }
              TroupeException failure = SqlErrors.classify(done.cause());
              if (SqlErrors.isLockTimeout(done.cause())) {
                return splitByRow(group, failure);
              }
              if (group.size() == 1
                  || failure.code() == ErrorCode.UNAVAILABLE
                  || failure.code() == ErrorCode.TIMEOUT) {
                group.forEach(write -> write.fail(failure));
                return Future.succeededFuture();
              }
              splits.increment();
              Future<Void> alone = Future.succeededFuture();
              for (W write : group) {
                List<W> one = List.of(write);
                alone = alone.compose(v -> commit(one, writer.attempts(one)));
              }
              return alone;
            });
  }

  /**
   * A lock wait gave up: another transaction holds a row of the group, and nothing says which. The
   * writes of each row (by a write's first row) are then committed as a group of their own, one row
   * after another in arrival order, so only the writes of the held row wait for it again and fail;
   * a group of one row fails as a whole at once (waiting again would only repeat the wait).
   */
  private Future<Void> splitByRow(List<W> group, TroupeException failure) {
    Map<Object, List<W>> byRow = new LinkedHashMap<>();
    for (W write : group) {
      byRow.computeIfAbsent(write.keys().get(0), k -> new ArrayList<>()).add(write);
    }
    if (byRow.size() == 1) {
      group.forEach(write -> write.fail(failure));
      return Future.succeededFuture();
    }
    splits.increment();
    Future<Void> rows = Future.succeededFuture();
    for (List<W> row : byRow.values()) {
      rows = rows.compose(v -> commit(row, writer.attempts(row)));
    }
    return rows;
  }

  private Future<Committed> attempt(List<W> group, int attempt, int attempts) {
    return Future.<Void>succeededFuture()
        .compose(v -> writer.commit(group))
        .<Committed>map(c -> c)
        .recover(
            e -> {
              if (attempt < attempts
                  && (SqlErrors.isUniqueViolation(e) || SqlErrors.isDeadlock(e))) {
                retries.increment();
                return attempt(group, attempt + 1, attempts);
              }
              return Future.failedFuture(e);
            });
  }
}
