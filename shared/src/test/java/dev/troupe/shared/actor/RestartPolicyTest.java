package dev.troupe.shared.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RestartPolicy.intensity")
class RestartPolicyTest {
  private static final ActorId ID = new ActorId("t", "k");
  private static final RuntimeException CRASH = new IllegalStateException("crash");

  @Test
  @DisplayName("allows maxRestarts restarts within the period and refuses the next one")
  void limitWithinPeriod() {
    RestartPolicy policy = RestartPolicy.intensity(3, 1_000).create(ID);
    assertThat(policy.restart(ID, CRASH, 0)).isTrue();
    assertThat(policy.restart(ID, CRASH, 100)).isTrue();
    assertThat(policy.restart(ID, CRASH, 200)).isTrue();
    assertThat(policy.restart(ID, CRASH, 999)).isFalse();
  }

  @Test
  @DisplayName("restarts older than the period no longer count")
  void slidingWindow() {
    RestartPolicy policy = RestartPolicy.intensity(2, 1_000).create(ID);
    assertThat(policy.restart(ID, CRASH, 0)).isTrue();
    assertThat(policy.restart(ID, CRASH, 500)).isTrue();
    assertThat(policy.restart(ID, CRASH, 1_000)).as("the first is a period old").isTrue();
    assertThat(policy.restart(ID, CRASH, 1_200))
        .as("500 and 1000 are within 1200's period")
        .isFalse();
    assertThat(policy.restart(ID, CRASH, 2_000)).isTrue();
  }

  @Test
  @DisplayName("with maxRestarts 0 every crash stops the actor")
  void noRestarts() {
    assertThat(RestartPolicy.intensity(0, 1_000).create(ID).restart(ID, CRASH, 0)).isFalse();
  }

  @Test
  @DisplayName("each activation gets its own count")
  void perActivation() {
    RestartPolicy.Factory factory = RestartPolicy.intensity(1, 1_000);
    RestartPolicy first = factory.create(ID);
    assertThat(first.restart(ID, CRASH, 0)).isTrue();
    assertThat(first.restart(ID, CRASH, 1)).isFalse();
    assertThat(factory.create(ID).restart(ID, CRASH, 2)).isTrue();
  }

  @Test
  @DisplayName("refuses a negative limit or an empty period")
  void badArguments() {
    assertThatThrownBy(() -> RestartPolicy.intensity(-1, 1_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RestartPolicy.intensity(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
