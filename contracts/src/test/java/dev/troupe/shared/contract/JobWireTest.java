package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The job records on the wire: each survives a round trip, and bad fields are bad requests. */
@DisplayName("Job contracts on the wire")
class JobWireTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";

  @Test
  @DisplayName(
      "a job, a chunk upload, a claimed chunk and a chunk outcome survive a round trip through JSON")
  void roundTrips() {
    JobStatus job =
        new JobStatus(
            ID,
            "import",
            "books",
            JobStatus.RUNNING,
            10,
            20L,
            1,
            Instant.parse("2026-01-31T12:00:00Z"),
            Instant.parse("2026-01-31T12:00:01.5Z"),
            null,
            null);
    ChunkUpload upload = new ChunkUpload(ID, 3, 3001, 2, "{}\n{}\n");
    JobChunk chunk = new JobChunk(ID, "export", "books", 4, 0, 0, "k-9", 2);
    ChunkOutcome outcome =
        new ChunkOutcome(
            ID,
            4,
            "n1/abc",
            1000,
            List.of(new ChunkOutcome.LineError(7, "bad")),
            "{\"id\":\"a\",\"data\":{}}\n",
            "k-99");
    assertThat(JobWire.jobStatus(JobWire.toJson(job))).isEqualTo(job);
    assertThat(JobWire.chunkUpload(JobWire.toJson(upload))).isEqualTo(upload);
    assertThat(JobWire.jobChunk(JobWire.toJson(chunk))).isEqualTo(chunk);
    assertThat(JobWire.chunkOutcome(JobWire.toJson(outcome))).isEqualTo(outcome);
  }

  @Test
  @DisplayName(
      "a malformed job id, an unknown type or state, and a chunk without lines are bad requests")
  void rejects() {
    assertThatThrownBy(() -> JobsContract.requireJobId("ABC")).isInstanceOf(TroupeException.class);
    assertThat(JobsContract.requireType("reindex")).as("a user type's name").isEqualTo("reindex");
    for (String bad : new String[] {"Reindex", "1st", "a b", "x".repeat(17), "", null}) {
      assertThatThrownBy(() -> JobsContract.requireType(bad))
          .as("%s", bad)
          .isInstanceOf(TroupeException.class)
          .hasMessageContaining("import, export, warmup or a registered job type");
    }
    assertThatThrownBy(() -> JobsContract.requireUserType("import"))
        .hasMessageContaining("built-in");
    assertThatThrownBy(() -> new CreateJob("import", "books", JobInput.COLLECTION))
        .hasMessageContaining("reads ndjson input only");
    assertThatThrownBy(
            () ->
                JobWire.createJob(
                    new JsonObject("{\"type\":\"x\",\"collection\":\"b\",\"input\":\"csv\"}")))
        .hasMessageContaining("input must be ndjson or collection");
    assertThatThrownBy(() -> new JobTypeInfo("thumbnail", List.of()))
        .isInstanceOf(TroupeException.class);
    JsonObject job =
        JobWire.toJson(
            new JobStatus(
                ID,
                "warmup",
                "books",
                JobStatus.QUEUED,
                0,
                null,
                0,
                Instant.parse("2026-01-31T12:00:00Z"),
                null,
                null,
                null));
    assertThatThrownBy(() -> JobWire.jobStatus(job.copy().put("state", "paused")))
        .isInstanceOf(TroupeException.class);
    assertThatThrownBy(() -> new ChunkUpload(ID, 0, 1, 0, "")).isInstanceOf(TroupeException.class);
  }

  @Test
  @DisplayName(
      "every request and reply of the jobs actions survives its codec, and an integer may arrive as 5.0")
  void actionBodies() {
    roundTrip(JobWire.CREATE_JOB, new CreateJob("export", "books"));
    roundTrip(JobWire.STORE_CREATE_JOB, new StoreCreateJob(ID, "warmup", "books", true));
    roundTrip(JobWire.SUBMIT_JOB, new SubmitJob(ID, 2, 150));
    roundTrip(JobWire.ABORT_JOB, new AbortJob(ID, "upload failed"));
    roundTrip(JobWire.JOB_REF, new JobRef(ID));
    roundTrip(JobWire.ERRORS_QUERY, new JobErrorsQuery(ID, 7, 1000));
    roundTrip(
        JobWire.ERRORS_PAGE, new JobErrorsPage(List.of(new ChunkOutcome.LineError(7, "bad")), 7L));
    roundTrip(JobWire.ERRORS_PAGE, new JobErrorsPage(List.of(), null));
    roundTrip(JobWire.RESULT_QUERY, new JobResultQuery(ID, 3));
    roundTrip(JobWire.RESULT_PART, new JobResultPart("{}\n", 4));
    roundTrip(JobWire.RESULT_PART, new JobResultPart("", null));
    roundTrip(JobWire.CLAIM_CHUNK, new ClaimChunk("n1/abc", 30_000));
    roundTrip(JobWire.CLAIM_CHUNK, new ClaimChunk("n1/abc", 30_000, List.of("thumbnail")));
    roundTrip(JobWire.CREATE_JOB, new CreateJob("thumbnail", "photos", JobInput.NDJSON));
    roundTrip(
        JobWire.JOB_TYPE_INFO,
        new JobTypeInfo("thumbnail", List.of(JobInput.NDJSON, JobInput.COLLECTION)));
    assertThat(
            JobWire.claimChunk(new JsonObject().put("owner", "old").put("leaseMs", 1000)).types())
        .as("a claim without types, from a worker of an older build")
        .isEqualTo(JobsContract.BUILT_IN);
    assertThat(
            JobWire.createJob(new JsonObject().put("type", "import").put("collection", "b"))
                .input())
        .isEqualTo(JobInput.NDJSON);
    assertThat(JobTypeContract.describeOn("thumbnail").address())
        .isEqualTo("troupe.jobs.type.v1.thumbnail");
    roundTrip(
        JobWire.CLAIMED_CHUNK,
        new ClaimedChunk(new JobChunk(ID, "export", "books", 0, 0, 0, "", 1)));
    roundTrip(JobWire.CLAIMED_CHUNK, ClaimedChunk.NONE);
    roundTrip(JobWire.RENEW_LEASE, new RenewLease(ID, 1, "n1/abc", 30_000));
    roundTrip(JobWire.RENEWED, true);
    roundTrip(JobWire.RELEASE_CHUNK, new ReleaseChunk(ID, 1, "n1/abc", "boom", true, 5));
    roundTrip(JobWire.EXPIRE_UPLOADS, new ExpireUploads(60_000));
    roundTrip(JobWire.EXPIRED, 2);
    roundTrip(JobWire.STORE_STATS, new JobStoreStats(3, 1));
    JobStatus job =
        new JobStatus(
            ID,
            "import",
            "books",
            JobStatus.RUNNING,
            10,
            20L,
            1,
            Instant.parse("2026-01-31T12:00:00Z"),
            Instant.parse("2026-01-31T12:00:01Z"),
            null,
            null);
    roundTrip(JobWire.JOB_VIEW, new JobView(job, 5.0, 2L));
    roundTrip(JobWire.JOB_VIEW, new JobView(job, null, null));
    assertThat(JobWire.toJson(new JobView(job, 5.0, 2L)).fieldNames())
        .containsExactly(
            "id",
            "type",
            "collection",
            "state",
            "done",
            "total",
            "failed",
            "createdAt",
            "startedAt",
            "finishedAt",
            "error",
            "ratePerSec",
            "etaSec");
    // Senders in other languages may write an integer as 5.0; the store used to refuse it.
    JsonObject renew =
        new JsonObject().put("id", ID).put("seq", 2.0).put("owner", "w").put("leaseMs", 5.0e3);
    assertThat(JobWire.renewLease(renew)).isEqualTo(new RenewLease(ID, 2, "w", 5_000));
  }

  @Test
  @DisplayName(
      "a request out of its bounds is a bad request naming the field: lease, owner, page size, part")
  void bounds() {
    JsonObject claim = new JsonObject().put("owner", "w").put("leaseMs", 0);
    assertThatThrownBy(() -> JobWire.claimChunk(claim))
        .isInstanceOf(TroupeException.class)
        .hasMessageContaining("leaseMs");
    assertThatThrownBy(
            () ->
                JobWire.claimChunk(claim.copy().put("leaseMs", JobStoreContract.MAX_LEASE_MS + 1)))
        .hasMessageContaining("leaseMs");
    assertThatThrownBy(() -> JobWire.claimChunk(claim.copy().put("owner", "").put("leaseMs", 1000)))
        .hasMessageContaining("owner");
    assertThatThrownBy(
            () ->
                JobWire.errorsQuery(
                    new JsonObject()
                        .put("id", ID)
                        .put("after", 0)
                        .put("limit", JobsContract.MAX_ERRORS_PAGE + 1)))
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> JobWire.resultQuery(new JsonObject().put("id", ID).put("part", 1.5)))
        .hasMessageContaining("part must be an integer");
    assertThatThrownBy(() -> JobWire.jobRef(new JsonObject().put("id", 5)))
        .hasMessageContaining("id must be a string");
  }

  private static <T> void roundTrip(dev.troupe.shared.bus.Codec<T> codec, T value) {
    assertThat(codec.decode(codec.encode(value))).isEqualTo(value);
  }
}
