package dev.troupe.shared.jobs;

import dev.troupe.shared.contract.JobInput;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.ListDocs;
import java.util.List;
import java.util.Set;

/**
 * How a node runs a user job type. The defaults suit most types; give every node of one type the
 * same {@code pageSize}, since it numbers the items of a collection job.
 *
 * @param inputs what the type's jobs may read: NDJSON bodies, collections, or both (default both)
 * @param concurrency chunks this node works on at once (default 1)
 * @param leaseMs how long a claimed chunk stays this node's without renewal; renewed every third of
 *     it while the handler works, and taken over by another node with the handler once it expires
 *     (default 30000)
 * @param pollMs how often an idle worker looks for work it was not told about (default 1000)
 * @param maxAttempts claims of one chunk that failed before its job fails (default 5)
 * @param pageSize documents per chunk of a collection job, 1 to 1000 (default 100)
 * @param chunkTimeoutMs how long the handler may take on one chunk before the attempt counts as
 *     failed and the chunk is given back (default 600000)
 * @param busTimeoutMs the deadline of each call to the job store and the database (default 10000)
 */
public record JobTypeOptions(
    Set<JobInput> inputs,
    int concurrency,
    long leaseMs,
    long pollMs,
    int maxAttempts,
    int pageSize,
    long chunkTimeoutMs,
    long busTimeoutMs) {
  public JobTypeOptions {
    if (inputs == null || inputs.isEmpty()) {
      throw new IllegalArgumentException("a job type takes at least one input");
    }
    inputs = Set.copyOf(inputs);
    require("concurrency", concurrency, 1, 256);
    require("leaseMs", leaseMs, 100, JobStoreContract.MAX_LEASE_MS);
    require("pollMs", pollMs, 10, 600_000);
    require("maxAttempts", maxAttempts, 1, 1000);
    require("pageSize", pageSize, 1, ListDocs.MAX_LIMIT);
    require("chunkTimeoutMs", chunkTimeoutMs, 1, 86_400_000);
    require("busTimeoutMs", busTimeoutMs, 1, 600_000);
  }

  /** The defaults. */
  public static JobTypeOptions defaults() {
    return new JobTypeOptions(
        Set.of(JobInput.NDJSON, JobInput.COLLECTION), 1, 30_000, 1_000, 5, 100, 600_000, 10_000);
  }

  /** These options with only {@code inputs} accepted. */
  public JobTypeOptions inputs(JobInput... inputs) {
    return new JobTypeOptions(
        Set.copyOf(List.of(inputs)),
        concurrency,
        leaseMs,
        pollMs,
        maxAttempts,
        pageSize,
        chunkTimeoutMs,
        busTimeoutMs);
  }

  public JobTypeOptions concurrency(int concurrency) {
    return new JobTypeOptions(
        inputs, concurrency, leaseMs, pollMs, maxAttempts, pageSize, chunkTimeoutMs, busTimeoutMs);
  }

  public JobTypeOptions leaseMs(long leaseMs) {
    return new JobTypeOptions(
        inputs, concurrency, leaseMs, pollMs, maxAttempts, pageSize, chunkTimeoutMs, busTimeoutMs);
  }

  public JobTypeOptions pollMs(long pollMs) {
    return new JobTypeOptions(
        inputs, concurrency, leaseMs, pollMs, maxAttempts, pageSize, chunkTimeoutMs, busTimeoutMs);
  }

  public JobTypeOptions maxAttempts(int maxAttempts) {
    return new JobTypeOptions(
        inputs, concurrency, leaseMs, pollMs, maxAttempts, pageSize, chunkTimeoutMs, busTimeoutMs);
  }

  public JobTypeOptions pageSize(int pageSize) {
    return new JobTypeOptions(
        inputs, concurrency, leaseMs, pollMs, maxAttempts, pageSize, chunkTimeoutMs, busTimeoutMs);
  }

  public JobTypeOptions chunkTimeoutMs(long chunkTimeoutMs) {
    return new JobTypeOptions(
        inputs, concurrency, leaseMs, pollMs, maxAttempts, pageSize, chunkTimeoutMs, busTimeoutMs);
  }

  private static void require(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be from " + min + " to " + max + ", got " + value);
    }
  }
}
