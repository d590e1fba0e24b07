package dev.troupe.shared.contract;

/**
 * A run of NDJSON lines of an import, stored as one chunk of its job before any of it is parsed.
 *
 * @param jobId the job
 * @param seq the chunk's number, 0 for the first
 * @param firstLine the line number (1-based) of its first line in the uploaded body
 * @param lines how many lines it holds
 * @param payload the lines, each ended by a newline
 */
public record ChunkUpload(String jobId, int seq, long firstLine, int lines, String payload) {
  public ChunkUpload {
    JobsContract.requireJobId(jobId);
    if (seq < 0 || firstLine < 1 || lines < 1 || payload == null) {
      throw TroupeException.badRequest(
          "a chunk needs seq >= 0, firstLine >= 1, lines >= 1 and a payload");
    }
  }
}
