package dev.troupe.db;

import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkUpload;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The jobs tables: job records ({@link JobLifecycle}), their chunks, the durable work queue with
 * leases ({@link ChunkLeases}), and what jobs produced, line errors and result parts ({@link
 * JobResults}). Where a job may go is {@link JobState}'s to say, where a chunk may go {@link
 * ChunkState}'s; the statements are composed from them ({@link JobSql}). Every write runs in a
 * transaction of its own: the JDBC pool does not commit a statement by itself.
 */
final class JobStore {
  private final JobLifecycle jobs;
  private final ChunkLeases leases;
  private final JobResults results;

  /** A store over {@code pool}; {@code dialect} turns the {@code ?} statements into its SQL. */
  JobStore(Pool pool, UnaryOperator<String> dialect, Clock clock) {
    JobSql sql = new JobSql(new Sql(dialect));
    this.jobs = new JobLifecycle(pool, sql, clock);
    this.leases = new ChunkLeases(pool, sql, clock, jobs);
    this.results = new JobResults(pool, sql, jobs);
  }

  /** {@link JobLifecycle#create}. */
  Future<JobStatus> create(String id, String type, String collection, boolean queued) {
    return jobs.create(id, type, collection, queued);
  }

  /** {@link JobLifecycle#append}. */
  Future<Void> append(ChunkUpload chunk) {
    return jobs.append(chunk);
  }

  /** {@link JobLifecycle#submit}. */
  Future<JobStatus> submit(String id, int chunks, long total) {
    return jobs.submit(id, chunks, total);
  }

  /** {@link JobLifecycle#stop}. */
  Future<JobStatus> stop(String id, JobState end, String error) {
    return jobs.stop(id, end, error);
  }

  /** {@link JobLifecycle#get}. */
  Future<JobStatus> get(String id) {
    return jobs.get(id);
  }

  /** {@link JobLifecycle#expireUploads}. */
  Future<Integer> expireUploads(long idleMs) {
    return jobs.expireUploads(idleMs);
  }

  /** {@link ChunkLeases#claim}. */
  Future<JobChunk> claim(String owner, long leaseMs, List<String> types) {
    return leases.claim(owner, leaseMs, types);
  }

  /** {@link ChunkLeases#renew}. */
  Future<Boolean> renew(String id, int seq, String owner, long leaseMs) {
    return leases.renew(id, seq, owner, leaseMs);
  }

  /** {@link ChunkLeases#release}. */
  Future<JobStatus> release(
      String id, int seq, String owner, String error, boolean fatal, int maxAttempts) {
    return leases.release(id, seq, owner, error, fatal, maxAttempts);
  }

  /** {@link ChunkLeases#complete}. */
  Future<JobStatus> complete(ChunkOutcome outcome) {
    return leases.complete(outcome);
  }

  /** {@link ChunkLeases#stats}. */
  Future<JsonObject> stats() {
    return leases.stats();
  }

  /** {@link JobResults#errors}. */
  Future<JsonObject> errors(String id, long after, int limit) {
    return results.errors(id, after, limit);
  }

  /** {@link JobResults#result}. */
  Future<JsonObject> result(String id, int part) {
    return results.result(id, part);
  }
}
