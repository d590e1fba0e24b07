package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * db-service's durable store of background jobs: the job records, their chunks (the work queue) and
 * their results. Only request-service's job manager and workers call it, and the workers of
 * registered user job types ({@link JobTypeContract}), which claim only chunks of their own types.
 * A chunk is claimed with a lease (owner and expiry); a chunk whose lease expired is claimable
 * again by any worker, so a job outlives the node that ran it (each chunk runs at least once).
 *
 * <p>Each action is declared once below, with the codecs of its request and reply ({@link
 * JobWire}).
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code create}</td><td>{@code {"id","type","collection","queued"}}</td><td>{@link JobStatus}. With
 *       {@code queued} the job is queued at once with one page chunk (cursor {@code ""}) and the collection's
 *       document count as its total (export, warmup); otherwise it is receiving its lines (import)</td></tr>
 *   <tr><td>{@code append}</td><td>{@link ChunkUpload}</td><td>{@code {}}; 409 unless the job is receiving</td></tr>
 *   <tr><td>{@code submit}</td><td>{@code {"id","chunks","total"}}</td><td>{@link JobStatus}: receiving becomes queued</td></tr>
 *   <tr><td>{@code abort}</td><td>{@code {"id","error"}}</td><td>{@link JobStatus}: the job fails, its pending chunks go</td></tr>
 *   <tr><td>{@code get}</td><td>{@code {"id"}}</td><td>{@link JobStatus}; 404 when unknown</td></tr>
 *   <tr><td>{@code cancel}</td><td>{@code {"id"}}</td><td>{@link JobStatus}; only an unfinished job changes</td></tr>
 *   <tr><td>{@code claim}</td><td>{@code {"owner","leaseMs","types"}}</td><td>{@code {"chunk":}{@link JobChunk}{@code }} or
 *       {@code {"chunk":null}}: a pending chunk, or one whose lease expired, of a queued or running job of one of
 *       {@code types} (the built-in ones when absent)</td></tr>
 *   <tr><td>{@code renew}</td><td>{@code {"id","seq","owner","leaseMs"}}</td><td>{@code {"renewed":bool}}: false when
 *       the chunk is no longer this owner's, or its job was cancelled</td></tr>
 *   <tr><td>{@code release}</td><td>{@code {"id","seq","owner","error","fatal","maxAttempts"}}</td><td>{@link JobStatus}:
 *       the chunk goes back to the queue, or, when fatal or tried {@code maxAttempts} times, the job fails</td></tr>
 *   <tr><td>{@code complete}</td><td>{@link ChunkOutcome}</td><td>{@link JobStatus}: progress, errors, result and the
 *       next page are recorded with the chunk in one transaction; the last chunk finishes the job</td></tr>
 *   <tr><td>{@code errors}</td><td>{@code {"id","after","limit"}}</td><td>{@code {"items":[{"line","error"}],"next"}}</td></tr>
 *   <tr><td>{@code result}</td><td>{@code {"id","part"}}</td><td>{@code {"payload","next"}}; 404 when there is no such part</td></tr>
 *   <tr><td>{@code expireUploads}</td><td>{@code {"idleMs"}}</td><td>{@code {"expired":n}}: imports still receiving
 *       that stored no lines for {@code idleMs} fail (their upload broke off unseen)</td></tr>
 *   <tr><td>{@code stats}</td><td>{@code {}}</td><td>{@code {"queuedChunks","runningJobs"}}</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"jobs-store"}}</td></tr>
 * </table>
 */
public final class JobStoreContract {
  /** The versioned address db-service's job store consumes. */
  public static final String ADDRESS = "troupe.db.jobs.v1";

  /** The longest lease a worker may hold a chunk for. */
  public static final long MAX_LEASE_MS = 3_600_000;

  /** The most job types one claim names. */
  public static final int MAX_CLAIM_TYPES = 64;

  /** The longest worker name ({@code owner}). */
  public static final int MAX_OWNER_CHARS = 200;

  public static final Action<StoreCreateJob, JobStatus> CREATE =
      Action.once(
          ADDRESS,
          "create",
          JobWire.STORE_CREATE_JOB,
          JobWire.JOB_STATUS,
          "a new job with the id the job manager chose; queued at once for export and warmup");

