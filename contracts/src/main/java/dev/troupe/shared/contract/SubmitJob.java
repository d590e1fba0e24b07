package dev.troupe.shared.contract;

/**
 * The end of an import's upload: the chunks and lines stored must be these.
 *
 * @param id the job
 * @param chunks chunks uploaded
 * @param total lines uploaded
 */
public record SubmitJob(String id, int chunks, long total) {
  public SubmitJob {
    JobsContract.requireJobId(id);
    JobsContract.requireRange("chunks", chunks, 0, Integer.MAX_VALUE);
    JobsContract.requireRange("total", total, 0, Long.MAX_VALUE);
  }
}
