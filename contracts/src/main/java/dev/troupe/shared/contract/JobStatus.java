package dev.troupe.shared.contract;

import java.time.Instant;

/**
 * A background job as stored: what it works on, where it stands, and when it started and ended.
 *
 * @param id 32 lowercase hex digits
 * @param type {@code import}, {@code export}, {@code warmup} or a user type's name
 * @param collection the collection it reads or writes
 * @param state the wire name of its {@link JobState}: {@code receiving} (an import whose lines are
 *     still arriving), {@code queued}, {@code running}, {@code succeeded}, {@code failed} or {@code
 *     cancelled}
 * @param done lines (import) or documents (export, warmup) processed so far
 * @param total lines to import, or documents in the collection when an export or warmup started;
 *     null while an import is receiving
 * @param failed lines of an import that were not written (listed by {@code errors})
 * @param createdAt when it was created
 * @param startedAt when a worker first claimed one of its chunks, or null
 * @param finishedAt when it reached a final state, or null
 * @param error why it failed, or null
 */
public record JobStatus(
    String id,
    String type,
    String collection,
    String state,
    long done,
    Long total,
    long failed,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    String error) {
  // The wire names of the states, for callers comparing strings; JobState defines them.
  public static final String RECEIVING = JobState.RECEIVING.wire();
  public static final String QUEUED = JobState.QUEUED.wire();
  public static final String RUNNING = JobState.RUNNING.wire();
  public static final String SUCCEEDED = JobState.SUCCEEDED.wire();
  public static final String FAILED = JobState.FAILED.wire();
  public static final String CANCELLED = JobState.CANCELLED.wire();

  public JobStatus {
    JobsContract.requireJobId(id);
    JobsContract.requireType(type);
    DocKey.requireCollection(collection);
    if (!JobState.isWire(state)) {
      throw TroupeException.badRequest("state must be a job state, got " + state);
    }
  }

  /** Where the job stands, as the state machine sees it ({@link #state()} is its wire name). */
  public JobState jobState() {
    return JobState.ofWire(state);
  }

  /** True once the job can no longer change. */
  public boolean finished() {
    return jobState().finished();
  }

  static boolean isJobId(String id) {
    if (id == null || id.length() != 32) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
