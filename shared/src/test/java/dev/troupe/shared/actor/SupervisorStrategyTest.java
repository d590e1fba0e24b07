package dev.troupe.shared.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.troupe.shared.supervision.RestartIntensity;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SupervisorStrategy")
class SupervisorStrategyTest {
  private static final RestartIntensity HOST = new RestartIntensity(3, 5_000);

  @Test
  @DisplayName("each factory names its directive; only RESTART carries an intensity")
  void factories() {
    assertThat(SupervisorStrategy.restart().directive()).isEqualTo(Directive.RESTART);
    assertThat(SupervisorStrategy.restart().intensity()).isNull();
    assertThat(SupervisorStrategy.restart(2, 1_000).intensity())
        .isEqualTo(new RestartIntensity(2, 1_000));
    assertThat(SupervisorStrategy.resume().directive()).isEqualTo(Directive.RESUME);
    assertThat(SupervisorStrategy.stop().directive()).isEqualTo(Directive.STOP);
    assertThat(SupervisorStrategy.escalate().directive()).isEqualTo(Directive.ESCALATE);
  }

  @Test
  @DisplayName(
      "a restart without an intensity of its own takes the host's; any other keeps its own")
  void resolved() {
    assertThat(SupervisorStrategy.restart().resolved(HOST).intensity()).isEqualTo(HOST);
    SupervisorStrategy backoff = SupervisorStrategy.restart().withBackoff(10, 80).resolved(HOST);
    assertThat(backoff.intensity()).isEqualTo(HOST);
    assertThat(backoff.minBackoffMs()).isEqualTo(10);
    assertThat(backoff.maxBackoffMs()).isEqualTo(80);
    SupervisorStrategy own = SupervisorStrategy.restart(1, 100);
    assertThat(own.resolved(HOST)).isSameAs(own);
    for (SupervisorStrategy other :
        new SupervisorStrategy[] {
          SupervisorStrategy.resume(), SupervisorStrategy.stop(), SupervisorStrategy.escalate()
        }) {
      assertThat(other.resolved(HOST).intensity()).as(other.directive().name()).isNull();
    }
  }

  @Test
  @DisplayName("no backoff: every restart is at once")
  void noBackoff() {
    SupervisorStrategy strategy = SupervisorStrategy.restart(5, 1_000);
    for (int restarts = 0; restarts <= 5; restarts++) {
      assertThat(strategy.backoffMs(restarts)).isZero();
    }
  }

  @Test
  @DisplayName(
      "the backoff starts at its minimum, doubles with each restart, and stops at its maximum")
  void backoffDoubles() {
    SupervisorStrategy strategy = SupervisorStrategy.restart(10, 60_000).withBackoff(100, 1_000);
    assertThat(strategy.backoffMs(0)).as("no restart yet").isZero();
    assertThat(strategy.backoffMs(1)).isEqualTo(100);
    assertThat(strategy.backoffMs(2)).isEqualTo(200);
    assertThat(strategy.backoffMs(3)).isEqualTo(400);
    assertThat(strategy.backoffMs(4)).isEqualTo(800);
    assertThat(strategy.backoffMs(5)).isEqualTo(1_000);
    assertThat(strategy.backoffMs(6)).isEqualTo(1_000);
  }

  @Test
  @DisplayName("many restarts do not overflow the backoff past its maximum")
  void backoffNoOverflow() {
    SupervisorStrategy strategy =
        SupervisorStrategy.restart(1_000, 60_000).withBackoff(3, Long.MAX_VALUE / 2);
    assertThat(strategy.backoffMs(63)).isEqualTo(Long.MAX_VALUE / 2);
    assertThat(strategy.backoffMs(1_000)).isEqualTo(Long.MAX_VALUE / 2);
    assertThat(SupervisorStrategy.restart().withBackoff(50, 50).backoffMs(1_000)).isEqualTo(50);
  }

  @Test
  @DisplayName(
      "refuses a negative or inverted backoff, and a backoff or intensity on another directive")
  void refusals() {
    assertThatThrownBy(() -> SupervisorStrategy.restart().withBackoff(-1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SupervisorStrategy.restart().withBackoff(20, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SupervisorStrategy.resume().withBackoff(1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SupervisorStrategy(Directive.STOP, HOST, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SupervisorStrategy(Directive.ESCALATE, null, 0, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SupervisorStrategy(null, null, 0, 0))
        .isInstanceOf(NullPointerException.class);
  }
}
