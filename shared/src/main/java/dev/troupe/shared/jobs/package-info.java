/**
 * User job types: a service registers a type with its handler ({@link
 * dev.troupe.shared.jobs.JobTypes#register}), and jobs of that type, submitted through the jobs API
 * like Troupe's own import, export and warmup, run in chunks on every node that registered the
 * type, under the same leases, retries, progress, cancel, failover and metrics: one claim loop,
 * {@link dev.troupe.shared.jobs.ChunkLoop}, runs the chunks of both.
 */
package dev.troupe.shared.jobs;
