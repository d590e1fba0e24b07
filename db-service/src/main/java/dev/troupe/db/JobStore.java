package dev.troupe.db;

import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkUpload;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The jobs tables: job records, their chunks (the durable work queue) with leases, line errors and
 * result parts. A claim is one conditional UPDATE (the chunk is pending, or its lease expired), so
 * two workers never both win a chunk, on any database, without row locks held between statements.
 * Every write runs in a transaction of its own: the JDBC pool does not commit a statement by
 * itself.
 */
final class JobStore {
  static final String CHUNK_PENDING = "pending";
  static final String CHUNK_CLAIMED = "claimed";
  static final String CHUNK_DONE = "done";

  /**
   * Candidates read per claim; a worker tries them in random order so that racing workers spread
   * out.
   */
  private static final int CLAIM_CANDIDATES = 8;

  private static final int MAX_ERROR_TEXT = 1000;

  private static final String JOB_COLUMNS =
      "id, type, collection, state, done, total, failed, created_at, started_at, finished_at, error";
  private static final String UNFINISHED = "('receiving', 'queued', 'running')";

  private final Pool pool;
  private final Clock clock;
  private final String insertJob;
  private final String countDocs;
  private final String insertChunk;
  private final String jobState;
  private final String countChunks;
  private final String submit;
  private final String getJob;
  private final String stop;
  private final String dropPending;
  private final String candidates;
  private final String claimChunk;
  private final String claimedChunk;
  private final String startJob;
  private final String renew;
  private final String ownedChunk;
  private final String requeue;
  private final String completeChunk;
  private final String lockJob;
  private final String insertError;
  private final String insertResult;
  private final String progress;
  private final String errors;
  private final String result;
  private final String queuedChunks;
  private final String runningJobs;
  private final String touch;
  private final String abandoned;

