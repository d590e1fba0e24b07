package dev.troupe.db;

import static dev.troupe.db.ChunkState.CLAIMED;
import static dev.troupe.db.ChunkState.DONE;
import static dev.troupe.db.ChunkState.PENDING;
import static dev.troupe.shared.contract.JobState.QUEUED;
import static dev.troupe.shared.contract.JobState.RECEIVING;
import static dev.troupe.shared.contract.JobState.RUNNING;

import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStoreContract;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of the jobs tables, in the database's dialect. States are never spelled out here:
 * they are composed from {@link JobState} and {@link ChunkState}, and a statement that moves a job
 * to a state takes it only from the states the state machine lets become that one ({@link
 * JobState#predecessors()}).
 */
final class JobSql {
  /** The width of the {@code error} and {@code message} columns. */
  private static final int MAX_ERROR_TEXT = 1000;

  /** Candidates read per claim; a worker tries them in random order, so racing workers spread. */
  static final int CLAIM_CANDIDATES = 8;

  private static final String JOB_COLUMNS =
      "id, type, collection, state, done, total, failed, created_at, started_at, finished_at, error";

  final String insertJob;
  final String countDocs;
  final String insertChunk;
  final String jobState;
  final String countChunks;
  final String submit;
  final String getJob;
  final String dropPending;
  private final String[] candidates;
  final String claimChunk;
  final String claimedChunk;
  final String startJob;
  final String renew;
  final String ownedChunk;
  final String requeue;
  final String completeChunk;
  final String lockJob;
  final String insertError;
  final String insertResult;
  final String progress;
  final String errors;
  final String result;
  final String queuedChunks;
  final String runningJobs;
  final String touch;
  final String abandoned;
  private final Map<JobState, String> stops = new EnumMap<>(JobState.class);

  JobSql(Sql sql) {
    insertJob =
        sql.statement(
            "INSERT INTO troupe_jobs (id, type, collection, state, done, total, failed, chunks,"
                + " chunks_done, results, created_at, touched_at) VALUES (?, ?, ?, ?, 0, ?, 0, ?, 0, 0, ?, ?)");
    countDocs =
        sql.statement(
            "SELECT COUNT(*) FROM troupe_documents WHERE collection = ? AND deleted = FALSE");
    insertChunk =
        sql.statement(
            "INSERT INTO troupe_job_chunks (job_id, seq, first_line, lines, payload, state,"
                + " attempts) VALUES (?, ?, ?, ?, ?, "
                + PENDING.sql()
                + ", 0)");
    jobState = sql.statement("SELECT state FROM troupe_jobs WHERE id = ?");
    countChunks =
        sql.statement(
            "SELECT COUNT(*), COALESCE(SUM(lines), 0) FROM troupe_job_chunks WHERE job_id = ?");
    submit =
        sql.statement(
            "UPDATE troupe_jobs SET state = "
                + literal(QUEUED)
                + ", chunks = ?, total = ? WHERE id = ? AND "
                + from("state", QUEUED));
    getJob = sql.statement("SELECT " + JOB_COLUMNS + " FROM troupe_jobs WHERE id = ?");
    for (JobState end : List.of(JobState.FAILED, JobState.CANCELLED)) {
      stops.put(
          end,
          sql.statement(
              "UPDATE troupe_jobs SET state = "
                  + literal(end)
                  + ", error = ?, finished_at = ? WHERE id = ? AND "
                  + from("state", end)));
    }
    dropPending =
        sql.statement("DELETE FROM troupe_job_chunks WHERE job_id = ? AND state <> " + DONE.sql());
    // One statement per number of types a claim names, so each is prepared once.
    candidates = new String[JobStoreContract.MAX_CLAIM_TYPES + 1];
    for (int types = 1; types <= JobStoreContract.MAX_CLAIM_TYPES; types++) {
      candidates[types] =
          sql.statement(
              "SELECT c.job_id, c.seq FROM troupe_job_chunks c JOIN troupe_jobs j ON j.id = c.job_id"
                  + " WHERE "
                  + claimable("c.")
                  + " AND j.state IN "
                  + workable()
                  + " AND j.type IN ("
                  + String.join(", ", Collections.nCopies(types, "?"))
                  + ") ORDER BY j.created_at, c.seq LIMIT "
                  + CLAIM_CANDIDATES);
    }
    claimChunk =
        sql.statement(
            "UPDATE troupe_job_chunks SET state = "
                + CLAIMED.sql()
                + ", owner = ?, lease_until = ?,"
                + " attempts = attempts + 1 WHERE job_id = ? AND seq = ?"
                + " AND "
                + claimable(""));
    claimedChunk =
        sql.statement(
            "SELECT j.type, j.collection, c.first_line, c.lines, c.payload, c.attempts"
                + " FROM troupe_job_chunks c JOIN troupe_jobs j ON j.id = c.job_id WHERE c.job_id = ? AND c.seq = ?");
    startJob =
        sql.statement(
            "UPDATE troupe_jobs SET state = "
                + literal(RUNNING)
                + ", started_at = ? WHERE id = ? AND "
                + from("state", RUNNING));
    renew =
        sql.statement(
            "UPDATE troupe_job_chunks SET lease_until = ? WHERE job_id = ? AND seq = ?"
                + " AND state = "
                + CLAIMED.sql()
                + " AND owner = ?"
                + " AND EXISTS (SELECT 1 FROM troupe_jobs j WHERE j.id = ? AND j.state = "
                + literal(RUNNING)
                + ")");
    ownedChunk =
        sql.statement(
            "SELECT attempts FROM troupe_job_chunks WHERE job_id = ? AND seq = ?"
                + " AND state = "
                + CLAIMED.sql()
                + " AND owner = ? FOR UPDATE");
    requeue =
        sql.statement(
            "UPDATE troupe_job_chunks SET state = "
                + PENDING.sql()
                + ", owner = NULL, lease_until = NULL"
                + " WHERE job_id = ? AND seq = ?");
    completeChunk =
        sql.statement(
            "UPDATE troupe_job_chunks SET state = "
                + DONE.sql()
                + ", payload = NULL, owner = NULL,"
                + " lease_until = NULL WHERE job_id = ? AND seq = ? AND state = "
                + CLAIMED.sql()
                + " AND owner = ?");
    lockJob =
        sql.statement(
            "SELECT state, chunks, chunks_done, results FROM troupe_jobs WHERE id = ? FOR UPDATE");
    insertError =
        sql.statement("INSERT INTO troupe_job_errors (job_id, line, message) VALUES (?, ?, ?)");
    insertResult =
        sql.statement("INSERT INTO troupe_job_results (job_id, part, payload) VALUES (?, ?, ?)");
    progress =
        sql.statement(
            "UPDATE troupe_jobs SET done = done + ?, failed = failed + ?, chunks = ?,"
                + " chunks_done = chunks_done + 1, results = ?, state = ?, finished_at = ? WHERE id = ?");
    errors =
        sql.statement(
            "SELECT line, message FROM troupe_job_errors WHERE job_id = ? AND line > ? ORDER BY line LIMIT ?");
    result =
        sql.statement(
            "SELECT r.payload, j.results FROM troupe_job_results r JOIN troupe_jobs j ON j.id = r.job_id"
                + " WHERE r.job_id = ? AND r.part = ?");
    queuedChunks =
        sql.statement(
            "SELECT COUNT(*) FROM troupe_job_chunks c JOIN troupe_jobs j ON j.id = c.job_id"
                + " WHERE c.state <> "
                + DONE.sql()
                + " AND j.state IN "
                + workable());
    runningJobs =
        sql.statement("SELECT COUNT(*) FROM troupe_jobs WHERE state = " + literal(RUNNING));
    touch = sql.statement("UPDATE troupe_jobs SET touched_at = ? WHERE id = ?");
    abandoned =
        sql.statement(
            "SELECT id FROM troupe_jobs WHERE state = "
                + literal(RECEIVING)
                + " AND touched_at < ?");
  }

  /**
   * The claimable chunks of queued and running jobs of {@code types} job types: parameters the
   * lease expiry bound, then each type.
   */
  String candidates(int types) {
    if (types < 1 || types >= candidates.length) {
      throw new IllegalArgumentException(
          "a claim names 1 to " + (candidates.length - 1) + " types");
    }
    return candidates[types];
  }

  /**
   * The statement ending an unfinished job as {@code end} ({@code failed} or {@code cancelled}):
   * parameters error, finished_at, id.
   */
  String stop(JobState end) {
    String statement = stops.get(end);
    if (statement == null) {
      throw new IllegalArgumentException("a job is stopped as failed or cancelled, not " + end);
    }
    return statement;
  }

  /** {@code text} cut to fit an {@code error} or {@code message} column. */
  static String errorText(String text) {
    return text == null || text.length() <= MAX_ERROR_TEXT
        ? text
        : text.substring(0, MAX_ERROR_TEXT - 3) + "...";
  }

  private static String literal(JobState state) {
    return Sql.literal(state.wire());
  }

  /** The condition that {@code column} holds a state that may become {@code next}. */
  private static String from(String column, JobState next) {
    List<JobState> from = next.predecessors();
    return from.size() == 1 ? column + " = " + literal(from.get(0)) : column + " IN " + names(from);
  }

  /** The states whose chunks workers claim, as an IN list. */
  private static String workable() {
    List<JobState> workable = new ArrayList<>();
    for (JobState s : JobState.values()) {
      if (s.workable()) {
        workable.add(s);
      }
    }
    return names(workable);
  }

  /**
   * A chunk a worker may claim: in a state that may become claimed, and when that is claimed
   * itself, with its lease expired before {@code ?}.
   */
  private static String claimable(String alias) {
    List<String> terms = new ArrayList<>();
    for (ChunkState s : ChunkState.values()) {
      if (s.canBecome(CLAIMED)) {
        String term = alias + "state = " + s.sql();
        terms.add(s == CLAIMED ? "(" + term + " AND " + alias + "lease_until < ?)" : term);
      }
    }
    return "(" + String.join(" OR ", terms) + ")";
  }

  private static String names(Collection<JobState> states) {
    List<String> names = new ArrayList<>(states.size());
    states.forEach(s -> names.add(s.wire()));
    return Sql.literals(names);
  }
}
