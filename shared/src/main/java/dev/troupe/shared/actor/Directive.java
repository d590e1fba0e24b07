package dev.troupe.shared.actor;

/** What a parent does when one of its children crashes ({@link SupervisorStrategy}). */
public enum Directive {
  /**
   * The child starts again from its initial state, its own children stopped, within the strategy's
   * restart intensity (past it the child stops, {@link StopReason#FAILED}) and after its backoff.
   */
  RESTART,
  /** The child keeps its state and takes its next message; the crash is only answered. */
  RESUME,
  /** The child stops ({@link StopReason#FAILED}). */
  STOP,
  /**
   * The child stops and its parent fails as if its own handler had crashed: the parent's own
   * supervision decides (its parent's strategy, or for a top-level actor the host's {@link
   * RestartPolicy}, the seam to the cluster's supervisors).
   */
  ESCALATE
}
