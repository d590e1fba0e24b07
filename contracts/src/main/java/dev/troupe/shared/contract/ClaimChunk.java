package dev.troupe.shared.contract;

/**
 * A worker asking for a chunk to run.
 *
 * @param owner the worker (node and instance), 1 to 200 characters
 * @param leaseMs how long the chunk is the worker's unless renewed
 */
public record ClaimChunk(String owner, long leaseMs) {
  public ClaimChunk {
    JobStoreContract.requireOwner(owner);
    JobStoreContract.requireLease(leaseMs);
  }
}
