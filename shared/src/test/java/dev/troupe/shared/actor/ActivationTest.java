package dev.troupe.shared.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Activation lifecycle")
class ActivationTest {

  private static Activation ready() {
    Activation a = new Activation(new ActorId("t", "k"), null, null, "m/1", 0);
    a.moveTo(ActivationState.LOADING);
    a.moveTo(ActivationState.READY);
    return a;
  }

  @Test
  @DisplayName("claims, loads, then alternates between ready and handling")
  void serving() {
    Activation a = new Activation(new ActorId("t", "k"), null, null, "m/1", 0);
    assertThat(a.lifecycle()).isEqualTo(ActivationState.CLAIMING);
    assertThat(a.resume(ActivationState.LOADING)).isTrue();
    assertThat(a.resume(ActivationState.READY)).isTrue();
    a.moveTo(ActivationState.HANDLING);
    assertThat(a.resume(ActivationState.READY)).isTrue();
    assertThat(a.lifecycle()).isEqualTo(ActivationState.READY);
    assertThat(a.stopReason()).isNull();
  }

  @Test
  @DisplayName("a stop asked while ready is for the caller to carry out at once")
  void stopWhenReady() {
    Activation a = ready();
    assertThat(a.stop(StopReason.IDLE)).isTrue();
    assertThat(a.lifecycle()).isEqualTo(ActivationState.READY);
    a.moveTo(ActivationState.STOPPED);
    assertThat(a.stopReason()).isEqualTo(StopReason.IDLE);
  }

  @Test
  @DisplayName("a stop asked while a message is in hand waits for it, and nothing resumes")
  void stopWhileHandling() {
    Activation a = ready();
    a.moveTo(ActivationState.HANDLING);
    assertThat(a.stop(StopReason.MOVED)).isFalse();
    assertThat(a.lifecycle()).isEqualTo(ActivationState.STOPPING);
    assertThat(a.lifecycle().stopping()).isTrue();
    assertThat(a.resume(ActivationState.READY)).isFalse();
    assertThat(a.lifecycle()).isEqualTo(ActivationState.STOPPING);
  }

  @Test
  @DisplayName("a stop asked while claiming stops the activation once the claim completes")
  void stopWhileClaiming() {
    Activation a = new Activation(new ActorId("t", "k"), null, null, "m/1", 0);
    assertThat(a.stop(StopReason.SHUTDOWN)).isFalse();
    assertThat(a.resume(ActivationState.LOADING)).isFalse();
    a.moveTo(ActivationState.STOPPED);
    assertThat(a.stop(StopReason.FAILED)).as("ignored once stopped").isFalse();
    assertThat(a.stopReason()).isEqualTo(StopReason.SHUTDOWN);
  }

  @Test
  @DisplayName("the first reason stays, except that a failure overrides any")
  void reasons() {
    Activation a = ready();
    a.moveTo(ActivationState.HANDLING);
    a.stop(StopReason.SHUTDOWN);
    a.stop(StopReason.IDLE);
    assertThat(a.stopReason()).isEqualTo(StopReason.SHUTDOWN);
    a.stop(StopReason.FAILED);
    assertThat(a.stopReason()).isEqualTo(StopReason.FAILED);
    assertThat(StopReason.FAILED.label()).isEqualTo("failed");
  }

  @Test
  @DisplayName("refuses a transition the lifecycle does not have")
  void illegal() {
    Activation a = ready();
    assertThatThrownBy(() -> a.moveTo(ActivationState.LOADING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("READY to LOADING");
    a.moveTo(ActivationState.HANDLING);
    assertThatThrownBy(() -> a.moveTo(ActivationState.STOPPED))
        .as("a message in hand must complete first")
        .isInstanceOf(IllegalStateException.class);
    a.stop(StopReason.IDLE);
    a.moveTo(ActivationState.STOPPED);
    for (ActivationState next : ActivationState.values()) {
      assertThat(ActivationState.STOPPED.canMoveTo(next)).isFalse();
    }
  }
}
