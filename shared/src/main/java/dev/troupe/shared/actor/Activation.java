package dev.troupe.shared.actor;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * One live (or activating, or stopping) actor on its host; touched only on the host's event loop.
 * Its lifecycle is an {@link ActivationState}, changed only through {@link #moveTo}, {@link #stop}
 * and {@link #resume}, which refuse a transition the lifecycle does not have.
 */
final class Activation {
  /** A message waiting for its turn, and where its reply goes. */
  record Pending(JsonObject message, Promise<JsonObject> reply) {}

  final ActorId id;
  final ActorType<Object, Object> type;
  final RestartPolicy policy;

  /** This activation's value in the activation record: {@code <member uuid>/<number>}. */
  final String tag;

  final ArrayDeque<Pending> mailbox = new ArrayDeque<>();

  /** Completes once this activation stopped and its record was released (or could not be). */
  final Promise<Void> stopped = Promise.promise();

  /** The actor's state and its version at the store, as last read or written. */
  Object state;

  long version;
  long lastActiveMs;

  private ActivationState lifecycle = ActivationState.CLAIMING;
  private StopReason stopReason;

  Activation(
      ActorId id, ActorType<Object, Object> type, RestartPolicy policy, String tag, long nowMs) {
    this.id = id;
    this.type = type;
    this.policy = policy;
    this.tag = tag;
    this.lastActiveMs = nowMs;
  }

  ActivationState lifecycle() {
    return lifecycle;
  }

  /** Why this activation stops; null until a stop was asked. */
  StopReason stopReason() {
    return stopReason;
  }

  void moveTo(ActivationState next) {
    if (!lifecycle.canMoveTo(next)) {
      throw new IllegalStateException(
          "activation " + tag + " of actor " + id + " cannot go from " + lifecycle + " to " + next);
    }
    lifecycle = next;
  }

  /**
   * Asks this activation to stop for {@code reason} (the first reason stays, except that {@link
   * StopReason#FAILED} overrides any). True when nothing is in flight, so the caller stops it now;
   * otherwise it moves to STOPPING and the completion of the operation in flight stops it. Ignored
   * once stopped.
   */
  boolean stop(StopReason reason) {
    if (lifecycle == ActivationState.STOPPED) {
      return false;
    }
    if (stopReason == null || reason == StopReason.FAILED) {
      stopReason = reason;
    }
    if (lifecycle == ActivationState.READY) {
      return true;
    }
    if (lifecycle != ActivationState.STOPPING) {
      moveTo(ActivationState.STOPPING);
    }
    return false;
  }

  /**
   * The operation in flight completed: moves to {@code next}, unless a stop was asked meanwhile;
   * false then, and the caller stops the activation.
   */
  boolean resume(ActivationState next) {
    if (lifecycle == ActivationState.STOPPING) {
      return false;
    }
    moveTo(next);
    return true;
  }
}
