package dev.troupe.shared.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.supervision.RestartIntensity.Restarts;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RestartIntensity")
class RestartIntensityTest {

  /** Adds restarts at {@code times} in turn, keeping the history only when allowed. */
  private static List<Boolean> run(RestartIntensity intensity, long... times) {
    Restarts history = Restarts.NONE;
    java.util.ArrayList<Boolean> allowed = new java.util.ArrayList<>();
    for (long t : times) {
      Optional<Restarts> next = intensity.add(history, t);
      allowed.add(next.isPresent());
      history = next.orElse(history);
    }
    return allowed;
  }

  @Test
  @DisplayName("allows maxRestarts restarts within the period and refuses the next one")
  void limit() {
    assertThat(run(new RestartIntensity(3, 1_000), 0, 100, 200, 999))
        .containsExactly(true, true, true, false);
  }

  @Test
  @DisplayName("restarts a period old or more no longer count")
  void slidingWindow() {
    assertThat(run(new RestartIntensity(2, 1_000), 0, 500, 1_000, 1_200, 2_000))
        .containsExactly(true, true, true, false, true);
  }

  @Test
  @DisplayName("with maxRestarts 0 every restart is refused")
  void none() {
    assertThat(new RestartIntensity(0, 1_000).add(Restarts.NONE, 0)).isEmpty();
  }

  @Test
  @DisplayName("the new history holds the restarts within the period, this one included")
  void history() {
    RestartIntensity intensity = new RestartIntensity(5, 1_000);
    Restarts before = new Restarts(List.of(0L, 400L, 900L));
    Restarts after = intensity.add(before, 1_300).orElseThrow();
    assertThat(after.times()).containsExactly(400L, 900L, 1_300L);
    assertThat(after.count()).isEqualTo(3);
    assertThat(before.times()).as("add is pure").containsExactly(0L, 400L, 900L);
  }

  @Test
  @DisplayName("refuses a negative limit or an empty period")
  void badArguments() {
    assertThatThrownBy(() -> new RestartIntensity(-1, 1_000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RestartIntensity(1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
