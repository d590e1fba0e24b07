package dev.troupe.shared.actor;

import dev.troupe.shared.supervision.RestartIntensity;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One live (or activating, or stopping) actor on its host; touched only on the host's event loop.
 * Its lifecycle is an {@link ActivationState}, changed only through {@link #moveTo}, {@link #stop}
 * and {@link #resume}, which refuse a transition the lifecycle does not have.
 *
 * <p>A top-level activation holds its actor's record and has a {@link RestartPolicy}; a child has a
 * parent, the {@link SupervisorStrategy} its parent declared for its type, and no record.
 */
final class Activation {
  /**
   * A message waiting for its turn, and where its reply goes; or a signal from the runtime (a
   * {@link Terminated}, or a child's escalated failure), with {@code message} null.
   */
  record Pending(JsonObject message, Object signal, Promise<JsonObject> reply) {
    Pending(JsonObject message, Promise<JsonObject> reply) {
      this(message, null, reply);
    }
  }

  final ActorId id;
  final ActorType<Object, Object> type;
  final RestartPolicy policy;

  /** The parent of a child; null for a top-level actor. */
  final Activation parent;

  /** How the parent treats this child's crashes; null for a top-level actor. */
  final SupervisorStrategy strategy;

  /** This activation's value in the activation record: {@code <member uuid>/<number>}. */
  final String tag;

  final ArrayDeque<Pending> mailbox = new ArrayDeque<>();

  /** Signals, handled before the mailbox's messages. */
  final ArrayDeque<Pending> signals = new ArrayDeque<>();

  /** The live children, by name, in spawn order. */
  final Map<String, Activation> children = new LinkedHashMap<>();

  /** The activations told when this one stops, and those this one watches. */
  final Set<Activation> watchers = new LinkedHashSet<>();

  final Set<Activation> watching = new LinkedHashSet<>();

  /** Completes once this activation stopped and its record was released (or could not be). */
  final Promise<Void> stopped = Promise.promise();

  /** The actor's state and its version at the store, as last read or written. */
  Object state;

  long version;
  long lastActiveMs;

  /** A child's restarts within its strategy's period. */
  RestartIntensity.Restarts restarts = RestartIntensity.Restarts.NONE;

  private ActivationState lifecycle = ActivationState.CLAIMING;
  private StopReason stopReason;

  Activation(
      ActorId id, ActorType<Object, Object> type, RestartPolicy policy, String tag, long nowMs) {
    this(id, type, policy, null, null, tag, nowMs);
  }

  private Activation(
      ActorId id,
      ActorType<Object, Object> type,
      RestartPolicy policy,
      Activation parent,
      SupervisorStrategy strategy,
      String tag,
      long nowMs) {
    this.id = id;
    this.type = type;
    this.policy = policy;
    this.parent = parent;
    this.strategy = strategy;
    this.tag = tag;
    this.lastActiveMs = nowMs;
  }

  /** A child of {@code parent}, ready at once with its type's initial state. */
  static Activation child(
      Activation parent,
      ActorId id,
      ActorType<Object, Object> type,
      SupervisorStrategy strategy,
      long nowMs) {
    Activation child =
        new Activation(id, type, null, parent, strategy, parent.tag + "/" + id.key(), nowMs);
    child.state = type.initialState(id.key());
    child.moveTo(ActivationState.LOADING);
    child.moveTo(ActivationState.READY);
    return child;
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
