package dev.troupe.db;

import static dev.troupe.db.Sql.first;
import static dev.troupe.db.Sql.timestamp;

import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The work queue: chunks of queued and running jobs, claimed by workers under leases, given back,
 * and completed with their outcome, which moves the job on. A claim is one conditional UPDATE (the
 * chunk is pending, or its lease expired), so two workers never both win a chunk, on any database,
 * without row locks held between statements.
 */
final class ChunkLeases {
  private final Pool pool;
  private final JobSql sql;
  private final Clock clock;
  private final JobLifecycle jobs;

  ChunkLeases(Pool pool, JobSql sql, Clock clock, JobLifecycle jobs) {
    this.pool = pool;
    this.sql = sql;
    this.clock = clock;
    this.jobs = jobs;
  }

  /**
   * Claims a pending chunk, or one whose lease expired, of a queued or running job of one of {@code
   * types} for {@code owner} until {@code leaseMs} from now; null when there is none. A chunk of
   * any other type is never claimed: its type's handler is not on the claiming node.
   */
  Future<JobChunk> claim(String owner, long leaseMs, List<String> types) {
    Instant now = Sql.now(clock);
    Tuple params = Tuple.of(timestamp(now));
    types.forEach(params::addString);
    String candidates;
    try {
      candidates = sql.candidates(types.size());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(TroupeException.badRequest(e.getMessage()));
    }
    return pool.preparedQuery(candidates)
        .execute(params)
        .compose(
            rows -> {
              List<Tuple> keys = new ArrayList<>();
              rows.forEach(row -> keys.add(Tuple.of(row.getString(0), row.getInteger(1))));
              Collections.shuffle(keys, ThreadLocalRandom.current());
              return tryClaim(keys, 0, owner, now, leaseMs);
            })
        .recover(Sql::failed);
  }

