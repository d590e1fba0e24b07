package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.bool;
import static dev.troupe.shared.contract.JsonFields.instant;
import static dev.troupe.shared.contract.JsonFields.intValue;
import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.objects;
import static dev.troupe.shared.contract.JsonFields.optionalInstant;
import static dev.troupe.shared.contract.JsonFields.optionalObject;
import static dev.troupe.shared.contract.JsonFields.optionalString;
import static dev.troupe.shared.contract.JsonFields.string;
import static dev.troupe.shared.contract.JsonFields.strings;

import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The jobs family on the wire ({@link JobsContract}, {@link JobStoreContract}): each request and
 * reply record mapped to and from its JSON body, every field read through {@link JsonFields}, and
 * the codecs their actions are declared with. The shapes are those of the AsyncAPI document's
 * schemas of the same names.
 */
public final class JobWire {
  static {
    StrictJson.install();
  }

  private JobWire() {}

  // ---- codecs -----------------------------------------------------------------------------------

  /** A body without fields: {@code {}} either way. */
  public static final Codec<Void> EMPTY = Codec.of(v -> new JsonObject(), json -> null);

  public static final Codec<CreateJob> CREATE_JOB = Codec.of(JobWire::toJson, JobWire::createJob);
  public static final Codec<StoreCreateJob> STORE_CREATE_JOB =
      Codec.of(JobWire::toJson, JobWire::storeCreateJob);
  public static final Codec<ChunkUpload> CHUNK_UPLOAD =
      Codec.of(JobWire::toJson, JobWire::chunkUpload);
  public static final Codec<SubmitJob> SUBMIT_JOB = Codec.of(JobWire::toJson, JobWire::submitJob);
  public static final Codec<AbortJob> ABORT_JOB = Codec.of(JobWire::toJson, JobWire::abortJob);
  public static final Codec<JobRef> JOB_REF = Codec.of(JobWire::toJson, JobWire::jobRef);
  public static final Codec<JobErrorsQuery> ERRORS_QUERY =
      Codec.of(JobWire::toJson, JobWire::errorsQuery);
  public static final Codec<JobErrorsPage> ERRORS_PAGE =
      Codec.of(JobWire::toJson, JobWire::errorsPage);
  public static final Codec<JobResultQuery> RESULT_QUERY =
      Codec.of(JobWire::toJson, JobWire::resultQuery);
  public static final Codec<JobResultPart> RESULT_PART =
      Codec.of(JobWire::toJson, JobWire::resultPart);
  public static final Codec<JobStatus> JOB_STATUS = Codec.of(JobWire::toJson, JobWire::jobStatus);
  public static final Codec<JobView> JOB_VIEW = Codec.of(JobWire::toJson, JobWire::jobView);
  public static final Codec<ClaimChunk> CLAIM_CHUNK =
      Codec.of(JobWire::toJson, JobWire::claimChunk);
  public static final Codec<ClaimedChunk> CLAIMED_CHUNK =
      Codec.of(JobWire::toJson, JobWire::claimedChunk);
  public static final Codec<RenewLease> RENEW_LEASE =
      Codec.of(JobWire::toJson, JobWire::renewLease);

  /** {@code {"renewed":bool}}. */
  public static final Codec<Boolean> RENEWED =
      Codec.of(r -> new JsonObject().put("renewed", r), json -> bool(json, "renewed"));

  public static final Codec<ReleaseChunk> RELEASE_CHUNK =
      Codec.of(JobWire::toJson, JobWire::releaseChunk);
  public static final Codec<ChunkOutcome> CHUNK_OUTCOME =
      Codec.of(JobWire::toJson, JobWire::chunkOutcome);
  public static final Codec<ExpireUploads> EXPIRE_UPLOADS =
      Codec.of(
          e -> new JsonObject().put("idleMs", e.idleMs()),
          json -> new ExpireUploads(longValue(json, "idleMs")));

  /** {@code {"expired":n}}. */
  public static final Codec<Integer> EXPIRED =
      Codec.of(n -> new JsonObject().put("expired", n), json -> intValue(json, "expired"));

  public static final Codec<JobTypeInfo> JOB_TYPE_INFO =
      Codec.of(JobWire::toJson, JobWire::jobTypeInfo);

  public static final Codec<JobStoreStats> STORE_STATS =
      Codec.of(JobWire::toJson, JobWire::storeStats);

  // ---- requests ---------------------------------------------------------------------------------

  public static JsonObject toJson(CreateJob create) {
    return new JsonObject()
        .put("type", create.type())
        .put("collection", create.collection())
        .put("input", create.input().wire());
  }

  /** {@code input} may be absent: the type's default ({@link JobInput#defaultFor}). */
  public static CreateJob createJob(JsonObject json) {
    String input = optionalString(json, "input");
    return new CreateJob(
        string(json, "type"),
        string(json, "collection"),
        input == null ? null : JobInput.ofWire(input));
  }

  public static JsonObject toJson(StoreCreateJob create) {
    return new JsonObject()
        .put("id", create.id())
        .put("type", create.type())
        .put("collection", create.collection())
        .put("queued", create.queued());
  }

