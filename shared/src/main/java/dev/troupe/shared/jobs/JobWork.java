package dev.troupe.shared.jobs;

import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One chunk of a job, as its {@link JobHandler} gets it.
 *
 * <p>{@link #lost()} turns true when the worker no longer holds the chunk: the job was cancelled,
 * or the lease expired and another node took the chunk over. A handler that checks it may stop
 * early; whatever it returns then is ignored.
 */
public final class JobWork {
  private final String jobId;
  private final String type;
  private final String collection;
  private final int seq;
  private final int attempts;
  private final List<JobItem> items;
  private final BooleanSupplier lost;

  JobWork(
      String jobId,
      String type,
      String collection,
      int seq,
      int attempts,
      List<JobItem> items,
      BooleanSupplier lost) {
    this.jobId = jobId;
    this.type = type;
    this.collection = collection;
    this.seq = seq;
    this.attempts = attempts;
    this.items = List.copyOf(items);
    this.lost = lost;
  }

  /** The job's id (32 hex digits). */
  public String jobId() {
    return jobId;
  }

  /** The job type. */
  public String type() {
    return type;
  }

  /** The collection the job was submitted for (the one it pages through, for collection input). */
  public String collection() {
    return collection;
  }

  /** The chunk's number within its job, from 0. */
  public int seq() {
    return seq;
  }

  /** How many times the chunk was claimed, this time included: above 1 it is a retry. */
  public int attempts() {
    return attempts;
  }

  /**
   * The chunk's items: its NDJSON lines that are JSON objects (a line that is not is an item error
   * already, and a blank line is no item), or a page of the collection's documents.
   */
  public List<JobItem> items() {
    return items;
  }

  /** True once the chunk is no longer this worker's (cancelled, or taken over). */
  public boolean lost() {
    return lost.getAsBoolean();
  }
}
