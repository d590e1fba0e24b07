package dev.troupe.shared.contract;

/**
 * One part of a job's result.
 *
 * @param id the job
 * @param part the part, 0 for the first
 */
public record JobResultQuery(String id, int part) {
  public JobResultQuery {
    JobsContract.requireJobId(id);
    JobsContract.requireRange("part", part, 0, Integer.MAX_VALUE);
  }
}
