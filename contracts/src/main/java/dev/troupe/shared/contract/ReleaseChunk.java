package dev.troupe.shared.contract;

/**
 * A chunk whose work failed: back to the queue, or, when {@code fatal} or claimed {@code
 * maxAttempts} times, the job fails.
 *
 * @param id the job
 * @param seq the chunk
 * @param owner the worker that claimed it
 * @param error why its work failed
 * @param fatal whether another attempt cannot do better
 * @param maxAttempts the claims after which the job fails
 */
public record ReleaseChunk(
    String id, int seq, String owner, String error, boolean fatal, int maxAttempts) {
  public ReleaseChunk {
    JobsContract.requireJobId(id);
    JobsContract.requireRange("seq", seq, 0, Integer.MAX_VALUE);
    JobStoreContract.requireOwner(owner);
    if (error == null) {
      throw TroupeException.badRequest("error must be a string");
    }
    JobsContract.requireRange("maxAttempts", maxAttempts, 1, Integer.MAX_VALUE);
  }
}
