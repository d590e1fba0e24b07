package dev.troupe.shared.contract;

/**
 * The job store's load, cluster-wide.
 *
 * @param queuedChunks chunks of queued and running jobs not yet done
 * @param runningJobs jobs running
 */
public record JobStoreStats(long queuedChunks, long runningJobs) {}
