package dev.troupe.shared.supervision;

import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A supervisor in the manner of Erlang/OTP: deploys its children (verticles by name, from the
 * {@link SupervisorSpec} in its config) in order and restarts them when they crash, following its
 * {@link Strategy}, within a restart intensity ({@link SupervisorConfig}). Deploy it by name
 * ({@code dev.troupe.shared.supervision.Supervisor}) with {@link SupervisorSpec#deploymentOptions};
 * with HA set, Vert.x HA redeploys the supervisor on a survivor and the supervisor its children.
 *
 * <p>A crash is what Vert.x 5 lets a supervisor observe through its public API:
 *
 * <ul>
 *   <li>a child failing to start when it is restarted (its deploy future fails);
 *   <li>an exception a child's handler throws and nothing catches, which Vert.x reports to {@link
 *       io.vertx.core.Vertx#exceptionHandler} (see {@link Supervision});
 *   <li>a child that undeploys itself: Vert.x has no public undeploy notification, so the
 *       supervisor checks every {@code TROUPE_SUPERVISOR_WATCH_MS} that its children's deployment
 *       ids are still deployed;
 *   <li>a nested supervisor giving up, which reports itself to its parent as crashed.
 * </ul>
 *
 * A child failing at the supervisor's own start fails that start at once (as in OTP): a service
 * that cannot start with its configuration should stop the node with the reason, not loop.
 *
 * <p>Each restart waits a jittered exponential backoff (doubling with every restart in the period),
 * and counts in {@code troupe_supervisor_restarts{supervisor,child}}. One restart more than {@code
 * TROUPE_SUPERVISOR_MAX_RESTARTS} within {@code TROUPE_SUPERVISOR_PERIOD_MS} ({@link
 * RestartIntensity}) and the supervisor gives up: it stops its children, and escalates, to its
 * parent supervisor (which restarts it, counting against its own intensity) or, at the top, to the
 * node ({@link Supervision#onTopLevelFailure}).
 *
 * <p>Children are Vert.x child deployments of the supervisor, so undeploying the supervisor
 * undeploys them (Vert.x does that before the supervisor's {@code stop}, all at once).
 */
public final class Supervisor extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /**
   * STARTING until every child started once; RUNNING; then STOPPING (undeployed) or FAILED (gave
   * up), after which crashes and timers are ignored.
   */
  private enum Phase {
    STARTING,
    RUNNING,
    STOPPING,
    FAILED;

    boolean over() {
      return this == STOPPING || this == FAILED;
    }
  }

  private SupervisorSpec spec;
  private SupervisorConfig settings;
  private RestartIntensity intensity;
  private Supervision supervision;
  private final List<SupervisedChild> children = new ArrayList<>();

  /** The restarts within the current period, times in ms of the monotonic clock. */
  private RestartIntensity.Restarts restarts = RestartIntensity.Restarts.NONE;

  private Phase phase = Phase.STARTING;
  private int generation;
  private long watchTimer = -1;
  private long restartTimer = -1;
  private volatile JsonObject status = new JsonObject();

  @Override
  public Future<?> start() {
    try {
      spec = SupervisorSpec.fromConfig(config());
      settings = SupervisorConfig.from(Settings.fromJson(ChildConfigs.base(vertx, config())));
      intensity = settings.intensity();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    MeterRegistry registry = NodeRuntime.registryOf(vertx);
    for (ChildSpec child : spec.children()) {
      children.add(new SupervisedChild(child, spec.name(), registry));
    }
    supervision = Supervision.of(vertx);
    supervision.register(deploymentID(), this);
    publishStatus();
    return deployInOrder(indices(0, children.size()), false)
        .onSuccess(
            v -> {
              phase = Phase.RUNNING;
              watchTimer = vertx.setPeriodic(settings.watchMs(), t -> watch());
              for (int i = 0; i < children.size(); i++) {
                handlePendingCrash(i);
              }
              LOG.info(
                  "supervisor {} ({}) started {}",
                  spec.name(),
                  spec.strategy().label(),
                  children.stream().map(SupervisedChild::name).toList());
            })
        .onFailure(e -> supervision.unregister(deploymentID()));
  }

  @Override
  public Future<?> stop() {
    if (phase != Phase.FAILED) {
      phase = Phase.STOPPING;
    }
    cancelTimers();
    supervision.unregister(deploymentID());
    return stopChildren(indices(0, children.size()));
  }

  /** This supervisor's state for readiness; safe from any thread. */
  JsonObject status() {
    return status;
  }

  /** Reports a crash of {@code childName} in its deployment {@code generation}; any thread. */
  void crashed(String childName, int generation, Throwable cause) {
    context.runOnContext(
        v -> {
          for (int i = 0; i < children.size(); i++) {
            if (children.get(i).name().equals(childName)) {
              onCrash(i, generation, cause);
              return;
            }
          }
        });
  }

  private void onCrash(int index, int crashedGeneration, Throwable cause) {
    SupervisedChild child = children.get(index);
    // A crash of an older deployment, or of a child being restarted already, is handled.
    if (phase.over() || child.generation() != crashedGeneration) {
      return;
    }
    if (child.state() != SupervisedChild.State.RUNNING) {
      // The child crashed before its deploy finished completing here (its start had succeeded):
      // a crash all the same, handled as soon as the deploy has.
      child.deferCrash(cause);
      return;
    }
    LOG.warn("supervisor {}: child {} crashed: {}", spec.name(), child.name(), cause.toString());
    child.crashed(cause);
    restart(index, cause);
  }

  private void handlePendingCrash(int index) {
    SupervisedChild child = children.get(index);
    Throwable pending = child.takePendingCrash();
    if (pending != null) {
      onCrash(index, child.generation(), pending);
    }
  }

  /** Applies the strategy to a crash of child {@code index}, or gives up past the intensity. */
  private void restart(int index, Throwable cause) {
    long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    var allowed = intensity.add(restarts, now);
    if (allowed.isEmpty()) {
      giveUp(index, cause);
      return;
    }
    restarts = allowed.get();
    List<Integer> affected = spec.strategy().affected(index, children.size());
    affected.forEach(i -> children.get(i).restarting());
    publishStatus();
    long delay = Math.max(1, settings.backoff().delayMs(restarts.count()));
    stopChildren(affected)
        .onComplete(
            stopped -> {
              if (phase.over()) {
                return;
              }
              restartTimer =
                  vertx.setTimer(
                      delay,
                      t -> {
                        restartTimer = -1;
                        deployInOrder(affected, true)
                            .onFailure(e -> LOG.debug("restart round failed", e));
                      });
            });
  }

  /**
   * Deploys {@code indices} one after another. During a restart ({@code restarting}), a child that
   * fails to start is a crash of its own: the strategy decides again, within the intensity.
   */
  private Future<Void> deployInOrder(List<Integer> indices, boolean restarting) {
    Future<Void> chain = Future.succeededFuture();
    for (int i : indices) {
      chain =
          chain.compose(
              v -> {
                if (phase.over()) {
                  return Future.failedFuture(
                      new IllegalStateException("supervisor " + spec.name() + " is stopping"));
                }
                return deploy(i, restarting);
              });
    }
    return chain;
  }

  private Future<Void> deploy(int index, boolean restarting) {
    SupervisedChild child = children.get(index);
    child.deploying(++generation, restarting);
    if (restarting) {
      publishStatus();
    }
    DeploymentOptions options =
        new DeploymentOptions()
            .setInstances(child.spec().instances())
            .setConfig(childConfig(child));
    return vertx
        .deployVerticle(child.spec().verticle(), options)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                child.running(ar.result());
                publishStatus();
                if (restarting) {
                  LOG.info(
                      "supervisor {}: child {} restarted (restart {})",
                      spec.name(),
                      child.name(),
                      child.restarts());
                }
                if (phase != Phase.STARTING) {
                  handlePendingCrash(index);
                }
                return Future.succeededFuture();
              }
              Throwable cause = ar.cause();
              child.failedToStart(cause);
              publishStatus();
              if (!restarting) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "supervisor "
                            + spec.name()
                            + ": child "
                            + child.name()
                            + " failed to start: "
                            + cause.getMessage(),
                        cause));
              }
              if (!phase.over()) {
                LOG.warn(
                    "supervisor {}: child {} failed to restart: {}",
                    spec.name(),
                    child.name(),
                    cause.toString());
                restart(index, cause);
              }
              return Future.failedFuture(cause);
            });
  }

  private JsonObject childConfig(SupervisedChild child) {
    return ChildConfigs.of(
        ChildConfigs.base(vertx, config()),
        child.spec(),
        deploymentID() + "/" + child.name() + "/" + child.generation());
  }

  /** Undeploys those of {@code indices} still deployed, last first; never fails. */
  private Future<Void> stopChildren(List<Integer> indices) {
    List<Integer> reversed = new ArrayList<>(indices);
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (int i : reversed) {
      SupervisedChild child = children.get(i);
      chain =
          chain.compose(
              v -> {
                String id = child.takeDeployment();
                if (id == null || !vertx.deploymentIDs().contains(id)) {
                  return Future.succeededFuture();
                }
                return vertx
                    .undeploy(id)
                    .recover(
                        e -> {
                          LOG.warn(
                              "supervisor {}: undeploying child {} failed: {}",
                              spec.name(),
                              child.name(),
                              e.toString());
                          return Future.succeededFuture();
                        });
              });
    }
    return chain;
  }

  /**
   * Notices children that undeployed themselves: Vert.x tells nobody, their id is just gone. A
   * child counts as crashed only when two checks in a row miss it, because Vert.x undeploys a
   * supervisor's children before it calls the supervisor's {@code stop}: a check falling between
   * the two must not restart children of a supervisor that is itself being undeployed.
   */
  private void watch() {
    if (phase.over()) {
      return;
    }
    var deployed = vertx.deploymentIDs();
    for (int i = 0; i < children.size(); i++) {
      SupervisedChild child = children.get(i);
      if (child.vanished(deployed)) {
        onCrash(
            i,
            child.generation(),
            new IllegalStateException("child " + child.name() + " undeployed itself"));
      }
    }
  }

  private void giveUp(int index, Throwable cause) {
    phase = Phase.FAILED;
    cancelTimers();
    String why =
        "child "
            + children.get(index).name()
            + " crashed more than "
            + intensity.maxRestarts()
            + " times in "
            + intensity.periodMs()
            + " ms";
    LOG.error("supervisor {} gives up: {}; last: {}", spec.name(), why, cause.toString());
    publishStatus();
    Throwable escalated =
        new IllegalStateException(
            "supervisor " + spec.name() + " gave up after " + why + ": " + cause.getMessage(),
            cause);
    stopChildren(indices(0, children.size()))
        .onComplete(
            stopped -> {
              children.forEach(SupervisedChild::stopped);
              publishStatus();
              String owner = config().getString(Supervision.OWNER);
              if (owner != null) {
                supervision.crashed(owner, escalated);
              } else {
                supervision.topLevelFailed(spec.name(), escalated);
              }
            });
  }

  private void cancelTimers() {
    if (watchTimer >= 0) {
      vertx.cancelTimer(watchTimer);
      watchTimer = -1;
    }
    if (restartTimer >= 0) {
      vertx.cancelTimer(restartTimer);
      restartTimer = -1;
    }
  }

  private void publishStatus() {
    JsonObject kids = new JsonObject();
    boolean restarting = false;
    for (SupervisedChild child : children) {
      restarting |= child.state() == SupervisedChild.State.RESTARTING;
      kids.put(child.name(), child.status());
    }
    status =
        new JsonObject()
            .put("name", spec.name())
            .put("strategy", spec.strategy().label())
            .put("state", phase == Phase.FAILED ? "failed" : restarting ? "restarting" : "running")
            .put("children", kids);
  }

  private static List<Integer> indices(int from, int to) {
    return IntStream.range(from, to).boxed().toList();
  }
}
