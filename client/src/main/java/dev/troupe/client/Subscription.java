package dev.troupe.client;

import io.vertx.core.Future;

/**
 * A subscription to events of Troupe (document changes, a chat user's messages). Events are
 * delivered at most once: after a gap (a restart, a reconnect of the bridge) read again what
 * matters.
 */
public interface Subscription {
  /** The address the events come from. */
  String address();

  /** Stops the events; completes once the subscription is gone. */
  Future<Void> cancel();
}
