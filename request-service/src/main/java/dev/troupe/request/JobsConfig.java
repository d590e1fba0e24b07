package dev.troupe.request;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ListDocs;

/**
 * Background-job settings of request-service.
 *
 * @param workers job worker verticles per request-service node, each working on one chunk at a time
 *     ({@code TROUPE_JOBS_WORKERS}, default 2; 0 runs no workers on this node)
 * @param leaseMs how long a claimed chunk stays a worker's without renewal; renewed every third of
 *     it while the worker is busy, and claimable by any other worker once it expires (a crashed
 *     node's chunks resume after this long) ({@code TROUPE_JOBS_LEASE_MS}, default 30000)
 * @param pollMs how often an idle worker looks for work it was not told about ({@code
 *     TROUPE_JOBS_POLL_MS}, default 1000)
 * @param maxAttempts claims of one chunk that failed before its job fails ({@code
 *     TROUPE_JOBS_MAX_ATTEMPTS}, default 5)
 * @param pageSize documents per chunk of an export or warmup ({@code TROUPE_JOBS_CHUNK_SIZE},
 *     default 1000, the lines per chunk of an import, which the gateway reads)
 * @param statsMs how often the node reads the queue depth and running jobs for its metrics, and
 *     fails abandoned uploads ({@code TROUPE_JOBS_STATS_MS}, default 5000)
 * @param uploadIdleMs an import that stored no lines for this long while still receiving them
 *     failed with its upload (the gateway taking it died) ({@code TROUPE_JOBS_UPLOAD_IDLE_MS},
 *     default 600000)
 */
public record JobsConfig(
    int workers,
    long leaseMs,
    long pollMs,
    int maxAttempts,
    int pageSize,
    long statsMs,
    long uploadIdleMs) {
  public static JobsConfig from(Settings s) {
    return new JobsConfig(
        s.integer("TROUPE_JOBS_WORKERS", 2, 0, 256),
        s.longValue("TROUPE_JOBS_LEASE_MS", 30_000, 100, 3_600_000),
        s.longValue("TROUPE_JOBS_POLL_MS", 1_000, 10, 600_000),
        s.integer("TROUPE_JOBS_MAX_ATTEMPTS", 5, 1, 1000),
        s.integer("TROUPE_JOBS_CHUNK_SIZE", 1000, 1, ListDocs.MAX_LIMIT),
        s.longValue("TROUPE_JOBS_STATS_MS", 5_000, 100, 3_600_000),
        s.longValue("TROUPE_JOBS_UPLOAD_IDLE_MS", 600_000, 1_000, 86_400_000));
  }
}
