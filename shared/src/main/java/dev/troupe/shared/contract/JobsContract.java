package dev.troupe.shared.contract;

/**
 * request-service: background jobs (import, export, warmup of a collection). The gateway calls this
 * address; request-service keeps every job and its chunks in db-service ({@link JobStoreContract}),
 * and its job workers, on any request-service node, claim the chunks from there.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code create}</td><td>{@code {"type":"import|export|warmup","collection"}}</td><td>{@link JobStatus}.
 *       An import waits for its lines ({@code append}, then {@code submit}); export and warmup are queued at once</td></tr>
 *   <tr><td>{@code append}</td><td>{@link ChunkUpload}</td><td>{@code {}}; the lines of an import, stored durably as one chunk</td></tr>
 *   <tr><td>{@code submit}</td><td>{@code {"id","chunks","total"}}</td><td>{@link JobStatus}: the import is queued</td></tr>
 *   <tr><td>{@code abort}</td><td>{@code {"id","error"}}</td><td>{@link JobStatus}: an upload that broke off; the job fails</td></tr>
 *   <tr><td>{@code get}</td><td>{@code {"id"}}</td><td>{@link JobStatus}; 404 when unknown</td></tr>
 *   <tr><td>{@code cancel}</td><td>{@code {"id"}}</td><td>{@link JobStatus}; a finished job stays as it is</td></tr>
 *   <tr><td>{@code errors}</td><td>{@code {"id","after","limit"}}</td><td>{@code {"items":[{"line","error"}],"next"}}: the
 *       lines of an import that were not written, by line number; {@code next} is null after the last page</td></tr>
 *   <tr><td>{@code result}</td><td>{@code {"id","part"}}</td><td>{@code {"payload","next"}}: part {@code part} of an
 *       export's NDJSON; {@code next} is the next part, or null after the last</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"jobs"}}</td></tr>
 * </table>
 */
public final class JobsContract {
  /** The versioned address request-service's job manager consumes. */
  public static final String ADDRESS = "troupe.jobs.v1";

  /**
   * Published (empty body) when a job was queued, so idle job workers on every node claim at once
   * instead of at their next poll.
   */
  public static final String QUEUED_EVENTS = "troupe.events.jobs.v1";

  public static final String CREATE = "create";
  public static final String APPEND = "append";
  public static final String SUBMIT = "submit";
  public static final String ABORT = "abort";
  public static final String GET = "get";
  public static final String CANCEL = "cancel";
  public static final String ERRORS = "errors";
  public static final String RESULT = "result";

  /** Job types. */
  public static final String IMPORT = "import";

  public static final String EXPORT = "export";
  public static final String WARMUP = "warmup";

  /** The largest number of error lines one {@code errors} call answers. */
  public static final int MAX_ERRORS_PAGE = 1000;

  private JobsContract() {}

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code type} is a job type. */
  public static String requireType(String type) {
    if (!IMPORT.equals(type) && !EXPORT.equals(type) && !WARMUP.equals(type)) {
      throw TroupeException.badRequest(
          "type must be import, export or warmup, got "
              + (type == null
                  ? "nothing"
                  : '"' + (type.length() > 40 ? type.substring(0, 40) + "..." : type) + '"'));
    }
    return type;
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code id} has the shape of a job id. */
  public static String requireJobId(String id) {
    if (!JobStatus.isJobId(id)) {
      throw TroupeException.badRequest("a job id is 32 lowercase hex digits");
    }
    return id;
  }
}