  public static StoreCreateJob storeCreateJob(JsonObject json) {
    return new StoreCreateJob(
        string(json, "id"), string(json, "type"), string(json, "collection"), bool(json, "queued"));
  }

  public static JsonObject toJson(ChunkUpload chunk) {
    return new JsonObject()
        .put("id", chunk.jobId())
        .put("seq", chunk.seq())
        .put("firstLine", chunk.firstLine())
        .put("lines", chunk.lines())
        .put("payload", chunk.payload());
  }

  public static ChunkUpload chunkUpload(JsonObject json) {
    return new ChunkUpload(
        string(json, "id"),
        intValue(json, "seq"),
        longValue(json, "firstLine"),
        intValue(json, "lines"),
        string(json, "payload"));
  }

  public static JsonObject toJson(SubmitJob submit) {
    return new JsonObject()
        .put("id", submit.id())
        .put("chunks", submit.chunks())
        .put("total", submit.total());
  }

  public static SubmitJob submitJob(JsonObject json) {
    return new SubmitJob(string(json, "id"), intValue(json, "chunks"), longValue(json, "total"));
  }

  public static JsonObject toJson(AbortJob abort) {
    return new JsonObject().put("id", abort.id()).put("error", abort.error());
  }

  public static AbortJob abortJob(JsonObject json) {
    return new AbortJob(string(json, "id"), string(json, "error"));
  }

  public static JsonObject toJson(JobRef ref) {
    return new JsonObject().put("id", ref.id());
  }

  public static JobRef jobRef(JsonObject json) {
    return new JobRef(string(json, "id"));
  }

  public static JsonObject toJson(JobErrorsQuery query) {
    return new JsonObject()
        .put("id", query.id())
        .put("after", query.after())
        .put("limit", query.limit());
  }

  public static JobErrorsQuery errorsQuery(JsonObject json) {
    return new JobErrorsQuery(
        string(json, "id"), longValue(json, "after"), intValue(json, "limit"));
  }

  public static JsonObject toJson(JobResultQuery query) {
    return new JsonObject().put("id", query.id()).put("part", query.part());
  }

  public static JobResultQuery resultQuery(JsonObject json) {
    return new JobResultQuery(string(json, "id"), intValue(json, "part"));
  }

  public static JsonObject toJson(ClaimChunk claim) {
    return new JsonObject()
        .put("owner", claim.owner())
        .put("leaseMs", claim.leaseMs())
        .put("types", new JsonArray(new ArrayList<>(claim.types())));
  }

  /** {@code types} may be absent: the built-in types (a worker of an older build). */
  public static ClaimChunk claimChunk(JsonObject json) {
    return new ClaimChunk(
        string(json, "owner"),
        longValue(json, "leaseMs"),
        json.getValue("types") == null ? null : strings(json, "types"));
  }

  public static JsonObject toJson(JobTypeInfo info) {
    JsonArray inputs = new JsonArray();
    info.inputs().forEach(input -> inputs.add(input.wire()));
    return new JsonObject().put("type", info.type()).put("inputs", inputs);
  }

  public static JobTypeInfo jobTypeInfo(JsonObject json) {
    List<JobInput> inputs = new ArrayList<>();
    strings(json, "inputs").forEach(input -> inputs.add(JobInput.ofWire(input)));
    return new JobTypeInfo(string(json, "type"), inputs);
  }

  public static JsonObject toJson(RenewLease renew) {
    return new JsonObject()
        .put("id", renew.id())
        .put("seq", renew.seq())
        .put("owner", renew.owner())
        .put("leaseMs", renew.leaseMs());
  }

  public static RenewLease renewLease(JsonObject json) {
    return new RenewLease(
        string(json, "id"),
        intValue(json, "seq"),
        string(json, "owner"),
        longValue(json, "leaseMs"));
  }

  public static JsonObject toJson(ReleaseChunk release) {
    return new JsonObject()
        .put("id", release.id())
        .put("seq", release.seq())
        .put("owner", release.owner())
        .put("error", release.error())
        .put("fatal", release.fatal())
        .put("maxAttempts", release.maxAttempts());
  }

  public static ReleaseChunk releaseChunk(JsonObject json) {
    return new ReleaseChunk(
        string(json, "id"),
        intValue(json, "seq"),
        string(json, "owner"),
        string(json, "error"),
        bool(json, "fatal"),
        intValue(json, "maxAttempts"));
  }

  public static JsonObject toJson(ChunkOutcome outcome) {
    JsonArray errors = new JsonArray(new ArrayList<>(outcome.errors().size()));
    outcome.errors().forEach(e -> errors.add(toJson(e)));
    return new JsonObject()
        .put("id", outcome.jobId())
        .put("seq", outcome.seq())
        .put("owner", outcome.owner())
        .put("processed", outcome.processed())
        .put("errors", errors)
        .put("result", outcome.result())
        .put("next", outcome.next());
  }

