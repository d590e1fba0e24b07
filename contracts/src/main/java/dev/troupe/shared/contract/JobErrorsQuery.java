package dev.troupe.shared.contract;

/**
 * A page of an import's line errors.
 *
 * @param id the job
 * @param after the line after which the page starts, 0 for the first page
 * @param limit at most this many errors, up to {@link JobsContract#MAX_ERRORS_PAGE}
 */
public record JobErrorsQuery(String id, long after, int limit) {
  public JobErrorsQuery {
    JobsContract.requireJobId(id);
    JobsContract.requireRange("after", after, 0, Long.MAX_VALUE);
    JobsContract.requireRange("limit", limit, 1, JobsContract.MAX_ERRORS_PAGE);
  }
}
