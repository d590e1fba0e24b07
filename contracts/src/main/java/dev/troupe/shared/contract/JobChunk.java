package dev.troupe.shared.contract;

/**
 * A chunk a worker claimed: a run of lines to import, or a page of a collection to export or warm
 * up.
 *
 * @param jobId its job
 * @param type its job's type
 * @param collection its job's collection
 * @param seq its number within the job
 * @param firstLine for an import, the line number of its first line; otherwise 0
 * @param lines for an import, its number of lines; otherwise 0
 * @param payload for an import, the NDJSON lines; otherwise the id after which the page starts
 *     ({@code ""} for the first page)
 * @param attempts how many times it was claimed, this claim included
 */
public record JobChunk(
    String jobId,
    String type,
    String collection,
    int seq,
    long firstLine,
    int lines,
    String payload,
    int attempts) {
  public JobChunk {
    JobsContract.requireJobId(jobId);
    JobsContract.requireType(type);
    DocKey.requireCollection(collection);
    if (payload == null) {
      throw TroupeException.badRequest("a chunk needs a payload");
    }
  }
}
