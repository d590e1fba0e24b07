package dev.troupe.db;

import static dev.troupe.db.Sql.first;
import static dev.troupe.db.Sql.timestamp;

import dev.troupe.shared.contract.ChunkUpload;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's record from creation to its end: created (receiving lines, or queued with its first page
 * chunk), fed lines, submitted, stopped as failed or cancelled, and read. Moving it on as its
 * chunks are worked is {@link ChunkLeases}' part.
 */
final class JobLifecycle {
  private final Pool pool;
  private final JobSql sql;
  private final Clock clock;

  JobLifecycle(Pool pool, JobSql sql, Clock clock) {
    this.pool = pool;
    this.sql = sql;
    this.clock = clock;
  }

  /**
   * A new job. Queued ones (export, warmup) start with one page chunk and the collection's live
   * document count as their total; the others wait for their lines.
   */
  Future<JobStatus> create(String id, String type, String collection, boolean queued) {
    OffsetDateTime now = timestamp(Sql.now(clock));
    Future<JobStatus> created =
        queued
            ? pool.withTransaction(
                    conn ->
                        conn.preparedQuery(sql.countDocs)
                            .execute(Tuple.of(collection))
                            .compose(
                                rows ->
                                    conn.preparedQuery(sql.insertJob)
                                        .execute(
                                            Tuple.of(
                                                id,
                                                type,
                                                collection,
                                                JobState.QUEUED.wire(),
                                                first(rows).getLong(0),
                                                1,
                                                now,
                                                now)))
                            .compose(
                                done ->
                                    conn.preparedQuery(sql.insertChunk)
                                        .execute(Tuple.of(id, 0, 0L, 0, "")))
                            .mapEmpty())
                .compose(done -> get(id))
            : pool.withTransaction(
                    conn ->
                        conn.preparedQuery(sql.insertJob)
                            .execute(
                                Tuple.of(
                                    id,
                                    type,
                                    collection,
                                    JobState.RECEIVING.wire(),
                                    null,
                                    0,
                                    now,
                                    now)))
                .compose(done -> get(id));
    return created.recover(Sql::failed);
  }

  /** Stores a chunk of lines of a job that is still receiving them. */
  Future<Void> append(ChunkUpload chunk) {
    return pool.preparedQuery(sql.jobState)
        .execute(Tuple.of(chunk.jobId()))
        .compose(
            rows -> {
              Row row = first(rows);
              if (row == null) {
                throw TroupeException.notFound("no job " + chunk.jobId());
              }
              if (JobState.ofWire(row.getString(0)) != JobState.RECEIVING) {
                throw new TroupeException(
                    ErrorCode.CONFLICT,
                    "job " + chunk.jobId() + " is " + row.getString(0) + ", not receiving lines");
              }
              return pool.withTransaction(
                  conn ->
                      conn.preparedQuery(sql.insertChunk)
                          .execute(
                              Tuple.of(
                                  chunk.jobId(),
                                  chunk.seq(),
                                  chunk.firstLine(),
                                  chunk.lines(),
                                  chunk.payload()))
                          .compose(
                              done ->
                                  conn.preparedQuery(sql.touch)
                                      .execute(
                                          Tuple.of(timestamp(Sql.now(clock)), chunk.jobId()))));
            })
        .<Void>mapEmpty()
        .recover(Sql::failed);
  }

  /**
   * Queues a job whose lines are all stored; the chunk and line counts must match what was stored.
   */
  Future<JobStatus> submit(String id, int chunks, long total) {
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(sql.countChunks)
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
                          return conn.preparedQuery(sql.submit)
                              .execute(Tuple.of(chunks, total, id));
                        })
                    .compose(
                        rows ->
                            rows.rowCount() == 1
                                ? Future.succeededFuture()
                                : conflictOrMissing(conn, id, "is not receiving lines")))
        .compose(done -> get(id))
        .recover(Sql::failed);
  }

  /**
   * Ends an unfinished job as {@code end}: {@link JobState#FAILED} (with {@code error}) or {@link
   * JobState#CANCELLED}; its unfinished chunks go. A finished job stays as it is.
   */
  Future<JobStatus> stop(String id, JobState end, String error) {
    String stop;
    try {
      stop = sql.stop(end);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return pool.withTransaction(
            conn ->
                conn.preparedQuery(stop)
                    .execute(Tuple.of(JobSql.errorText(error), timestamp(Sql.now(clock)), id))
                    .compose(
                        rows ->
                            rows.rowCount() == 1
                                ? conn.preparedQuery(sql.dropPending)
                                    .execute(Tuple.of(id))
                                    .mapEmpty()
                                : Future.succeededFuture()))
        .compose(done -> get(id))
        .recover(Sql::failed);
  }

  Future<JobStatus> get(String id) {
    return pool.preparedQuery(sql.getJob)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              Row row = first(rows);
              if (row == null) {
                throw TroupeException.notFound("no job " + id);
              }
              return status(row);
            })
        .recover(Sql::failed);
  }

  /**
   * Fails the imports that stored no lines for {@code idleMs}: their upload broke off without a
   * word (the gateway taking it died), so no more will come. Answers how many.
   */
  Future<Integer> expireUploads(long idleMs) {
    return pool.preparedQuery(sql.abandoned)
        .execute(Tuple.of(timestamp(Sql.now(clock).minusMillis(idleMs))))
        .compose(
            rows -> {
              List<Future<JobStatus>> stops = new ArrayList<>();
              rows.forEach(
                  row ->
                      stops.add(
                          stop(
                              row.getString(0),
                              JobState.FAILED,
                              "the upload stopped: no lines arrived for " + idleMs + " ms")));
              return Future.all(stops).map(done -> stops.size());
            })
        .recover(Sql::failed);
  }

  private Future<Void> conflictOrMissing(SqlConnection conn, String id, String why) {
    return conn.preparedQuery(sql.jobState)
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
        Sql.optionalInstant(row.getValue(8)),
        Sql.optionalInstant(row.getValue(9)),
        row.getString(10));
  }
}