  public static final Action<ChunkUpload, Void> APPEND =
      Action.once(
          ADDRESS,
          "append",
          JobWire.CHUNK_UPLOAD,
          JobWire.EMPTY,
          "stores a chunk of an import's lines; 409 unless the job is receiving");

  public static final Action<SubmitJob, JobStatus> SUBMIT =
      Action.once(
          ADDRESS,
          "submit",
          JobWire.SUBMIT_JOB,
          JobWire.JOB_STATUS,
          "receiving becomes queued; the chunks and lines stored must match");

  public static final Action<AbortJob, JobStatus> ABORT =
      Action.idempotent(
          ADDRESS,
          "abort",
          JobWire.ABORT_JOB,
          JobWire.JOB_STATUS,
          "the job fails and its pending chunks go; a finished job stays as it is");

  public static final Action<JobRef, JobStatus> GET =
      Action.idempotent(
          ADDRESS, "get", JobWire.JOB_REF, JobWire.JOB_STATUS, "a stored job; 404 when unknown");

  public static final Action<JobRef, JobStatus> CANCEL =
      Action.idempotent(
          ADDRESS,
          "cancel",
          JobWire.JOB_REF,
          JobWire.JOB_STATUS,
          "cancels a job; only an unfinished job changes");

  public static final Action<ClaimChunk, ClaimedChunk> CLAIM =
      Action.once(
          ADDRESS,
          "claim",
          JobWire.CLAIM_CHUNK,
          JobWire.CLAIMED_CHUNK,
          "a pending chunk, or one whose lease expired, leased to the worker");

  public static final Action<RenewLease, Boolean> RENEW =
      Action.idempotent(
          ADDRESS,
          "renew",
          JobWire.RENEW_LEASE,
          JobWire.RENEWED,
          "extends a chunk's lease; false when it is no longer the worker's");

  public static final Action<ReleaseChunk, JobStatus> RELEASE =
      Action.once(
          ADDRESS,
          "release",
          JobWire.RELEASE_CHUNK,
          JobWire.JOB_STATUS,
          "gives a failed chunk back to the queue, or fails the job");

  public static final Action<ChunkOutcome, JobStatus> COMPLETE =
      Action.once(
          ADDRESS,
          "complete",
          JobWire.CHUNK_OUTCOME,
          JobWire.JOB_STATUS,
          "records a chunk's outcome in one transaction; the last chunk finishes the job");

  public static final Action<JobErrorsQuery, JobErrorsPage> ERRORS =
      Action.idempotent(
          ADDRESS,
          "errors",
          JobWire.ERRORS_QUERY,
          JobWire.ERRORS_PAGE,
          "a page of an import's line errors");

  public static final Action<JobResultQuery, JobResultPart> RESULT =
      Action.idempotent(
          ADDRESS,
          "result",
          JobWire.RESULT_QUERY,
          JobWire.RESULT_PART,
          "a part of a job's result; 404 when there is no such part");

  public static final Action<Void, JobStoreStats> STATS =
      Action.idempotent(
          ADDRESS,
          "stats",
          JobWire.EMPTY,
          JobWire.STORE_STATS,
          "queued chunks and running jobs, cluster-wide");

  public static final Action<ExpireUploads, Integer> EXPIRE_UPLOADS =
      Action.idempotent(
          ADDRESS,
          "expireUploads",
          JobWire.EXPIRE_UPLOADS,
          JobWire.EXPIRED,
          "fails imports whose upload went silent; a second call changes nothing more");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of {@link #ADDRESS}. */
  public static final List<Action<?, ?>> ACTIONS =
      List.of(
          CREATE,
          APPEND,
          SUBMIT,
          ABORT,
          GET,
          CANCEL,
          CLAIM,
          RENEW,
          RELEASE,
          COMPLETE,
          ERRORS,
          RESULT,
          STATS,
          EXPIRE_UPLOADS,
          PING);

  private JobStoreContract() {}

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code owner} names a worker. */
  static String requireOwner(String owner) {
    if (owner == null || owner.isEmpty() || owner.length() > MAX_OWNER_CHARS) {
      throw TroupeException.badRequest("owner must be 1 to " + MAX_OWNER_CHARS + " characters");
    }
    return owner;
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code leaseMs} is a lease's length. */
  static long requireLease(long leaseMs) {
    return JobsContract.requireRange("leaseMs", leaseMs, 1, MAX_LEASE_MS);
  }
}
