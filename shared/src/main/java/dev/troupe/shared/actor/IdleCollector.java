package dev.troupe.shared.actor;

import io.vertx.core.Vertx;
import java.util.function.BiConsumer;

/**
 * The periodic sweep of one host: passivates actors idle for {@code TROUPE_ACTOR_IDLE_MS} and those
 * whose partition this member no longer owns (a joining node took it), so an actor without messages
 * does not stay here for ever. Confined to the host's event loop.
 */
final class IdleCollector {
  private final Vertx vertx;
  private final ActorDirectory directory;
  private final long idleMs;
  private final BiConsumer<Activation, StopReason> passivate;
  private long timer = -1;

  /**
   * @param passivate asks an activation to stop for a reason
   */
  IdleCollector(
      Vertx vertx,
      ActorDirectory directory,
      long idleMs,
      BiConsumer<Activation, StopReason> passivate) {
    this.vertx = vertx;
    this.directory = directory;
    this.idleMs = idleMs;
    this.passivate = passivate;
  }

  /** Sweeps every {@code periodMs} until {@link #stop}. */
  void start(long periodMs) {
    timer = vertx.setPeriodic(periodMs, t -> sweep());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    for (Activation a : directory.all()) {
      ActivationState lifecycle = a.lifecycle();
      if (lifecycle != ActivationState.READY && lifecycle != ActivationState.HANDLING) {
        continue;
      }
      if (!directory.owns(a.id)) {
        passivate.accept(a, StopReason.MOVED);
      } else if (lifecycle == ActivationState.READY
          && a.mailbox.isEmpty()
          && now - a.lastActiveMs >= idleMs) {
        passivate.accept(a, StopReason.IDLE);
      }
    }
  }
}
