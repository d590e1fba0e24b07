package dev.troupe.shared.actor;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * </ul>
 */
public final class ActorHost extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ActorHost.class);

  private final RestartPolicy.Factory restartPolicy;
  private final Map<ActorId, Activation> live = new HashMap<>();
  private ActorConfig config;
  private RestartPolicy.Factory policy;
  private HazelcastInstance hazelcast;
  private String self;
  private ActivationRecords records;
  private ActorStore store;
  private ActorMetrics metrics;
  private Actors actors;
  private MessageConsumer<JsonObject> consumer;
  private long sweepTimer = -1;
  private long activations;
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
    NodeRuntime runtime = NodeRuntime.of(vertx);
    config = ActorConfig.from(runtime.settings());
    policy =
        restartPolicy != null
            ? restartPolicy
            : RestartPolicy.intensity(config.maxRestarts(), config.restartPeriodMs());
    hazelcast = runtime.hazelcast();
    Member local = hazelcast.getCluster().getLocalMember();
    self = local.getUuid().toString();
    metrics = new ActorMetrics(runtime.registry());
    store = new ActorStore(new Bus(vertx, config.storeTimeoutMs()));
    actors = new Actors(vertx, hazelcast, config.askTimeoutMs());
    ActionRouter router =
        ActionRouter.of("actors")
            .status(() -> new JsonObject().put("live", live.size()))
            .on(ActorContract.ASK, this::ask);
    return ActivationRecords.open(hazelcast, context)
        .compose(
            opened -> {
              records = opened;
              sweepTimer = vertx.setPeriodic(config.sweepMs(), t -> sweep());
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
    vertx.cancelTimer(sweepTimer);
    List<Future<Void>> stops = new ArrayList<>();
    for (Activation a : new ArrayList<>(live.values())) {
      passivate(a, "shutdown");
      stops.add(a.stopped.future());
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

  private Future<JsonObject> ask(Message<JsonObject> message) {
    ActorContract.Envelope envelope = ActorContract.envelope(message.body());
    ActorType<Object, Object> type = ActorTypes.get(envelope.id().type());
    if (type == null) {
      return Future.failedFuture(
          TroupeException.badRequest("no actor type " + envelope.id().type()));
    }
    return deliver(envelope.id(), type, envelope.message());
  }

  private Future<JsonObject> deliver(
      ActorId id, ActorType<Object, Object> type, JsonObject message) {
    if (stopping || !ownsKey(id)) {
      return Future.failedFuture(moved(id, "is not served by this node"));
    }
    Activation a = live.get(id);
    if (a == null) {
      a = activate(id, type);
    } else if (a.stopReason != null) {
      return Future.failedFuture(moved(id, "is passivating"));
    }
    if (a.mailbox.size() >= config.mailbox()) {
      metrics.of(id.type()).rejected.increment();
      return Future.failedFuture(
          new TroupeException(
              ErrorCode.UNAVAILABLE,
              "the mailbox of actor "
                  + id
                  + " is full ("
                  + config.mailbox()
                  + " messages); retry shortly"));
    }
    Promise<JsonObject> reply = Promise.promise();
    a.mailbox.add(new Activation.Pending(message, reply));
    metrics.of(id.type()).queued.incrementAndGet();
    drain(a);
    return reply.future();
  }

  private Activation activate(ActorId id, ActorType<Object, Object> type) {
    Activation a = new Activation(id, type, policy.create(id), self + "/" + (++activations), now());
    live.put(id, a);
    records
        .claim(id, a.tag)
        .onComplete(
            claim -> {
              if (claim.failed()) {
                LOG.warn(
                    "could not claim the activation record of {}: {}",
                    id,
                    claim.cause().getMessage());
                finish(
                    a,
                    new TroupeException(
                        ErrorCode.UNAVAILABLE,
                        "actor " + id + " cannot be activated now; retry",
                        claim.cause()));
              } else if (!claim.result()) {
                finish(a, moved(id, "is live on another node"));
              } else {
                a.claimed = true;
                ActorMetrics.PerType meters = metrics.of(id.type());
                meters.activations.increment();
                meters.live.incrementAndGet();
                if (a.stopReason != null) {
                  finish(a, null);
                } else {
                  load(a)
                      .onComplete(
                          loaded -> {
                            if (loaded.failed()) {
                              a.stopReason = "failed";
                              finish(a, loaded.cause());
                            } else {
                              a.ready = true;
                              drain(a);
                            }
                          });
                }
              }
            });
    return a;
  }

  /** Reads the actor's state from the store into {@code a}. */
  private Future<Void> load(Activation a) {
    return store
        .load(a.id)
        .map(
            loaded -> {
              a.state =
                  loaded.data() == null
                      ? a.type.initialState(a.id.key())
                      : a.type.decodeState(loaded.data());
              a.version = loaded.version();
              return null;
            });
  }

  /** Hands the next message to the handler unless one is in hand; stops the actor when asked to. */
  private void drain(Activation a) {
    if (a.busy || !a.ready || a.finished) {
      return;
    }
    if (a.stopReason == null && !ownsKey(a.id)) {
      a.stopReason = "moved";
    }
    if (a.stopReason != null) {
      finish(a, null);
      return;
    }
    Activation.Pending next = a.mailbox.poll();
    if (next == null) {
      return;
    }
    ActorMetrics.PerType meters = metrics.of(a.id.type());
    meters.queued.decrementAndGet();
    a.busy = true;
    long start = System.nanoTime();
    handle(a, next)
        .onComplete(
            done -> {
              meters.handled(start);
              a.busy = false;
              a.lastActiveMs = now();
              drain(a);
            });
  }

  /**
   * Handles one message; completes (on this context) once it is answered and the actor is ready
   * again.
   */
  private Future<Void> handle(Activation a, Activation.Pending next) {
    Object message;
    try {
      message = a.type.decodeMessage(next.message());
    } catch (RuntimeException e) {
      next.reply()
          .fail(
              e instanceof TroupeException te
                  ? te
                  : TroupeException.badRequest(
                      "not a message for actor type " + a.id.type() + ": " + e.getMessage()));
      return Future.succeededFuture();
    }
    Future<Outcome<Object>> outcome;
    try {
      outcome = a.type.handle(new ActorContext(a.id, vertx, actors, a.version), a.state, message);
      if (outcome == null) {
        outcome = Future.failedFuture(new IllegalStateException("the handler returned no future"));
      }
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return onContext(outcome)
        .transform(
            ar -> {
              if (ar.failed()) {
                return refusedOrCrashed(a, next, ar.cause());
              }
              Outcome<Object> result = ar.result();
              if (result == null) {
                return refusedOrCrashed(
                    a, next, new IllegalStateException("the handler returned no outcome"));
              }
              JsonObject reply = result.reply() == null ? new JsonObject() : result.reply();
              if (!result.changesState()) {
                runEffect(a, result);
                next.reply().complete(reply);
                return Future.succeededFuture();
              }
              JsonObject encoded;
              try {
                encoded = a.type.encodeState(result.state());
              } catch (RuntimeException e) {
                return refusedOrCrashed(a, next, e);
              }
              return store
                  .save(a.id, encoded, a.version, result.messages())
                  .transform(
                      saved -> {
                        if (saved.succeeded()) {
                          a.state = result.state();
                          a.version = saved.result();
                          runEffect(a, result);
                          next.reply().complete(reply);
                          return Future.succeededFuture();
                        }
                        if (Failures.code(saved.cause()) == ErrorCode.PRECONDITION_FAILED) {
                          // Someone else wrote this actor's state: this activation is stale. Refuse
                          // and reload.
                          next.reply()
                              .fail(
                                  new TroupeException(
                                      ErrorCode.CONFLICT,
                                      "the state of actor " + a.id + " changed elsewhere; retry"));
                          return restart(a, saved.cause());
                        }
                        next.reply().fail(Failures.normalise(saved.cause()));
                        return Future.succeededFuture();
                      });
            });
  }

  /**
   * Runs the outcome's effect; the state is committed already, so a failing effect is only logged.
   */
  private static void runEffect(Activation a, Outcome<Object> outcome) {
    if (outcome.effect() == null) {
      return;
    }
    try {
      outcome.effect().run();
    } catch (RuntimeException e) {
      LOG.warn("the effect of a message to actor {} failed after its state was stored", a.id, e);
    }
  }

  private Future<Void> refusedOrCrashed(Activation a, Activation.Pending next, Throwable cause) {
    if (cause instanceof TroupeException refusal) {
      next.reply().fail(refusal);
      return Future.succeededFuture();
    }
    LOG.warn("actor {} crashed handling a message", a.id, cause);
    next.reply().fail(new TroupeException(ErrorCode.INTERNAL, "actor " + a.id + " failed"));
    return restart(a, cause);
  }

  /** Reloads the stored state, if the restart policy allows; otherwise marks the actor to stop. */
  private Future<Void> restart(Activation a, Throwable cause) {
    if (!a.policy.restart(a.id, cause, now())) {
      LOG.warn("actor {} crashed too often; stopping it", a.id);
      a.stopReason = "failed";
      return Future.succeededFuture();
    }
    metrics.of(a.id.type()).restarts.increment();
    return load(a)
        .recover(
            e -> {
              LOG.warn(
                  "actor {} could not reload its state; stopping it: {}", a.id, e.getMessage());
              a.stopReason = "failed";
              return Future.succeededFuture();
            });
  }

  /** Every so often: passivates idle actors and those whose key this member no longer owns. */
  private void sweep() {
    long now = now();
    for (Activation a : new ArrayList<>(live.values())) {
      if (!a.ready || a.stopReason != null) {
        continue;
      }
      if (!ownsKey(a.id)) {
        passivate(a, "moved");
      } else if (!a.busy && a.mailbox.isEmpty() && now - a.lastActiveMs >= config.idleMs()) {
        passivate(a, "idle");
      }
    }
  }

  private void passivate(Activation a, String reason) {
    if (a.stopReason == null) {
      a.stopReason = reason;
    }
    if (a.ready && !a.busy) {
      finish(a, null);
    }
  }

  /**
   * Takes {@code a} out of service: no longer live here, its waiting messages answered (MOVED when
   * the actor may be served elsewhere; {@code failure} or UNAVAILABLE when it failed), its record
   * released. Idempotent.
   */
  private void finish(Activation a, Throwable failure) {
    if (a.finished) {
      return;
    }
    a.finished = true;
    if (live.get(a.id) == a) {
      live.remove(a.id);
    }
    Throwable answer =
        failure != null
            ? failure
            : "failed".equals(a.stopReason)
                ? new TroupeException(
                    ErrorCode.UNAVAILABLE, "actor " + a.id + " stopped after repeated failures")
                : moved(a.id, "is passivating");
    ActorMetrics.PerType meters = metrics.of(a.id.type());
    for (Activation.Pending waiting; (waiting = a.mailbox.poll()) != null; ) {
      meters.queued.decrementAndGet();
      waiting.reply().fail(answer);
    }
    if (!a.claimed) {
      a.stopped.complete();
      return;
    }
    meters.live.decrementAndGet();
    meters.passivated(a.stopReason == null ? "failed" : a.stopReason);
    records
        .release(a.id, a.tag)
        .onComplete(
            released -> {
              if (released.failed()) {
                LOG.warn(
                    "could not release the activation record of {}: {}",
                    a.id,
                    released.cause().getMessage());
              }
              a.stopped.complete();
            });
  }

  private boolean ownsKey(ActorId id) {
    try {
      Member owner = actors.owner(id);
      return owner != null && owner.localMember();
    } catch (RuntimeException e) {
      // This member is no longer active (it is leaving or was terminated): it owns nothing.
      return false;
    }
  }

  /** {@code future}, completed on this host's context whatever thread completes the original. */
  private <T> Future<T> onContext(Future<T> future) {
    Promise<T> promise = Promise.promise();
    future.onComplete(
        ar -> {
          if (Vertx.currentContext() == context) {
            promise.handle(ar);
          } else {
            context.runOnContext(v -> promise.handle(ar));
          }
        });
    return promise.future();
  }

  private static TroupeException moved(ActorId id, String why) {
    return new TroupeException(ErrorCode.MOVED, "actor " + id + " " + why);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
