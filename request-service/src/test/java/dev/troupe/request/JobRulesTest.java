package dev.troupe.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.JobView;
import dev.troupe.shared.contract.JobWire;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.jobs.ChunkLoop;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The rules of jobs that need no cluster: how import lines are read, and how a job is reported. */
@DisplayName("Job rules: import lines and the reported job")
class JobRulesTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";
  private static final Instant T0 = Instant.parse("2026-01-31T12:00:00Z");

  private static JobChunk chunk(long firstLine, String payload) {
    return new JobChunk(
        ID, "import", "books", 0, firstLine, (int) payload.lines().count(), payload, 1);
  }

  @Test
  @DisplayName(
      "good lines become writes, the later of two with one id winning; bad lines are errors of their line numbers; blank lines are skipped")
  void importLines() {
    JobWorker.ImportLines lines =
        JobWorker.ImportLines.parse(
            chunk(
                101,
                String.join(
                        "\n",
                        "{\"id\":\"a\",\"data\":{\"v\":1}}",
                        "not json",
                        "",
                        "{\"id\":\"../x\",\"data\":{}}",
                        "{\"id\":7,\"data\":{}}",
                        "{\"id\":\"b\",\"data\":[]}",
                        "  {\"id\":\"b\",\"data\":{\"v\":2}}\r",
                        "{\"id\":\"a\",\"data\":{\"v\":3}}")
                    + "\n"));
    assertThat(lines.items()).extracting(PutMany.Item::id).containsExactly("b", "a");
    assertThat(lines.items())
        .extracting(PutMany.Item::data)
        .containsExactly(new JsonObject().put("v", 2), new JsonObject().put("v", 3));
    assertThat(lines.errors()).extracting(LineError::line).containsExactly(102L, 104L, 105L, 106L);
    assertThat(lines.errors().get(0).error()).isEqualTo("not a JSON object");
    assertThat(lines.errors().get(1).error()).contains("id must be");
    assertThat(lines.errors().get(3).error()).isEqualTo("data must be a JSON object");
  }

  @Test
  @DisplayName(
      "a built-in chunk that failed for want of the database (unavailable, overloaded, timed out) is retried; any other failure fails its job")
  void builtInReleasePolicy() {
    ChunkLoop.ReleasePolicy policy = JobWorker.TRANSIENT_RETRIED;
    assertThat(policy.fatal(new TroupeException(ErrorCode.UNAVAILABLE, "away"))).isFalse();
    assertThat(policy.fatal(new TroupeException(ErrorCode.OVERLOADED, "busy"))).isFalse();
    assertThat(policy.fatal(new TroupeException(ErrorCode.TIMEOUT, "slow"))).isFalse();
    assertThat(policy.fatal(new ReplyException(ReplyFailure.TIMEOUT, "no answer"))).isFalse();
    assertThat(policy.fatal(TroupeException.badRequest("not a collection"))).isTrue();
    assertThat(policy.fatal(new IllegalStateException("a bug"))).isTrue();
    assertThat(policy.error(new IllegalStateException("secret")))
        .as("the job records a client-safe text")
        .isEqualTo("internal error");
  }

  @Test
  @DisplayName(
      "a running job reports its rate since it started and the seconds the rest takes at it")
  void runningView() {
    JobStatus job =
        new JobStatus(
            ID, "import", "books", JobStatus.RUNNING, 4_000, 10_000L, 0, T0, T0, null, null);
    JsonObject view = JobWire.toJson(JobView.of(job, T0.plusSeconds(2)));
    assertThat(view.getString("state")).isEqualTo("running");
    assertThat(view.getDouble("ratePerSec")).isEqualTo(2_000.0);
    assertThat(view.getLong("etaSec")).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "an import still receiving its lines is reported queued, without rate or ETA; a finished job has ETA 0")
  void queuedAndFinishedViews() {
    JobStatus receiving =
        new JobStatus(ID, "import", "books", JobStatus.RECEIVING, 0, null, 0, T0, null, null, null);
    JsonObject queued = JobWire.toJson(JobView.of(receiving, T0.plusSeconds(5)));
    assertThat(queued.getString("state")).isEqualTo("queued");
    assertThat(queued.getValue("ratePerSec")).isNull();
    assertThat(queued.getValue("etaSec")).isNull();
    JobStatus done =
        new JobStatus(
            ID,
            "export",
            "books",
            JobStatus.SUCCEEDED,
            500,
            500L,
            0,
            T0,
            T0,
            T0.plusMillis(250),
            null);
    JsonObject finished = JobWire.toJson(JobView.of(done, T0.plusSeconds(60)));
    assertThat(finished.getDouble("ratePerSec")).isEqualTo(2_000.0);
    assertThat(finished.getLong("etaSec")).isZero();
  }
}
