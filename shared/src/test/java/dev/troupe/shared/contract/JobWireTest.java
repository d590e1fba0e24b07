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
    assertThat(Wire.jobStatus(Wire.toJson(job))).isEqualTo(job);
    assertThat(Wire.chunkUpload(Wire.toJson(upload))).isEqualTo(upload);
    assertThat(Wire.jobChunk(Wire.toJson(chunk))).isEqualTo(chunk);
    assertThat(Wire.chunkOutcome(Wire.toJson(outcome))).isEqualTo(outcome);
  }

  @Test
  @DisplayName(
      "a malformed job id, an unknown type or state, and a chunk without lines are bad requests")
  void rejects() {
    assertThatThrownBy(() -> JobsContract.requireJobId("ABC")).isInstanceOf(TroupeException.class);
    assertThatThrownBy(() -> JobsContract.requireType("reindex"))
        .hasMessageContaining("import, export or warmup");
    JsonObject job =
        Wire.toJson(
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
    assertThatThrownBy(() -> Wire.jobStatus(job.copy().put("state", "paused")))
        .isInstanceOf(TroupeException.class);
    assertThatThrownBy(() -> new ChunkUpload(ID, 0, 1, 0, "")).isInstanceOf(TroupeException.class);
  }
}
