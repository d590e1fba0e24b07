package dev.troupe.shared.actor;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Sends messages to actors anywhere in the cluster. A message goes to the host of the member that
 * owns the actor's Hazelcast partition; that host activates the actor if it is not live.
 *
 * <p>When the host answers MOVED (the partition moved, or the actor is still live on its previous
 * owner and about to passivate) or the owner has no host (it just died or has not started its host
 * yet), nothing was processed, and the message is sent again to the owner of the moment, with a
 * short back-off, until {@link ActorConfig#askTimeoutMs}. Any other failure, a timeout included, is
 * returned as is: after a timeout the message may or may not have been processed, so it is never
 * resent.
 */
public final class Actors {
  private static final long FIRST_BACKOFF_MS = 5;
  private static final long MAX_BACKOFF_MS = 200;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final Bus bus;

  public Actors(Vertx vertx, HazelcastInstance hazelcast, long askTimeoutMs) {
    this.vertx = Objects.requireNonNull(vertx);
    this.hazelcast = Objects.requireNonNull(hazelcast);
    this.bus = new Bus(vertx, askTimeoutMs);
  }

  /** A client for the node {@code vertx} belongs to, with its configured ask timeout. */
  public static Actors of(Vertx vertx) {
    NodeRuntime runtime = NodeRuntime.of(vertx);
    return new Actors(
        vertx, runtime.hazelcast(), ActorConfig.from(runtime.settings()).askTimeoutMs());
  }

  /**
   * Sends {@code message} to actor ({@code type}, {@code key}) and completes with its reply. Don't
   * modify {@code message} after this call: it is handed over to the bus.
   */
  public Future<JsonObject> ask(String type, String key, JsonObject message) {
    ActorId id;
    try {
      id = new ActorId(type, key);
    } catch (TroupeException e) {
      return Future.failedFuture(e);
    }
    return ask(id, message, null);
  }

  /** As {@link #ask(String, String, JsonObject)}, carrying {@code requestId} for the logs. */
  public Future<JsonObject> ask(ActorId id, JsonObject message, String requestId) {
    ActorContract.Envelope envelope;
    try {
      envelope = new ActorContract.Envelope(id, message);
    } catch (TroupeException e) {
      return Future.failedFuture(e);
    }
    Promise<JsonObject> reply = Promise.promise();
    attempt(
        envelope, requestId, System.currentTimeMillis() + bus.timeoutMs(), FIRST_BACKOFF_MS, reply);
    return reply.future();
  }

  private void attempt(
      ActorContract.Envelope envelope,
      String requestId,
      long deadline,
      long backoff,
      Promise<JsonObject> reply) {
    ActorId id = envelope.id();
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      reply.fail(
          new TroupeException(ErrorCode.TIMEOUT, "actor " + id + " was not reachable in time"));
      return;
    }
    Member owner;
    try {
      owner = owner(id);
    } catch (RuntimeException e) {
      reply.fail(new TroupeException(ErrorCode.UNAVAILABLE, "this node has left the cluster"));
      return;
    }
    if (owner == null) {
      retry(envelope, requestId, deadline, backoff, reply);
      return;
    }
    // Each attempt sends its own copy: a body handed over to a host that answered MOVED may be in
    // use.
    bus.call(
            ActorContract.askOn(owner.getUuid()),
            new ActorContract.Envelope(id, envelope.message().copy()),
            requestId,
            left)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                reply.complete(ar.result());
              } else if (resendable(ar.cause())) {
                retry(envelope, requestId, deadline, backoff, reply);
              } else {
                reply.fail(ar.cause());
              }
            });
  }

  private void retry(
      ActorContract.Envelope envelope,
      String requestId,
      long deadline,
      long backoff,
      Promise<JsonObject> reply) {
    long delay = Math.min(backoff, Math.max(1, deadline - System.currentTimeMillis()));
    vertx.setTimer(
        delay,
        t -> attempt(envelope, requestId, deadline, Math.min(backoff * 2, MAX_BACKOFF_MS), reply));
  }

  /** The member owning {@code id}'s partition, or null while the partition table has none. */
  Member owner(ActorId id) {
    Partition partition = hazelcast.getPartitionService().getPartition(id.placementKey());
    return partition.getOwner();
  }

  private static boolean resendable(Throwable failure) {
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return true;
    }
    return failure instanceof ReplyException re
        && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && Failures.code(failure) == ErrorCode.MOVED;
  }
}
