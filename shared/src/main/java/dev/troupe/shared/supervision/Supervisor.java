package dev.troupe.shared.supervision;

import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * TROUPE_SUPERVISOR_MAX_RESTARTS} within {@code TROUPE_SUPERVISOR_PERIOD_MS} and the supervisor
 * gives up: it stops its children, and escalates, to its parent supervisor (which restarts it,
 * counting against its own intensity) or, at the top, to the node ({@link
 * Supervision#onTopLevelFailure}).
 *
 * <p>Children are Vert.x child deployments of the supervisor, so undeploying the supervisor
 * undeploys them (Vert.x does that before the supervisor's {@code stop}, all at once).
 */
public final class Supervisor extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /**
   * Config member listing the keys a parent's {@link ChildSpec#config} set, which beat the node's
   * settings.
   */
  private static final String OVERRIDES = "troupe.supervisor.overrides";

  private enum ChildState {
    STARTING,
    RUNNING,
    RESTARTING,
    STOPPED
  }

  /** One child and its current deployment. Confined to the supervisor's event loop. */
  private static final class Child {
    final ChildSpec spec;
    final Counter restartCounter;
    ChildState state = ChildState.STARTING;
    String deploymentId;
    int generation;
    int restarts;
    String lastCrash;

    /** The watch found the deployment gone once; a second time in a row makes it a crash. */
    boolean missing;

    /**
     * A crash reported while this generation's deploy was still completing; handled once it has.
     */
    Throwable pendingCrash;

    Child(ChildSpec spec, Counter restartCounter) {
      this.spec = spec;
      this.restartCounter = restartCounter;
    }
  }

  private SupervisorSpec spec;
  private SupervisorConfig intensity;
  private Supervision supervision;
  private final List<Child> children = new ArrayList<>();

  /** Start times (ms, monotonic) of the restarts within the current period. */
  private final Deque<Long> restarts = new ArrayDeque<>();

  private int generation;
  private boolean stopping;
  private boolean failed;
  private boolean started;
  private long watchTimer = -1;
  private long restartTimer = -1;
  private volatile JsonObject status = new JsonObject();

  @Override
  public Future<?> start() {
    try {
      spec = SupervisorSpec.fromConfig(config());
      intensity = SupervisorConfig.from(Settings.fromJson(baseConfig()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    MeterRegistry registry = NodeRuntime.registryOf(vertx);
    for (ChildSpec child : spec.children()) {
      children.add(
          new Child(
              child,
              Counter.builder("troupe_supervisor_restarts")
                  .description(
                      "restarts of a supervised child after it crashed or failed to restart")
                  .tag("supervisor", spec.name())
                  .tag("child", child.name())
                  .register(registry)));
    }
    supervision = Supervision.of(vertx);
    supervision.register(deploymentID(), this);
    publishStatus();
    return deployInOrder(indices(0, children.size()), false)
        .onSuccess(
            v -> {
              started = true;
              watchTimer = vertx.setPeriodic(intensity.watchMs(), t -> watch());
              for (int i = 0; i < children.size(); i++) {
                handlePendingCrash(i);
              }
              LOG.info(
                  "supervisor {} ({}) started {}",
                  spec.name(),
                  spec.strategy().label(),
                  names(children));
            })
        .onFailure(e -> supervision.unregister(deploymentID()));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
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
            Child child = children.get(i);
            if (child.spec.name().equals(childName)) {
              onCrash(i, generation, cause);
              return;
            }
          }
        });
  }

  private void onCrash(int index, int crashedGeneration, Throwable cause) {
    Child child = children.get(index);
    // A crash of an older deployment, or of a child being restarted already, is handled.
    if (stopping || failed || child.generation != crashedGeneration) {
      return;
    }
    if (child.state != ChildState.RUNNING) {
      // The child crashed before its deploy finished completing here (its start had succeeded):
      // a crash all the same, handled as soon as the deploy has.
      if (child.state == ChildState.STARTING || child.state == ChildState.RESTARTING) {
        child.pendingCrash = cause;
      }
      return;
    }
    LOG.warn(
        "supervisor {}: child {} crashed: {}", spec.name(), child.spec.name(), cause.toString());
    child.lastCrash = String.valueOf(cause.getMessage());
    restart(index, cause);
  }

  private void handlePendingCrash(int index) {
    Child child = children.get(index);
    Throwable pending = child.pendingCrash;
    child.pendingCrash = null;
    if (pending != null) {
      onCrash(index, child.generation, pending);
    }
  }

  /** Applies the strategy to a crash of child {@code index}, or gives up past the intensity. */
  private void restart(int index, Throwable cause) {
    long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
    while (!restarts.isEmpty() && now - restarts.peekFirst() >= intensity.periodMs()) {
      restarts.removeFirst();
    }
    if (restarts.size() >= intensity.maxRestarts()) {
      giveUp(index, cause);
      return;
    }
    restarts.addLast(now);
    List<Integer> affected = spec.strategy().affected(index, children.size());
    affected.forEach(i -> children.get(i).state = ChildState.RESTARTING);
    publishStatus();
    long delay = Math.max(1, intensity.backoff().delayMs(restarts.size()));
    stopChildren(affected)
        .onComplete(
            stopped -> {
              if (stopping || failed) {
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
                if (stopping || failed) {
                  return Future.failedFuture(
                      new IllegalStateException("supervisor " + spec.name() + " is stopping"));
                }
                return deploy(i, restarting);
              });
    }
    return chain;
  }

  private Future<Void> deploy(int index, boolean restarting) {
    Child child = children.get(index);
    child.generation = ++generation;
    child.pendingCrash = null;
    child.state = restarting ? ChildState.RESTARTING : ChildState.STARTING;
    if (restarting) {
      child.restarts++;
      child.restartCounter.increment();
      publishStatus();
    }
    DeploymentOptions options =
        new DeploymentOptions().setInstances(child.spec.instances()).setConfig(childConfig(child));
    return vertx
        .deployVerticle(child.spec.verticle(), options)
        .transform(
            ar -> {
              if (ar.succeeded()) {
                child.deploymentId = ar.result();
                child.missing = false;
                child.state = ChildState.RUNNING;
                publishStatus();
                if (restarting) {
                  LOG.info(
                      "supervisor {}: child {} restarted (restart {})",
                      spec.name(),
                      child.spec.name(),
                      child.restarts);
                }
                if (started) {
                  handlePendingCrash(index);
                }
                return Future.succeededFuture();
              }
              Throwable cause = ar.cause();
              child.state = ChildState.STOPPED;
              child.lastCrash = String.valueOf(cause.getMessage());
              publishStatus();
              if (!restarting) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "supervisor "
                            + spec.name()
                            + ": child "
                            + child.spec.name()
                            + " failed to start: "
                            + cause.getMessage(),
                        cause));
              }
              if (!stopping && !failed) {
                LOG.warn(
                    "supervisor {}: child {} failed to restart: {}",
                    spec.name(),
                    child.spec.name(),
                    cause.toString());
                restart(index, cause);
              }
              return Future.failedFuture(cause);
            });
  }

  /**
   * The settings this supervisor and its children run with: this node's, when a Troupe node runs
   * here, with what its own parent's {@link ChildSpec#config} set on top. A supervisor that Vert.x
   * HA moved from a dead node carries that node's config (its data dir, its ports, its name); its
   * children must get the survivor's.
   */
  private JsonObject baseConfig() {
    JsonObject own = config().copy();
    own.remove(SupervisorSpec.CONFIG_KEY);
    own.remove(Supervision.OWNER);
    JsonArray overrides = (JsonArray) own.remove(OVERRIDES);
    return NodeRuntime.find(vertx)
        .map(
            runtime -> {
              JsonObject config = runtime.settings().toJson();
              if (overrides != null) {
                overrides.forEach(key -> config.put((String) key, own.getValue((String) key)));
              }
              return config;
            })
        .orElse(own);
  }

  private JsonObject childConfig(Child child) {
    JsonObject config = baseConfig();
    config.mergeIn(child.spec.config());
    return config
        .put(OVERRIDES, new JsonArray(new ArrayList<>(child.spec.config().fieldNames())))
        .put(Supervision.OWNER, deploymentID() + "/" + child.spec.name() + "/" + child.generation);
  }

  /** Undeploys those of {@code indices} still deployed, last first; never fails. */
  private Future<Void> stopChildren(List<Integer> indices) {
    List<Integer> reversed = new ArrayList<>(indices);
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (int i : reversed) {
      Child child = children.get(i);
      chain =
          chain.compose(
              v -> {
                String id = child.deploymentId;
                child.deploymentId = null;
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
                              child.spec.name(),
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
    if (stopping || failed) {
      return;
    }
    var deployed = vertx.deploymentIDs();
    for (int i = 0; i < children.size(); i++) {
      Child child = children.get(i);
      if (child.state != ChildState.RUNNING || child.deploymentId == null) {
        continue;
      }
      if (deployed.contains(child.deploymentId)) {
        child.missing = false;
      } else if (!child.missing) {
        child.missing = true;
      } else {
        child.missing = false;
        child.deploymentId = null;
        onCrash(
            i,
            child.generation,
            new IllegalStateException("child " + child.spec.name() + " undeployed itself"));
      }
    }
  }

  private void giveUp(int index, Throwable cause) {
    failed = true;
    cancelTimers();
    LOG.error(
        "supervisor {} gives up: child {} crashed more than {} times in {} ms; last: {}",
        spec.name(),
        children.get(index).spec.name(),
        intensity.maxRestarts(),
        intensity.periodMs(),
        cause.toString());
    publishStatus();
    Throwable escalated =
        new IllegalStateException(
            "supervisor "
                + spec.name()
                + " gave up after child "
                + children.get(index).spec.name()
                + " crashed more than "
                + intensity.maxRestarts()
                + " times in "
                + intensity.periodMs()
                + " ms: "
                + cause.getMessage(),
            cause);
    stopChildren(indices(0, children.size()))
        .onComplete(
            stopped -> {
              children.forEach(c -> c.state = ChildState.STOPPED);
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
    for (Child child : children) {
      restarting |= child.state == ChildState.RESTARTING;
      JsonObject c =
          new JsonObject()
              .put("state", child.state.name().toLowerCase(java.util.Locale.ROOT))
              .put("restarts", child.restarts);
      if (child.deploymentId != null) {
        c.put("deployment", child.deploymentId);
      }
      if (child.lastCrash != null) {
        c.put("lastCrash", child.lastCrash);
      }
      kids.put(child.spec.name(), c);
    }
    status =
        new JsonObject()
            .put("name", spec.name())
            .put("strategy", spec.strategy().label())
            .put("state", failed ? "failed" : restarting ? "restarting" : "running")
            .put("children", kids);
  }

  private static List<Integer> indices(int from, int to) {
    return java.util.stream.IntStream.range(from, to).boxed().toList();
  }

  private static String names(List<Child> children) {
    return children.stream().map(c -> c.spec.name()).toList().toString();
  }
}
