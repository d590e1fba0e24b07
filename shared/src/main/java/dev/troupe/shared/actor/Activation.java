package dev.troupe.shared.actor;

import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * One live (or activating, or stopping) actor on its host; touched only on the host's event loop.
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
  final Promise<Void> stopped = Promise.promise();

  /** True once the state is loaded: messages are processed only from then on. */
  boolean ready;

  /** True once this activation holds the activation record. */
  boolean claimed;

  /** True while a message is being handled (its reply and state write included). */
  boolean busy;

  /** Why this activation is to stop as soon as it is not busy; null while it serves. */
  String stopReason;

  boolean finished;
  Object state;
  long version;
  long lastActiveMs;

  Activation(
      ActorId id, ActorType<Object, Object> type, RestartPolicy policy, String tag, long nowMs) {
    this.id = id;
    this.type = type;
    this.policy = policy;
    this.tag = tag;
    this.lastActiveMs = nowMs;
  }
}
