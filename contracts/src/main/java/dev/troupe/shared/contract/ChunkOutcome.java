package dev.troupe.shared.contract;

import java.util.List;

/**
 * What a worker did with a chunk it claimed, recorded in one transaction with the chunk's
 * completion.
 *
 * @param jobId the job
 * @param seq the chunk
 * @param owner the worker that claimed it; an outcome from a worker that lost the chunk is ignored
 * @param processed lines or documents it processed
 * @param errors lines it could not write, by line number
 * @param result a part of the job's result (an export's NDJSON), or null
 * @param next for a page chunk, the id the next page starts after, or null when this was the last
 *     page
 */
public record ChunkOutcome(
    String jobId,
    int seq,
    String owner,
    long processed,
    List<LineError> errors,
    String result,
    String next) {
  public ChunkOutcome {
    JobsContract.requireJobId(jobId);
    if (owner == null || owner.isEmpty()) {
      throw TroupeException.badRequest("owner must be a non-empty string");
    }
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** A line of an import that was not written, and why. */
  public record LineError(long line, String error) {}
}