  JobStore(Pool pool, UnaryOperator<String> dialect, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    insertJob =
        dialect.apply(
            "INSERT INTO troupe_jobs (id, type, collection, state, done, total, failed, chunks,"
                + " chunks_done, results, created_at, touched_at) VALUES (?, ?, ?, ?, 0, ?, 0, ?, 0, 0, ?, ?)");
    countDocs =
        dialect.apply(
            "SELECT COUNT(*) FROM troupe_documents WHERE collection = ? AND deleted = FALSE");
    insertChunk =
        dialect.apply(
            "INSERT INTO troupe_job_chunks (job_id, seq, first_line, lines, payload, state,"
                + " attempts) VALUES (?, ?, ?, ?, ?, 'pending', 0)");
    jobState = dialect.apply("SELECT state FROM troupe_jobs WHERE id = ?");
    countChunks =
        dialect.apply(
            "SELECT COUNT(*), COALESCE(SUM(lines), 0) FROM troupe_job_chunks WHERE job_id = ?");
    submit =
        dialect.apply(
            "UPDATE troupe_jobs SET state = 'queued', chunks = ?, total = ? WHERE id = ? AND state = 'receiving'");
    getJob = dialect.apply("SELECT " + JOB_COLUMNS + " FROM troupe_jobs WHERE id = ?");
    stop =
        dialect.apply(
            "UPDATE troupe_jobs SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state IN "
                + UNFINISHED);
    dropPending =
        dialect.apply("DELETE FROM troupe_job_chunks WHERE job_id = ? AND state <> 'done'");
    candidates =
        dialect.apply(
            "SELECT c.job_id, c.seq FROM troupe_job_chunks c JOIN troupe_jobs j ON j.id = c.job_id"
                + " WHERE (c.state = 'pending' OR (c.state = 'claimed' AND c.lease_until < ?))"
                + " AND j.state IN ('queued', 'running') ORDER BY j.created_at, c.seq LIMIT "
                + CLAIM_CANDIDATES);
    claimChunk =
        dialect.apply(
            "UPDATE troupe_job_chunks SET state = 'claimed', owner = ?, lease_until = ?,"
                + " attempts = attempts + 1 WHERE job_id = ? AND seq = ?"
                + " AND (state = 'pending' OR (state = 'claimed' AND lease_until < ?))");
    claimedChunk =
        dialect.apply(
            "SELECT j.type, j.collection, c.first_line, c.lines, c.payload, c.attempts"
                + " FROM troupe_job_chunks c JOIN troupe_jobs j ON j.id = c.job_id WHERE c.job_id = ? AND c.seq = ?");
    startJob =
        dialect.apply(
            "UPDATE troupe_jobs SET state = 'running', started_at = ? WHERE id = ? AND state = 'queued'");
    renew =
        dialect.apply(
            "UPDATE troupe_job_chunks SET lease_until = ? WHERE job_id = ? AND seq = ?"
                + " AND state = 'claimed' AND owner = ?"
                + " AND EXISTS (SELECT 1 FROM troupe_jobs j WHERE j.id = ? AND j.state = 'running')");
    ownedChunk =
        dialect.apply(
            "SELECT attempts FROM troupe_job_chunks WHERE job_id = ? AND seq = ?"
                + " AND state = 'claimed' AND owner = ? FOR UPDATE");
    requeue =
        dialect.apply(
            "UPDATE troupe_job_chunks SET state = 'pending', owner = NULL, lease_until = NULL"
                + " WHERE job_id = ? AND seq = ?");
    completeChunk =
        dialect.apply(
            "UPDATE troupe_job_chunks SET state = 'done', payload = NULL, owner = NULL,"
                + " lease_until = NULL WHERE job_id = ? AND seq = ? AND state = 'claimed' AND owner = ?");
    lockJob =
        dialect.apply(
            "SELECT state, chunks, chunks_done, results FROM troupe_jobs WHERE id = ? FOR UPDATE");
    insertError =
        dialect.apply("INSERT INTO troupe_job_errors (job_id, line, message) VALUES (?, ?, ?)");
    insertResult =
        dialect.apply("INSERT INTO troupe_job_results (job_id, part, payload) VALUES (?, ?, ?)");
    progress =
        dialect.apply(
            "UPDATE troupe_jobs SET done = done + ?, failed = failed + ?, chunks = ?,"
                + " chunks_done = chunks_done + 1, results = ?, state = ?, finished_at = ? WHERE id = ?");
    errors =
        dialect.apply(
            "SELECT line, message FROM troupe_job_errors WHERE job_id = ? AND line > ? ORDER BY line LIMIT ?");
    result =
        dialect.apply(
            "SELECT r.payload, j.results FROM troupe_job_results r JOIN troupe_jobs j ON j.id = r.job_id"
                + " WHERE r.job_id = ? AND r.part = ?");
    queuedChunks =
        dialect.apply(
            "SELECT COUNT(*) FROM troupe_job_chunks c JOIN troupe_jobs j ON j.id = c.job_id"
                + " WHERE c.state <> 'done' AND j.state IN ('queued', 'running')");
    runningJobs = dialect.apply("SELECT COUNT(*) FROM troupe_jobs WHERE state = 'running'");
    touch = dialect.apply("UPDATE troupe_jobs SET touched_at = ? WHERE id = ?");
    abandoned =
        dialect.apply("SELECT id FROM troupe_jobs WHERE state = 'receiving' AND touched_at < ?");
  }

  /**
   * A new job. Queued ones (export, warmup) start with one page chunk and the collection's live
   * document count as their total; the others wait for their lines.
   */
  Future<JobStatus> create(String id, String type, String collection, boolean queued) {
    OffsetDateTime now = timestamp(now());
    Future<JobStatus> created =
        queued
            ? pool.withTransaction(
                    conn ->
                        conn.preparedQuery(countDocs)
                            .execute(Tuple.of(collection))
                            .compose(
                                rows ->
                                    conn.preparedQuery(insertJob)
                                        .execute(
                                            Tuple.of(
                                                id,
                                                type,
                                                collection,
                                                JobStatus.QUEUED,
                                                first(rows).getLong(0),
                                                1,
                                                now,
                                                now)))
                            .compose(
                                done ->
                                    conn.preparedQuery(insertChunk)
                                        .execute(Tuple.of(id, 0, 0L, 0, "")))
                            .mapEmpty())
                .compose(done -> get(id))
            : pool.withTransaction(
                    conn ->
                        conn.preparedQuery(insertJob)
                            .execute(
                                Tuple.of(
                                    id, type, collection, JobStatus.RECEIVING, null, 0, now, now)))
                .compose(done -> get(id));
    return created.recover(JobStore::failed);
  }

