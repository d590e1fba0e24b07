package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * request-service: background jobs (import, export, warmup of a collection, and the user types
 * services register: {@link JobTypeContract}). The gateway calls this address; request-service
 * keeps every job and its chunks in db-service ({@link JobStoreContract}), and its job workers, on
 * any request-service node, claim the chunks from there.
 *
 * <p>Each action is declared once below, with the codecs of its request and reply ({@link
 * JobWire}).
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code create}</td><td>{@code {"type","collection","input"}}</td><td>{@link JobStatus}.
 *       A job with NDJSON input (an import) waits for its lines ({@code append}, then {@code submit}); one over a
 *       collection (export, warmup) is queued at once. A user type must be registered (BAD_REQUEST otherwise) and
 *       take the input asked</td></tr>
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

  public static final Action<CreateJob, JobView> CREATE =
      Action.once(
          ADDRESS,
          "create",
          JobWire.CREATE_JOB,
          JobWire.JOB_VIEW,
          "a new job; an import waits for its lines, export and warmup are queued at once");

  public static final Action<ChunkUpload, Void> APPEND =
      Action.once(
          ADDRESS,
          "append",
          JobWire.CHUNK_UPLOAD,
          JobWire.EMPTY,
          "stores a run of an import's lines as one chunk (a chunk stored twice is a conflict)");

  public static final Action<SubmitJob, JobView> SUBMIT =
      Action.once(
          ADDRESS,
          "submit",
          JobWire.SUBMIT_JOB,
          JobWire.JOB_VIEW,
          "queues an import whose lines are all stored");

  public static final Action<AbortJob, JobView> ABORT =
      Action.idempotent(
          ADDRESS,
          "abort",
          JobWire.ABORT_JOB,
          JobWire.JOB_VIEW,
          "fails a job whose upload broke off; a finished job stays as it is");

  public static final Action<JobRef, JobView> GET =
      Action.idempotent(
          ADDRESS, "get", JobWire.JOB_REF, JobWire.JOB_VIEW, "a job; 404 when unknown");

  public static final Action<JobRef, JobView> CANCEL =
      Action.idempotent(
          ADDRESS,
          "cancel",
          JobWire.JOB_REF,
          JobWire.JOB_VIEW,
          "cancels a job; a finished job stays as it is");

  public static final Action<JobErrorsQuery, JobErrorsPage> ERRORS =
      Action.idempotent(
          ADDRESS,
          "errors",
          JobWire.ERRORS_QUERY,
          JobWire.ERRORS_PAGE,
          "a page of an import's line errors, by line number");

  public static final Action<JobResultQuery, JobResultPart> RESULT =
      Action.idempotent(
          ADDRESS,
          "result",
          JobWire.RESULT_QUERY,
          JobWire.RESULT_PART,
          "a part of an export's NDJSON");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of {@link #ADDRESS}. */
  public static final List<Action<?, ?>> ACTIONS =
      List.of(CREATE, APPEND, SUBMIT, ABORT, GET, CANCEL, ERRORS, RESULT, PING);

  /** Job types. */
  public static final String IMPORT = "import";

  public static final String EXPORT = "export";
  public static final String WARMUP = "warmup";

  /**
   * The types Troupe's own job workers run; every other type is a user type ({@link
   * JobTypeContract}).
   */
  public static final List<String> BUILT_IN = List.of(IMPORT, EXPORT, WARMUP);

  /** The longest job type name (the width of the store's {@code type} column). */
  public static final int MAX_TYPE_CHARS = 16;

  /** The largest number of error lines one {@code errors} call answers. */
  public static final int MAX_ERRORS_PAGE = 1000;

  private JobsContract() {}

  /**
   * Fails with {@link ErrorCode#BAD_REQUEST} unless {@code type} names a job type: a built-in one
   * ({@link #BUILT_IN}) or a user type's name ({@link #requireUserType}). Whether a service
   * registered that user type is the job manager's to check, at submit time.
   */
  public static String requireType(String type) {
    return isBuiltIn(type) ? type : requireUserType(type);
  }

  /** True for {@code import}, {@code export} and {@code warmup}. */
  public static boolean isBuiltIn(String type) {
    return type != null && BUILT_IN.contains(type);
  }

  /**
   * Fails with {@link ErrorCode#BAD_REQUEST} unless {@code type} is a user job type's name: 1 to
   * {@value #MAX_TYPE_CHARS} characters, a lowercase letter, then lowercase letters, digits, {@code
   * -} or {@code _}, and none of the built-in names.
   */
  public static String requireUserType(String type) {
    if (type == null || type.isEmpty() || type.length() > MAX_TYPE_CHARS || !userTypeName(type)) {
      throw TroupeException.badRequest(
          "type must be import, export, warmup or a registered job type's name (a lowercase"
              + " letter, then lowercase letters, digits, - or _, at most "
              + MAX_TYPE_CHARS
              + " characters), got "
              + (type == null
                  ? "nothing"
                  : '"' + (type.length() > 40 ? type.substring(0, 40) + "..." : type) + '"'));
    }
    if (isBuiltIn(type)) {
      throw TroupeException.badRequest(type + " is a built-in job type, not a user type");
    }
    return type;
  }

  private static boolean userTypeName(String type) {
    if (type.charAt(0) < 'a' || type.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < type.length(); i++) {
      char c = type.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_') {
        return false;
      }
    }
    return true;
  }

  /**
   * Fails with {@link ErrorCode#BAD_REQUEST} unless {@code value} of {@code field} is within {@code
   * min} and {@code max}, both included.
   */
  static long requireRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw TroupeException.badRequest(field + " must be an integer from " + min + " to " + max);
    }
    return value;
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code id} has the shape of a job id. */
  public static String requireJobId(String id) {
    if (!JobStatus.isJobId(id)) {
      throw TroupeException.badRequest("a job id is 32 lowercase hex digits");
    }
    return id;
  }
}
