package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JobState.CANCELLED;
import static dev.troupe.shared.contract.JobState.FAILED;
import static dev.troupe.shared.contract.JobState.QUEUED;
import static dev.troupe.shared.contract.JobState.RECEIVING;
import static dev.troupe.shared.contract.JobState.RUNNING;
import static dev.troupe.shared.contract.JobState.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The job state machine: its names on the wire and its transitions. */
@DisplayName("JobState")
class JobStateTest {
  private static final String ID = "0123456789abcdef0123456789abcdef";

  @Test
  @DisplayName("each state has the wire name clients and the jobs table know, and is found by it")
  void wireNames() {
    assertThat(List.of(JobState.values()).stream().map(JobState::wire))
        .containsExactly("receiving", "queued", "running", "succeeded", "failed", "cancelled");
    for (JobState s : JobState.values()) {
      assertThat(JobState.ofWire(s.wire())).isSameAs(s);
      assertThat(JobState.isWire(s.wire())).isTrue();
      assertThat(s).hasToString(s.wire());
    }
    assertThat(JobState.isWire("RUNNING")).isFalse();
    assertThat(JobState.isWire(null)).isFalse();
    assertThatThrownBy(() -> JobState.ofWire("paused"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("paused");
  }

  @Test
  @DisplayName("JobStatus's string constants are the enum's wire names")
  void constantsDelegate() {
    assertThat(
            List.of(
                JobStatus.RECEIVING,
                JobStatus.QUEUED,
                JobStatus.RUNNING,
                JobStatus.SUCCEEDED,
                JobStatus.FAILED,
                JobStatus.CANCELLED))
        .containsExactly(
            RECEIVING.wire(),
            QUEUED.wire(),
            RUNNING.wire(),
            SUCCEEDED.wire(),
            FAILED.wire(),
            CANCELLED.wire());
  }

  @Test
  @DisplayName(
      "receiving becomes queued, queued running, running succeeded; any unfinished state may fail or be cancelled")
  void transitions() {
    List<String> allowed = new ArrayList<>();
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        if (from.canBecome(to)) {
          allowed.add(from + ">" + to);
        }
      }
    }
    assertThat(allowed)
        .containsExactlyInAnyOrder(
            "receiving>queued",
            "receiving>failed",
            "receiving>cancelled",
            "queued>running",
            "queued>failed",
            "queued>cancelled",
            "running>succeeded",
            "running>failed",
            "running>cancelled");
  }

  @Test
  @DisplayName("a finished state goes nowhere, and only finished states do")
  void finishedIsTerminal() {
    for (JobState s : JobState.values()) {
      boolean goesSomewhere = List.of(JobState.values()).stream().anyMatch(s::canBecome);
      assertThat(s.finished()).as("%s", s).isEqualTo(!goesSomewhere);
    }
    assertThat(List.of(JobState.values()).stream().filter(JobState::finished))
        .containsExactly(SUCCEEDED, FAILED, CANCELLED);
  }

  @Test
  @DisplayName(
      "predecessors are the states that may become a state; workers take queued and running jobs")
  void predecessorsAndWork() {
    assertThat(QUEUED.predecessors()).containsExactly(RECEIVING);
    assertThat(RUNNING.predecessors()).containsExactly(QUEUED);
    assertThat(SUCCEEDED.predecessors()).containsExactly(RUNNING);
    assertThat(FAILED.predecessors()).containsExactly(RECEIVING, QUEUED, RUNNING);
    assertThat(CANCELLED.predecessors()).containsExactly(RECEIVING, QUEUED, RUNNING);
    assertThat(RECEIVING.predecessors()).isEmpty();
    assertThat(List.of(JobState.values()).stream().filter(JobState::workable))
        .containsExactly(QUEUED, RUNNING);
  }

  @Test
  @DisplayName("clients see a receiving import as queued, every other state as it is")
  void visible() {
    assertThat(RECEIVING.visible()).isEqualTo(QUEUED);
    for (JobState s : List.of(QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)) {
      assertThat(s.visible()).isEqualTo(s);
    }
  }

  @Test
  @DisplayName(
      "a JobStatus reports its state as the enum, finished as the enum says, and refuses unknown names")
  void status() {
    Instant t = Instant.parse("2026-01-31T12:00:00Z");
    JobStatus running = new JobStatus(ID, "import", "books", "running", 1, 2L, 0, t, t, null, null);
    JobStatus failed = new JobStatus(ID, "import", "books", "failed", 1, 2L, 0, t, t, t, "boom");
    assertThat(running.jobState()).isEqualTo(RUNNING);
    assertThat(running.finished()).isFalse();
    assertThat(failed.jobState()).isEqualTo(FAILED);
    assertThat(failed.finished()).isTrue();
    assertThatThrownBy(
            () -> new JobStatus(ID, "import", "books", "Running", 1, 2L, 0, t, t, null, null))
        .isInstanceOf(TroupeException.class)
        .hasMessageContaining("state must be a job state, got Running");
  }
}