  /** Stores a chunk of lines of a job that is still receiving them. */
  Future<Void> append(ChunkUpload chunk) {
    return pool.preparedQuery(jobState)
        .execute(Tuple.of(chunk.jobId()))
        .compose(
            rows -> {
              Row row = first(rows);
              if (row == null) {
                throw TroupeException.notFound("no job " + chunk.jobId());
              }
              if (!JobStatus.RECEIVING.equals(row.getString(0))) {
                throw new TroupeException(
                    ErrorCode.CONFLICT,
                    "job " + chunk.jobId() + " is " + row.getString(0) + ", not receiving lines");
              }
              return pool.withTransaction(
                  conn ->
                      conn.preparedQuery(insertChunk)
                          .execute(
                              Tuple.of(
                                  chunk.jobId(),
                                  chunk.seq(),
                                  chunk.firstLine(),
                                  chunk.lines(),
                                  chunk.payload()))
                          .compose(
                              done ->
                                  conn.preparedQuery(touch)
                                      .execute(Tuple.of(timestamp(now()), chunk.jobId()))));
            })
        .<Void>mapEmpty()
        .recover(JobStore::failed);
  }

  /**
   * Queues a job whose lines are all stored; the chunk and line counts must match what was stored.
   */
  Future<JobStatus> submit(String id, int chunks, long total) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(countChunks)
                    .execute(Tuple.of(id))
                    .compose(
                        rows -> {
                          Row row = first(rows);
                          if (row.getLong(0) != chunks || row.getLong(1) != total) {
                            throw new TroupeException(
                                ErrorCode.CONFLICT,
                                "job "
                                    + id
                                    + " holds "
                                    + row.getLong(0)
                                    + " chunks of "
                                    + row.getLong(1)
                                    + " lines, not "
                                    + chunks
                                    + " of "
                                    + total);
                          }
                          return conn.preparedQuery(submit).execute(Tuple.of(chunks, total, id));
                        })
                    .compose(
                        rows ->
                            rows.rowCount() == 1
                                ? Future.succeededFuture()
                                : conflictOrMissing(conn, id, "is not receiving lines")))
        .compose(done -> get(id))
        .recover(JobStore::failed);
  }

  /**
   * Ends an unfinished job as {@code failed} (with {@code error}) or {@code cancelled}; its
   * unfinished chunks go.
   */
  Future<JobStatus> stop(String id, String state, String error) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(stop)
                    .execute(Tuple.of(state, truncate(error), timestamp(now()), id))
                    .compose(
                        rows ->
                            rows.rowCount() == 1
                                ? conn.preparedQuery(dropPending).execute(Tuple.of(id)).mapEmpty()
                                : Future.succeededFuture()))
        .compose(done -> get(id))
        .recover(JobStore::failed);
  }

  Future<JobStatus> get(String id) {
    return pool.preparedQuery(getJob)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              Row row = first(rows);
              if (row == null) {
                throw TroupeException.notFound("no job " + id);
              }
              return status(row);
            })
        .recover(JobStore::failed);
  }

  /**
   * Claims a pending chunk, or one whose lease expired, of a queued or running job for {@code
   * owner} until {@code leaseMs} from now; null when there is none.
   */
  Future<JobChunk> claim(String owner, long leaseMs) {
    Instant now = now();
    return pool.preparedQuery(candidates)
        .execute(Tuple.of(timestamp(now)))
        .compose(
            rows -> {
              List<Tuple> keys = new ArrayList<>();
              rows.forEach(row -> keys.add(Tuple.of(row.getString(0), row.getInteger(1))));
              Collections.shuffle(keys, ThreadLocalRandom.current());
              return tryClaim(keys, 0, owner, now, leaseMs);
            })
        .recover(JobStore::failed);
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
                conn.preparedQuery(claimChunk)
                    .execute(
                        Tuple.of(
                            owner, timestamp(now.plusMillis(leaseMs)), jobId, seq, timestamp(now))))
        .compose(
            rows ->
                rows.rowCount() == 1
                    ? claimed(jobId, seq, now)
                    : tryClaim(keys, index + 1, owner, now, leaseMs));
  }

  private Future<JobChunk> claimed(String jobId, int seq, Instant now) {
    return pool.withTransaction(
            conn -> conn.preparedQuery(startJob).execute(Tuple.of(timestamp(now), jobId)))
        .compose(started -> pool.preparedQuery(claimedChunk).execute(Tuple.of(jobId, seq)))
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
                  text(row.getValue(4)),
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
                conn.preparedQuery(renew)
                    .execute(Tuple.of(timestamp(now().plusMillis(leaseMs)), id, seq, owner, id)))
        .map(rows -> rows.rowCount() == 1)
        .recover(JobStore::failed);
  }

  /**
   * Gives back a chunk whose work failed: it is claimable again, unless the failure was {@code
   * fatal} or the chunk was tried {@code maxAttempts} times; then the job fails with {@code error}.
   */
  Future<JobStatus> release(
      String id, int seq, String owner, String error, boolean fatal, int maxAttempts) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(ownedChunk)
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
                          return conn.preparedQuery(requeue).execute(Tuple.of(id, seq)).map(false);
                        }))
        .compose(fail -> fail ? stop(id, JobStatus.FAILED, "chunk " + seq + ": " + error) : get(id))
        .recover(JobStore::failed);
  }

  /**
   * Records a chunk's outcome with its completion, in one transaction: progress, line errors, a
   * result part and the next page chunk. The last chunk finishes the job. An outcome from a worker
   * that no longer holds the chunk, or for a job that stopped, changes nothing.
   */
  Future<JobStatus> complete(ChunkOutcome outcome) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(completeChunk)
                    .execute(Tuple.of(outcome.jobId(), outcome.seq(), outcome.owner()))
                    .compose(
                        rows ->
                            rows.rowCount() == 1
                                ? record(conn, outcome)
                                : Future.succeededFuture()))
        .compose(done -> get(outcome.jobId()))
        .recover(JobStore::failed);
  }

  private Future<Void> record(SqlConnection conn, ChunkOutcome outcome) {
    return conn.preparedQuery(lockJob)
        .execute(Tuple.of(outcome.jobId()))
        .compose(
            rows -> {
              Row job = first(rows);
              if (job == null || !JobStatus.RUNNING.equals(job.getString(0))) {
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
                                Tuple.of(outcome.jobId(), e.line(), truncate(e.error()))));
                writes.add(conn.preparedQuery(insertError).executeBatch(errorRows));
              }
              if (outcome.result() != null) {
                writes.add(
                    conn.preparedQuery(insertResult)
                        .execute(Tuple.of(outcome.jobId(), results++, outcome.result())));
              }
              if (outcome.next() != null) {
                writes.add(
                    conn.preparedQuery(insertChunk)
                        .execute(Tuple.of(outcome.jobId(), chunks++, 0L, 0, outcome.next())));
              }
              boolean finished = chunksDone >= chunks;
              Tuple update =
                  Tuple.of(
                      outcome.processed(),
                      (long) outcome.errors().size(),
                      chunks,
                      results,
                      finished ? JobStatus.SUCCEEDED : JobStatus.RUNNING,
                      finished ? timestamp(now()) : null,
                      outcome.jobId());
              // One connection runs its statements in order; the futures only report them.
              return Future.all(writes)
                  .compose(done -> conn.preparedQuery(progress).execute(update))
                  .mapEmpty();
            });
  }

  /** Line errors of a job after line {@code after}, at most {@code limit}, by line number. */
  Future<JsonObject> errors(String id, long after, int limit) {
    return get(id)
        .compose(job -> pool.preparedQuery(errors).execute(Tuple.of(id, after, limit + 1)))
        .map(
            rows -> {
              JsonArray items = new JsonArray();
              Long last = null;
              boolean more = false;
              for (Row row : rows) {
                if (items.size() == limit) {
                  more = true;
                  break;
                }
                last = row.getLong(0);
                items.add(new JsonObject().put("line", last).put("error", row.getString(1)));
              }
              return new JsonObject().put("items", items).put("next", more ? last : null);
            })
        .recover(JobStore::failed);
  }

  /** Part {@code part} of a job's result, and the number of the next part or null. */
  Future<JsonObject> result(String id, int part) {
    return get(id)
        .compose(job -> pool.preparedQuery(result).execute(Tuple.of(id, part)))
        .map(
            rows -> {
              Row row = first(rows);
              if (row == null) {
                throw TroupeException.notFound("job " + id + " has no result part " + part);
              }
              int parts = row.getInteger(1);
              return new JsonObject()
                  .put("payload", text(row.getValue(0)))
                  .put("next", part + 1 < parts ? part + 1 : null);
            })
        .recover(JobStore::failed);
  }

  /**
   * Fails the imports that stored no lines for {@code idleMs}: their upload broke off without a
   * word (the gateway taking it died), so no more will come. Answers how many.
   */
  Future<Integer> expireUploads(long idleMs) {
    return pool.preparedQuery(abandoned)
        .execute(Tuple.of(timestamp(now().minusMillis(idleMs))))
        .compose(
            rows -> {
              List<Future<JobStatus>> stops = new ArrayList<>();
              rows.forEach(
                  row ->
                      stops.add(
                          stop(
                              row.getString(0),
                              JobStatus.FAILED,
                              "the upload stopped: no lines arrived for " + idleMs + " ms")));
              return Future.all(stops).map(done -> stops.size());
            })
        .recover(JobStore::failed);
  }

  /** Chunks waiting or in work of queued and running jobs, and the running jobs. */
  Future<JsonObject> stats() {
    return pool.preparedQuery(queuedChunks)
        .execute(Tuple.tuple())
        .compose(
            queued ->
                pool.preparedQuery(runningJobs)
                    .execute(Tuple.tuple())
                    .map(
                        running ->
                            new JsonObject()
                                .put("queuedChunks", first(queued).getLong(0))
                                .put("runningJobs", first(running).getLong(0))))
        .recover(JobStore::failed);
  }

  private Future<Void> conflictOrMissing(SqlConnection conn, String id, String why) {
    return conn.preparedQuery(jobState)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              Row row = first(rows);
              return Future.failedFuture(
                  row == null
                      ? TroupeException.notFound("no job " + id)
                      : new TroupeException(
                          ErrorCode.CONFLICT,
                          "job " + id + " " + why + " (it is " + row.getString(0) + ")"));
            });
  }

  private static JobStatus status(Row row) {
    return new JobStatus(
        row.getString(0),
        row.getString(1),
        row.getString(2),
        row.getString(3),
        row.getLong(4),
        row.getLong(5),
        row.getLong(6),
        Sql.instant(row.getValue(7)),
        optionalInstant(row.getValue(8)),
        optionalInstant(row.getValue(9)),
        row.getString(10));
  }

  private static Instant optionalInstant(Object value) {
    return value == null ? null : Sql.instant(value);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static String truncate(String text) {
    return text == null || text.length() <= MAX_ERROR_TEXT
        ? text
        : text.substring(0, MAX_ERROR_TEXT - 3) + "...";
  }

  private static Row first(RowSet<Row> rows) {
    RowIterator<Row> it = rows.iterator();
    return it.hasNext() ? it.next() : null;
  }

  private static String text(Object value) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof Clob clob) {
      try (Reader reader = clob.getCharacterStream()) {
        StringBuilder sb = new StringBuilder((int) Math.min(clob.length(), Integer.MAX_VALUE));
        char[] buf = new char[8192];
        for (int n; (n = reader.read(buf)) > 0; ) {
          sb.append(buf, 0, n);
        }
        return sb.toString();
      } catch (SQLException | IOException e) {
        throw new IllegalStateException("cannot read a stored chunk", e);
      }
    }
    throw new IllegalStateException("unexpected text type " + value.getClass());
  }

  private static <T> Future<T> failed(Throwable t) {
    return Future.failedFuture(SqlErrors.classify(t));
  }
}
