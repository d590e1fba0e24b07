package dev.troupe.shared.jobs;

import io.vertx.core.Future;

/**
 * The work of a user job type, one chunk at a time ({@link JobTypes#register}). It runs on an event
 * loop: it returns at once and completes its future later (blocking work belongs on {@code
 * vertx.executeBlocking} or a worker pool of its own).
 *
 * <p>A chunk runs at least once: a node that dies mid-chunk stops renewing its lease, and another
 * node that has the handler runs the chunk again once the lease expires. The job's recorded result
 * holds each chunk's outcome exactly once (an outcome from a worker that lost its lease is
 * ignored), but effects the handler has elsewhere may happen twice: make them idempotent.
 */
@FunctionalInterface
public interface JobHandler {
  /**
   * Works on {@code work}'s items. Completes with the chunk's outcome: the items it could not
   * process, and the output lines it adds to the job's result. Failing the future gives the chunk
   * back to be tried again (up to the type's {@code maxAttempts}, then the job fails), unless the
   * failure is a {@link dev.troupe.shared.contract.TroupeException} with a client error code
   * (BAD_REQUEST, NOT_FOUND, CONFLICT, ...): the handler says the job cannot succeed, and it fails
   * at once.
   */
  Future<ChunkResult> handle(JobWork work);
}
