package dev.troupe.shared.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a background job stands, and where it may go from there: the one definition of the job
 * states, their names on the wire and in the database ({@link #wire()}), and their transitions.
 *
 * <pre>
 *   receiving ──submit──► queued ──first claim──► running ──last chunk──► succeeded
 *       │                   │                        │
 *       └───────────────────┴── abort, cancel, ──────┴──► failed | cancelled
 *                               expiry, fatal chunk
 * </pre>
 *
 * A finished job ({@code succeeded}, {@code failed}, {@code cancelled}) never changes again.
 */
public enum JobState {
  /** An import whose lines are still arriving. */
  RECEIVING("receiving"),
  /** Waiting for a worker to claim its first chunk. */
  QUEUED("queued"),
  /** A worker claimed one of its chunks. */
  RUNNING("running"),
  /** Every chunk is done. */
  SUCCEEDED("succeeded"),
  /** Aborted, its upload abandoned, or a chunk failed for good; {@code error} says why. */
  FAILED("failed"),
  /** Cancelled by a client. */
  CANCELLED("cancelled");

  private final String wire;

  JobState(String wire) {
    this.wire = wire;
  }

  /** The state's name in JSON ({@link JobStatus#state()}) and in the jobs table. */
  public String wire() {
    return wire;
  }

  /** True once the job can no longer change. */
  public boolean finished() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** True while workers claim the job's chunks: it is queued or running. */
  public boolean workable() {
    return this == QUEUED || this == RUNNING;
  }

  /** Whether a job in this state may move to {@code next} (never to the state it is in). */
  public boolean canBecome(JobState next) {
    return switch (this) {
      case RECEIVING -> next == QUEUED || next == FAILED || next == CANCELLED;
      case QUEUED -> next == RUNNING || next == FAILED || next == CANCELLED;
      case RUNNING -> next == SUCCEEDED || next == FAILED || next == CANCELLED;
      case SUCCEEDED, FAILED, CANCELLED -> false;
    };
  }

  /** The states that may become this one, in declaration order. */
  public List<JobState> predecessors() {
    List<JobState> from = new ArrayList<>();
    for (JobState s : values()) {
      if (s.canBecome(this)) {
        from.add(s);
      }
    }
    return Collections.unmodifiableList(from);
  }

  /**
   * The state as clients see it: an import still receiving its lines reads as {@code queued} (its
   * uploader knows better; everybody else sees a job waiting to run).
   */
  public JobState visible() {
    return this == RECEIVING ? QUEUED : this;
  }

  /** True when {@code name} is the wire name of a state. */
  public static boolean isWire(String name) {
    for (JobState s : values()) {
      if (s.wire.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The state named {@code name} on the wire.
   *
   * @throws IllegalArgumentException when no state has that name
   */
  public static JobState ofWire(String name) {
    for (JobState s : values()) {
      if (s.wire.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("not a job state: " + name);
  }

  @Override
  public String toString() {
    return wire;
  }
}
