package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.contract.JobState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link JobSql} and {@link ChunkState}: the jobs statements follow the state machines. */
@DisplayName("JobSql: statements composed from the job and chunk states")
class JobSqlTest {
  private final JobSql sql = new JobSql(new Sql(s -> s));

  @Test
  @DisplayName("a chunk goes pending to claimed to done, back to pending, or to another claimer")
  void chunkTransitions() {
    List<String> allowed = new ArrayList<>();
    for (ChunkState from : ChunkState.values()) {
      for (ChunkState to : ChunkState.values()) {
        if (from.canBecome(to)) {
          allowed.add(from.column() + ">" + to.column());
        }
      }
    }
    assertThat(allowed)
        .containsExactlyInAnyOrder(
            "pending>claimed", "claimed>claimed", "claimed>pending", "claimed>done");
  }

  @Test
  @DisplayName("a statement moving a job takes it only from the states that may become the target")
  void transitionsFromTheStateMachine() {
    assertThat(sql.submit).contains("SET state = 'queued'").endsWith("AND state = 'receiving'");
    assertThat(sql.startJob).contains("SET state = 'running'").endsWith("AND state = 'queued'");
    assertThat(sql.stop(JobState.FAILED))
        .contains("SET state = 'failed'")
        .endsWith("AND state IN ('receiving', 'queued', 'running')");
    assertThat(sql.stop(JobState.CANCELLED))
        .contains("SET state = 'cancelled'")
        .endsWith("AND state IN ('receiving', 'queued', 'running')");
    for (JobState s : List.of(JobState.RECEIVING, JobState.QUEUED, JobState.SUCCEEDED)) {
      assertThatThrownBy(() -> sql.stop(s)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName(
      "a worker claims a pending chunk, or a claimed one whose lease expired, of a workable job of its types")
  void claims() {
    assertThat(sql.claimChunk)
        .endsWith("AND (state = 'pending' OR (state = 'claimed' AND lease_until < ?))");
    assertThat(sql.candidates(1))
        .contains("(c.state = 'pending' OR (c.state = 'claimed' AND c.lease_until < ?))")
        .contains("j.state IN ('queued', 'running')")
        .contains("j.type IN (?)");
    assertThat(sql.candidates(3)).contains("j.type IN (?, ?, ?)");
    assertThatThrownBy(() -> sql.candidates(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(sql.queuedChunks).contains("c.state <> 'done' AND j.state IN ('queued', 'running')");
  }

  @Test
  @DisplayName("an error text longer than its column is cut with an ellipsis")
  void errorText() {
    assertThat(JobSql.errorText(null)).isNull();
    assertThat(JobSql.errorText("short")).isEqualTo("short");
    String cut = JobSql.errorText("e".repeat(1500));
    assertThat(cut).hasSize(1000).endsWith("...");
  }
}
