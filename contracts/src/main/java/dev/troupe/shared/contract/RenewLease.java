package dev.troupe.shared.contract;

/**
 * A worker keeping a chunk it claimed.
 *
 * @param id the job
 * @param seq the chunk
 * @param owner the worker that claimed it
 * @param leaseMs the new lease, from now
 */
public record RenewLease(String id, int seq, String owner, long leaseMs) {
  public RenewLease {
    JobsContract.requireJobId(id);
    JobsContract.requireRange("seq", seq, 0, Integer.MAX_VALUE);
    JobStoreContract.requireOwner(owner);
    JobStoreContract.requireLease(leaseMs);
  }
}
