package dev.troupe.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * How the client's messages travel: the clustered event bus ({@link EventBusTransport}) or the TCP
 * bridge ({@link BridgeTransport}). One attempt each; deadlines across attempts and retries are
 * {@link Attempts}'s.
 */
interface Transport {
  /**
   * Sends {@code body} to {@code address} as {@code action} and completes with the reply body, or
   * fails within {@code timeoutMs}: with a {@link io.vertx.core.eventbus.ReplyException} (a
   * service's failure, no handler, no answer in time), a {@link TransportFailure}, or a {@link
   * dev.troupe.shared.contract.TroupeException} that is final.
   */
  Future<JsonObject> request(String address, String action, JsonObject body, long timeoutMs);

  /** Calls {@code handler} with every message published to {@code address}. */
  Future<Subscription> subscribe(String address, Handler<JsonObject> handler);

  /** The Vert.x the client runs on. */
  Vertx vertx();

  /** Releases what the transport holds: its subscriptions, connections, its own Vert.x. */
  Future<Void> close();
}
