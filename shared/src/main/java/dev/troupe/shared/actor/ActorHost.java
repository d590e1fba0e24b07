package dev.troupe.shared.actor;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.supervision.RestartIntensity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The actor host of one node: activates, runs and passivates the actors whose keys this node's
 * Hazelcast member owns. The launcher deploys one on every node (every member owns partitions).
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>One live activation per actor, cluster-wide.</b> A host serves an actor only while its
 *       member owns the actor's partition, and only after claiming the actor's activation record
 *       ({@link ActivationRecords}, an atomic entry processor on that partition). It releases the
 *       record only after the activation stopped handling messages. A host that finds the record
 *       held by another live member answers MOVED: the sender retries until the old activation has
 *       passivated. The record is taken over only from a member that left the cluster.
 *   <li><b>Fenced state.</b> Each state write is conditional on the version the activation last
 *       read or wrote, so even an activation that outlived its claim (a member wrongly declared
 *       dead in a split brain) cannot overwrite newer state: its write fails and it restarts from
 *       the stored state.
 *   <li><b>One message at a time, in order.</b> Each actor has a FIFO mailbox on this host's event
 *       loop; the next message is handled only after the previous one's reply (and state write).
 *       Messages of one sender arrive in the order sent (the event bus keeps it between two nodes),
 *       so they are handled in that order while the actor stays on one node. A sender that
 *       pipelines messages during a move may see later ones re-routed before earlier ones: order
 *       across a move holds for a sender that waits for each reply.
 *   <li><b>Isolation.</b> Handlers return futures: a slow actor holds only its own mailbox. A
 *       mailbox holds at most {@code TROUPE_ACTOR_MAILBOX} waiting messages; one more is refused at
 *       once with UNAVAILABLE and counted.
 *   <li><b>Durability.</b> A new state is written to db-service before the reply leaves; an actor
 *       activated anywhere later starts from the last acknowledged state.
 *   <li><b>Passivation and moves.</b> An actor idle for {@code TROUPE_ACTOR_IDLE_MS} is passivated.
 *       Ownership is checked before every message and on a periodic sweep, so when a joining node
 *       takes the partition the actor passivates here (after the message in hand) and activates
 *       there on the next message. A node that dies releases nothing; the new owner takes the
 *       record over.
 *   <li><b>Restarts.</b> A crash (a throw, or a failure other than a {@link TroupeException})
 *       restarts the actor from its stored state, as its {@link RestartPolicy} allows; past the
 *       limit the actor stops and its waiting messages fail with UNAVAILABLE.
 *   <li><b>Children.</b> An actor may spawn children ({@link ActorContext#spawn}); they live on
 *       this host under their parent, hold their state in memory, and stop before the parent's
 *       record is released, so a subtree is never live on two nodes. A message for a child goes to
 *       its top-level ancestor's host and is handed to the child only if it is live (NOT_FOUND
 *       otherwise: it never activates anything). A child's crash is handled as its parent's {@link
 *       SupervisorStrategy} says; an escalation crashes the parent, up to the host's policy.
 * </ul>
 *
 * <p>The host takes messages and runs each activation's lifecycle ({@link ActivationState}); its
 * parts are the {@link ActorDirectory} (ownership, the live activations, their records), the {@link
 * MailboxPump} (queues, handlers, restarts), the {@link ActivationPersistence} (fenced state) and
 * the {@link IdleCollector} (the sweep) and the {@link Hierarchy} (children, supervision, watches).
 */
public final class ActorHost extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ActorHost.class);

  private final RestartPolicy.Factory restartPolicy;
  private ActorConfig config;
  private RestartPolicy.Factory policy;
  private ActorMetrics metrics;
  private ActorDirectory directory;
  private ActivationPersistence persistence;
  private MailboxPump pump;
  private Hierarchy hierarchy;
  private IdleCollector collector;
  private MessageConsumer<JsonObject> consumer;
  private boolean stopping;

  /**
   * A host with the restart intensity of the node's settings; the constructor the launcher uses.
   */
  public ActorHost() {
    this(null);
  }

  /**
   * A host whose crashed actors are restarted as {@code restartPolicy} decides (e.g. a
   * supervisor's).
   */
  public ActorHost(RestartPolicy.Factory restartPolicy) {
    this.restartPolicy = restartPolicy;
  }

  @Override
  public Future<?> start() {
    Thread loop = Thread.currentThread();
    NodeRuntime runtime = NodeRuntime.of(vertx);
    config = ActorConfig.from(runtime.settings());
    policy =
        restartPolicy != null
            ? restartPolicy
            : RestartPolicy.intensity(config.maxRestarts(), config.restartPeriodMs());
    HazelcastInstance hazelcast = runtime.hazelcast();
    Member local = hazelcast.getCluster().getLocalMember();
    metrics = new ActorMetrics(runtime.registry());
    persistence =
        new ActivationPersistence(new ActorStore(new Bus(vertx, config.storeTimeoutMs())));
    Actors actors = new Actors(vertx, hazelcast, config.askTimeoutMs());
    ActionRouter router =
        ActionRouter.of("actors")
            .status(() -> new JsonObject().put("live", directory.size()))
            .on(ActorContract.ASK, this::ask);
    return ActivationRecords.open(hazelcast, context)
        .compose(
            records -> {
              directory = new ActorDirectory(actors, records, local.getUuid().toString());
              hierarchy =
                  new Hierarchy(
                      vertx,
                      directory,
                      metrics,
                      new RestartIntensity(config.maxRestarts(), config.restartPeriodMs()),
                      loop);
              pump =
                  new MailboxPump(
                      context,
                      actors,
                      directory,
                      persistence,
                      metrics,
                      hierarchy,
                      config.mailbox(),
                      this::finish);
              hierarchy.attach(pump);
              collector = new IdleCollector(vertx, directory, config.idleMs(), this::passivate);
              collector.start(config.sweepMs());
              consumer =
                  vertx.eventBus().consumer(ActorContract.hostAddress(local.getUuid()), router);
              return consumer.completion();
            });
  }

  /**
   * Stops taking messages, then passivates every actor (each after the message in hand), releasing
   * their records so other nodes can activate them at once. Gives up waiting after the ask timeout:
   * the records still held then are taken over once this member has left.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    List<Future<Void>> stops = new ArrayList<>();
    if (directory != null) {
      collector.stop();
      for (Activation a : directory.all()) {
        passivate(a, StopReason.SHUTDOWN);
        stops.add(a.stopped.future());
      }
    }
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return Future.join(stops)
        .timeout(config.askTimeoutMs(), TimeUnit.MILLISECONDS)
        .recover(
            e -> {
              LOG.warn(
                  "actors still busy at shutdown after {} ms; their records pass on when this node leaves",
                  config.askTimeoutMs());
              return Future.succeededFuture();
            })
        .compose(v -> unregistered);
  }

  private Future<JsonObject> ask(ActorContract.Envelope envelope) {
    ActorType<Object, Object> type = ActorTypes.get(envelope.id().type());
    if (type == null) {
      return Future.failedFuture(
          TroupeException.badRequest("no actor type " + envelope.id().type()));
    }
    return deliver(envelope.id(), type, envelope.message());
  }

  private Future<JsonObject> deliver(
      ActorId id, ActorType<Object, Object> type, JsonObject message) {
    if (stopping || !directory.owns(id)) {
      return Future.failedFuture(ActorDirectory.moved(id, "is not served by this node"));
    }
    if (id.isChild()) {
      // A child is live only under its live parent: a message never activates one.
      Activation child = hierarchy.find(id);
      if (child == null || child.lifecycle().stopping()) {
        return Future.failedFuture(
            new TroupeException(ErrorCode.NOT_FOUND, "actor " + id + " is not live"));
      }
      return pump.enqueue(child, message);
    }
    Activation a = directory.get(id);
    if (a == null) {
      a = activate(id, type);
    } else if (a.lifecycle().stopping()) {
      return Future.failedFuture(ActorDirectory.moved(id, "is passivating"));
    }
    return pump.enqueue(a, message);
  }

  /** Claims the actor's record, then loads its state; its messages wait in the meantime. */
  private Activation activate(ActorId id, ActorType<Object, Object> type) {
    Activation a = directory.add(id, type, policy.create(id), System.currentTimeMillis());
    directory
        .claim(a)
        .onComplete(
            claim -> {
              if (claim.failed()) {
                LOG.warn(
                    "could not claim the activation record of {}: {}",
                    id,
                    claim.cause().getMessage());
                abandon(
                    a,
                    new TroupeException(
                        ErrorCode.UNAVAILABLE,
                        "actor " + id + " cannot be activated now; retry",
                        claim.cause()));
              } else if (!claim.result()) {
                abandon(a, ActorDirectory.moved(id, "is live on another node"));
              } else {
                ActorMetrics.PerType meters = metrics.of(id.type());
                meters.activations.increment();
                meters.live.incrementAndGet();
                if (a.resume(ActivationState.LOADING)) {
                  load(a);
                } else {
                  finish(a, null);
                }
              }
            });
    return a;
  }

  private void load(Activation a) {
    persistence
        .load(a)
        .onComplete(
            loaded -> {
              if (loaded.failed()) {
                a.stop(StopReason.FAILED);
                finish(a, loaded.cause());
              } else if (a.resume(ActivationState.READY)) {
                pump.drain(a);
              } else {
                finish(a, null);
              }
            });
  }

  /** Asks {@code a} to stop for {@code reason}: now, or once the operation in flight completes. */
  private void passivate(Activation a, StopReason reason) {
    if (a.stop(reason)) {
      finish(a, null);
    }
  }

  /**
   * Takes {@code a}, which holds its record, out of service (see {@link #retire}), stops its
   * children, then releases the record: the actor activates elsewhere only once its subtree is
   * gone. A child is finished by its {@link Hierarchy}. Idempotent.
   */
  private void finish(Activation a, Throwable failure) {
    if (a.parent != null) {
      hierarchy.finishChild(a, failure);
      return;
    }
    if (!retire(a, failure)) {
      return;
    }
    ActorMetrics.PerType meters = metrics.of(a.id.type());
    meters.live.decrementAndGet();
    StopReason reason = a.stopReason();
    meters.passivated((reason == null ? StopReason.FAILED : reason).label());
    hierarchy
        .stopChildren(a, StopReason.PARENT)
        .compose(v -> directory.release(a))
        .onComplete(
            released -> {
              if (released.failed()) {
                LOG.warn(
                    "could not release the activation record of {}: {}",
                    a.id,
                    released.cause().getMessage());
              }
              hierarchy.terminated(a);
              a.stopped.complete();
            });
  }

  /** Takes {@code a}, which never held its record, out of service (see {@link #retire}). */
  private void abandon(Activation a, Throwable failure) {
    if (retire(a, failure)) {
      hierarchy.terminated(a);
      a.stopped.complete();
    }
  }

  /**
   * Moves {@code a} to STOPPED: no longer live here, its waiting messages answered (MOVED when the
   * actor may be served elsewhere; {@code failure} or UNAVAILABLE when it failed). False when it
   * was stopped already.
   */
  private boolean retire(Activation a, Throwable failure) {
    if (a.lifecycle() == ActivationState.STOPPED) {
      return false;
    }
    a.moveTo(ActivationState.STOPPED);
    directory.remove(a);
    Throwable answer =
        failure != null
            ? failure
            : a.stopReason() == StopReason.FAILED
                ? new TroupeException(
                    ErrorCode.UNAVAILABLE, "actor " + a.id + " stopped after repeated failures")
                : ActorDirectory.moved(a.id, "is passivating");
    pump.failWaiting(a, answer);
    return true;
  }
}
