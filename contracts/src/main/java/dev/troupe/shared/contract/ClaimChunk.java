package dev.troupe.shared.contract;

import java.util.List;

/**
 * A worker asking for a chunk to run. It names the job types it runs, and only chunks of those
 * types are claimed for it: a node without a type's handler never takes that type's work.
 *
 * @param owner the worker (node and instance), 1 to 200 characters
 * @param leaseMs how long the chunk is the worker's unless renewed
 * @param types the job types the worker runs, 1 to {@value JobStoreContract#MAX_CLAIM_TYPES}
 */
public record ClaimChunk(String owner, long leaseMs, List<String> types) {
  public ClaimChunk {
    JobStoreContract.requireOwner(owner);
    JobStoreContract.requireLease(leaseMs);
    if (types == null || types.isEmpty()) {
      types = JobsContract.BUILT_IN;
    }
    if (types.size() > JobStoreContract.MAX_CLAIM_TYPES) {
      throw TroupeException.badRequest(
          "a claim names at most " + JobStoreContract.MAX_CLAIM_TYPES + " job types");
    }
    types.forEach(JobsContract::requireType);
    types = List.copyOf(types);
  }

  /** A claim of Troupe's own job workers: the built-in types. */
  public ClaimChunk(String owner, long leaseMs) {
    this(owner, leaseMs, JobsContract.BUILT_IN);
  }
}