  public static ChunkOutcome chunkOutcome(JsonObject json) {
    return new ChunkOutcome(
        string(json, "id"),
        intValue(json, "seq"),
        string(json, "owner"),
        longValue(json, "processed"),
        lineErrors(json, "errors"),
        optionalString(json, "result"),
        optionalString(json, "next"));
  }

  public static JsonObject toJson(ChunkOutcome.LineError error) {
    return new JsonObject().put("line", error.line()).put("error", error.error());
  }

  public static ChunkOutcome.LineError lineError(JsonObject json) {
    return new ChunkOutcome.LineError(longValue(json, "line"), string(json, "error"));
  }

  // ---- replies ----------------------------------------------------------------------------------

  public static JsonObject toJson(JobStatus job) {
    return new JsonObject()
        .put("id", job.id())
        .put("type", job.type())
        .put("collection", job.collection())
        .put("state", job.state())
        .put("done", job.done())
        .put("total", job.total())
        .put("failed", job.failed())
        .put("createdAt", Instants.format(job.createdAt()))
        .put("startedAt", job.startedAt() == null ? null : Instants.format(job.startedAt()))
        .put("finishedAt", job.finishedAt() == null ? null : Instants.format(job.finishedAt()))
        .put("error", job.error());
  }

  public static JobStatus jobStatus(JsonObject json) {
    return new JobStatus(
        string(json, "id"),
        string(json, "type"),
        string(json, "collection"),
        string(json, "state"),
        longValue(json, "done"),
        json.getValue("total") == null ? null : longValue(json, "total"),
        longValue(json, "failed"),
        instant(json, "createdAt"),
        optionalInstant(json, "startedAt"),
        optionalInstant(json, "finishedAt"),
        optionalString(json, "error"));
  }

  /** The job's fields, then {@code ratePerSec} and {@code etaSec} (null when unknown). */
  public static JsonObject toJson(JobView view) {
    return toJson(view.job()).put("ratePerSec", view.ratePerSec()).put("etaSec", view.etaSec());
  }

  public static JobView jobView(JsonObject json) {
    return new JobView(
        jobStatus(json),
        json.getValue("ratePerSec") == null ? null : JsonFields.number(json, "ratePerSec"),
        json.getValue("etaSec") == null ? null : longValue(json, "etaSec"));
  }

  public static JsonObject toJson(JobErrorsPage page) {
    JsonArray items = new JsonArray(new ArrayList<>(page.items().size()));
    page.items().forEach(e -> items.add(toJson(e)));
    return new JsonObject().put("items", items).put("next", page.next());
  }

  public static JobErrorsPage errorsPage(JsonObject json) {
    return new JobErrorsPage(
        lineErrors(json, "items"), json.getValue("next") == null ? null : longValue(json, "next"));
  }

  public static JsonObject toJson(JobResultPart part) {
    return new JsonObject().put("payload", part.payload()).put("next", part.next());
  }

  public static JobResultPart resultPart(JsonObject json) {
    return new JobResultPart(
        optionalString(json, "payload"),
        json.getValue("next") == null ? null : intValue(json, "next"));
  }

  public static JsonObject toJson(JobChunk chunk) {
    return new JsonObject()
        .put("id", chunk.jobId())
        .put("type", chunk.type())
        .put("collection", chunk.collection())
        .put("seq", chunk.seq())
        .put("firstLine", chunk.firstLine())
        .put("lines", chunk.lines())
        .put("payload", chunk.payload())
        .put("attempts", chunk.attempts());
  }

  public static JobChunk jobChunk(JsonObject json) {
    return new JobChunk(
        string(json, "id"),
        string(json, "type"),
        string(json, "collection"),
        intValue(json, "seq"),
        longValue(json, "firstLine"),
        intValue(json, "lines"),
        string(json, "payload"),
        intValue(json, "attempts"));
  }

  /** {@code {"chunk":}{@link JobChunk}{@code }}, or {@code {"chunk":null}} when none waits. */
  public static JsonObject toJson(ClaimedChunk claimed) {
    return new JsonObject().put("chunk", claimed.chunk() == null ? null : toJson(claimed.chunk()));
  }

  public static ClaimedChunk claimedChunk(JsonObject json) {
    JsonObject chunk = optionalObject(json, "chunk");
    return chunk == null ? ClaimedChunk.NONE : new ClaimedChunk(jobChunk(chunk));
  }

  public static JsonObject toJson(JobStoreStats stats) {
    return new JsonObject()
        .put("queuedChunks", stats.queuedChunks())
        .put("runningJobs", stats.runningJobs());
  }

  public static JobStoreStats storeStats(JsonObject json) {
    return new JobStoreStats(longValue(json, "queuedChunks"), longValue(json, "runningJobs"));
  }

  private static List<ChunkOutcome.LineError> lineErrors(JsonObject json, String field) {
    List<JsonObject> items = objects(json, field);
    List<ChunkOutcome.LineError> errors = new ArrayList<>(items.size());
    items.forEach(item -> errors.add(lineError(item)));
    return errors;
  }
}