  private Future<JobChunk> tryClaim(
      List<Tuple> keys, int index, String owner, Instant now, long leaseMs) {
    if (index == keys.size()) {
      return Future.succeededFuture();
    }
    String jobId = keys.get(index).getString(0);
    int seq = keys.get(index).getInteger(1);
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(sql.claimChunk)
                    .execute(
                        Tuple.of(
                            owner, timestamp(now.plusMillis(leaseMs)), jobId, seq, timestamp(now))))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? claimed(jobId, seq, now)
                    : tryClaim(keys, index + 1, owner, now, leaseMs));
  }

  /** The first claim of a queued job starts it. */
  private Future<JobChunk> claimed(String jobId, int seq, Instant now) {
    return pool.withTransaction(
            conn -> conn.preparedQuery(sql.startJob).execute(Tuple.of(timestamp(now), jobId)))
        .compose(started -> pool.preparedQuery(sql.claimedChunk).execute(Tuple.of(jobId, seq)))
        .map(
            rows -> {
              Row row = first(rows);
              return new JobChunk(
                  jobId,
                  row.getString(0),
                  row.getString(1),
                  seq,
                  row.getLong(2),
                  row.getInteger(3),
                  Sql.text(row.getValue(4)),
                  row.getInteger(5));
            });
  }

  /**
   * Extends the lease of a chunk {@code owner} holds; false when it lost the chunk or the job
   * stopped.
   */
  Future<Boolean> renew(String id, int seq, String owner, long leaseMs) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(sql.renew)
                    .execute(
                        Tuple.of(
                            timestamp(Sql.now(clock).plusMillis(leaseMs)), id, seq, owner, id)))
        .map(rows -> rows.rowCount() == 1)
        .recover(Sql::failed);
  }

  /**
   * Gives back a chunk whose work failed: it is claimable again, unless the failure was {@code
   * fatal} or the chunk was tried {@code maxAttempts} times; then the job fails with {@code error}.
   */
  Future<JobStatus> release(
      String id, int seq, String owner, String error, boolean fatal, int maxAttempts) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(sql.ownedChunk)
                    .execute(Tuple.of(id, seq, owner))
                    .compose(
                        rows -> {
                          Row row = first(rows);
                          if (row == null) {
                            return Future.succeededFuture(false);
                          }
                          if (fatal || row.getInteger(0) >= maxAttempts) {
                            return Future.succeededFuture(true);
                          }
                          return conn.preparedQuery(sql.requeue)
                              .execute(Tuple.of(id, seq))
                              .map(false);
                        }))
        .compose(
            fail ->
                fail ? jobs.stop(id, JobState.FAILED, "chunk " + seq + ": " + error) : jobs.get(id))
        .recover(Sql::failed);
  }

  /**
   * Records a chunk's outcome with its completion, in one transaction: progress, line errors, a
   * result part and the next page chunk. The last chunk finishes the job. An outcome from a worker
   * that no longer holds the chunk, or for a job that stopped, changes nothing.
   */
  Future<JobStatus> complete(ChunkOutcome outcome) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(sql.completeChunk)
                    .execute(Tuple.of(outcome.jobId(), outcome.seq(), outcome.owner()))
                    .compose(
                        rows ->
                            rows.rowCount() == 1
                                ? record(conn, outcome)
                                : Future.succeededFuture()))
        .compose(done -> jobs.get(outcome.jobId()))
        .recover(Sql::failed);
  }

  private Future<Void> record(SqlConnection conn, ChunkOutcome outcome) {
    return conn.preparedQuery(sql.lockJob)
        .execute(Tuple.of(outcome.jobId()))
        .compose(
            rows -> {
              Row job = first(rows);
              if (job == null || JobState.ofWire(job.getString(0)) != JobState.RUNNING) {
                return Future.succeededFuture();
              }
              int chunks = job.getInteger(1);
              int chunksDone = job.getInteger(2) + 1;
              int results = job.getInteger(3);
              List<Future<?>> writes = new ArrayList<>();
              if (!outcome.errors().isEmpty()) {
                List<Tuple> errorRows = new ArrayList<>(outcome.errors().size());
                outcome
                    .errors()
                    .forEach(
                        e ->
                            errorRows.add(
                                Tuple.of(outcome.jobId(), e.line(), JobSql.errorText(e.error()))));
                writes.add(conn.preparedQuery(sql.insertError).executeBatch(errorRows));
              }
              if (outcome.result() != null) {
                writes.add(
                    conn.preparedQuery(sql.insertResult)
                        .execute(Tuple.of(outcome.jobId(), results++, outcome.result())));
              }
              if (outcome.next() != null) {
                writes.add(
                    conn.preparedQuery(sql.insertChunk)
                        .execute(Tuple.of(outcome.jobId(), chunks++, 0L, 0, outcome.next())));
              }
              // The last chunk done moves the job on; until then it stays running.
              JobState state = chunksDone >= chunks ? JobState.SUCCEEDED : JobState.RUNNING;
              Tuple update =
                  Tuple.of(
                      outcome.processed(),
                      (long) outcome.errors().size(),
                      chunks,
                      results,
                      state.wire(),
                      state.finished() ? timestamp(Sql.now(clock)) : null,
                      outcome.jobId());
              // One connection runs its statements in order; the futures only report them.
              return Future.all(writes)
                  .compose(done -> conn.preparedQuery(sql.progress).execute(update))
                  .mapEmpty();
            });
  }

  /** Chunks waiting or in work of queued and running jobs, and the running jobs. */
  Future<JsonObject> stats() {
    return pool.preparedQuery(sql.queuedChunks)
        .execute(Tuple.tuple())
        .compose(
            queued ->
                pool.preparedQuery(sql.runningJobs)
                    .execute(Tuple.tuple())
                    .map(
                        running ->
                            new JsonObject()
                                .put("queuedChunks", first(queued).getLong(0))
                                .put("runningJobs", first(running).getLong(0))))
        .recover(Sql::failed);
  }
}
