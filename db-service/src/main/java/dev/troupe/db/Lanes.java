package dev.troupe.db;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * The group committers of one store on one node, one lane per db verticle instance. A write goes to
 * the lane its first row hashes to, so on one node the writes of one document (or one actor's
 * state) always meet in one committer, which never runs two groups holding the same row at once:
 * concurrent group commits of a node do not queue on each other's row locks. Without lanes, each
 * instance grouped what the event bus happened to hand it, and on a few hot documents the groups of
 * the four instances waited for each other's locks (PostgreSQL, {@code Lock:transactionid}).
 *
 * <p>Lanes only choose where a write queues; correctness still rests on the rows' locks. While
 * instances start or stop the number of lanes changes, and a row's writes may meet in two lanes for
 * a moment: they then serialise in the database, as before.
 *
 * @param <W> what is written: document writes or actor state saves
 */
final class Lanes<W extends GroupCommitter.Member> {
  private volatile List<GroupCommitter<W>> lanes = List.of();

  synchronized void add(GroupCommitter<W> lane) {
    List<GroupCommitter<W>> next = new ArrayList<>(lanes);
    next.add(lane);
    lanes = List.copyOf(next);
  }

  synchronized void remove(GroupCommitter<W> lane) {
    List<GroupCommitter<W>> next = new ArrayList<>(lanes);
    next.remove(lane);
    lanes = List.copyOf(next);
  }

  /**
   * Queues {@code write} in its row's lane ({@code own} when no lane is registered, or when it is
   * the row's lane). The answer completes on the caller's context, as if {@code own} had committed
   * it.
   */
  <T> Future<T> submit(GroupCommitter<W> own, W write, Future<T> answer) {
    List<GroupCommitter<W>> current = lanes;
    GroupCommitter<W> lane =
        current.isEmpty() ? own : current.get(index(write.keys().get(0), current.size()));
    lane.submit(write);
    Context caller = Vertx.currentContext();
    if (lane == own || caller == null) {
      return answer;
    }
    Promise<T> here = Promise.promise();
    answer.onComplete(done -> caller.runOnContext(v -> here.handle(done)));
    return here.future();
  }

  private static int index(Object row, int lanes) {
    int h = row.hashCode();
    return Math.floorMod(h ^ (h >>> 16), lanes);
  }
}
