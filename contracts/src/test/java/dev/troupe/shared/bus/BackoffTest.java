package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Backoff")
class BackoffTest {
  @Test
  @DisplayName("the ceiling doubles per attempt from the base and stops at the maximum")
  void ceilingDoublesUpToMax() {
    Backoff backoff = new Backoff(50, 300);
    assertThat(backoff.ceilingMs(1)).isEqualTo(50);
    assertThat(backoff.ceilingMs(2)).isEqualTo(100);
    assertThat(backoff.ceilingMs(3)).isEqualTo(200);
    assertThat(backoff.ceilingMs(4)).isEqualTo(300);
    assertThat(backoff.ceilingMs(1_000)).isEqualTo(300);
  }

  @Test
  @DisplayName(
      "every jittered delay lies between half the ceiling and the ceiling, and they differ")
  void jitterWithinBounds() {
    Backoff backoff = new Backoff(100, 10_000);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      long delay = backoff.delayMs(3);
      assertThat(delay).isBetween(200L, 400L);
      seen.add(delay);
    }
    assertThat(seen).hasSizeGreaterThan(1);
  }

  @Test
  @DisplayName("a base below 1 or a maximum below the base is refused")
  void validates() {
    assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 5)).isInstanceOf(IllegalArgumentException.class);
  }
}
