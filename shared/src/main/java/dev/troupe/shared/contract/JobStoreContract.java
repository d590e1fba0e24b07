package dev.troupe.shared.contract;

/**
 * db-service's durable store of background jobs: the job records, their chunks (the work queue) and
 * their results. Only request-service's job manager and workers call it. A chunk is claimed with a
 * lease (owner and expiry); a chunk whose lease expired is claimable again by any worker, so a job
 * outlives the node that ran it (each chunk runs at least once).
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
 *   <tr><td>{@code claim}</td><td>{@code {"owner","leaseMs"}}</td><td>{@code {"chunk":}{@link JobChunk}{@code }} or
 *       {@code {"chunk":null}}: a pending chunk, or one whose lease expired, of a queued or running job</td></tr>
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

  public static final String CREATE = "create";
  public static final String APPEND = "append";
  public static final String SUBMIT = "submit";
  public static final String ABORT = "abort";
  public static final String GET = "get";
  public static final String CANCEL = "cancel";
  public static final String CLAIM = "claim";
  public static final String RENEW = "renew";
  public static final String RELEASE = "release";
  public static final String COMPLETE = "complete";
  public static final String ERRORS = "errors";
  public static final String RESULT = "result";
  public static final String STATS = "stats";
  public static final String EXPIRE_UPLOADS = "expireUploads";

  private JobStoreContract() {}
}
