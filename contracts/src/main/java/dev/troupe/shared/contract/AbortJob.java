package dev.troupe.shared.contract;

/**
 * An upload that broke off, and why: the job fails.
 *
 * @param id the job
 * @param error why
 */
public record AbortJob(String id, String error) {
  public AbortJob {
    JobsContract.requireJobId(id);
    if (error == null) {
      throw TroupeException.badRequest("error must be a string");
    }
  }
}
