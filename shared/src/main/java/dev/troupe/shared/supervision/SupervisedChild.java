package dev.troupe.shared.supervision;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/**
 * One child of a {@link Supervisor} and its current deployment: what the supervisor knows of it,
 * and its part of the supervisor's status. Confined to the supervisor's event loop.
 */
final class SupervisedChild {
  enum State {
    STARTING,
    RUNNING,
    RESTARTING,
    STOPPED
  }

  private final ChildSpec spec;
  private final Counter restartCounter;
  private State state = State.STARTING;
  private String deploymentId;
  private int generation;
  private int restarts;
  private String lastCrash;

  /** The watch found the deployment gone once; a second time in a row makes it a crash. */
  private boolean missing;

  /** A crash reported while this generation's deploy was still completing; handled once it has. */
  private Throwable pendingCrash;

  SupervisedChild(ChildSpec spec, String supervisor, MeterRegistry registry) {
    this.spec = spec;
    this.restartCounter =
        Counter.builder("troupe_supervisor_restarts")
            .description("restarts of a supervised child after it crashed or failed to restart")
            .tag("supervisor", supervisor)
            .tag("child", spec.name())
            .register(registry);
  }

  ChildSpec spec() {
    return spec;
  }

  String name() {
    return spec.name();
  }

  State state() {
    return state;
  }

  int generation() {
    return generation;
  }

  int restarts() {
    return restarts;
  }

  /** Deployment {@code generation} begins; one that follows a crash ({@code restarting}) counts. */
  void deploying(int generation, boolean restarting) {
    this.generation = generation;
    pendingCrash = null;
    state = restarting ? State.RESTARTING : State.STARTING;
    if (restarting) {
      restarts++;
      restartCounter.increment();
    }
  }

  void running(String deploymentId) {
    this.deploymentId = deploymentId;
    missing = false;
    state = State.RUNNING;
  }

  void failedToStart(Throwable cause) {
    state = State.STOPPED;
    crashed(cause);
  }

  void crashed(Throwable cause) {
    lastCrash = String.valueOf(cause.getMessage());
  }

  /** The strategy chose this child to restart: it is stopped and deployed again. */
  void restarting() {
    state = State.RESTARTING;
  }

  void stopped() {
    state = State.STOPPED;
  }

  /** The deployment to undeploy, if any; forgotten here. */
  String takeDeployment() {
    String id = deploymentId;
    deploymentId = null;
    return id;
  }

  /**
   * Keeps a crash reported while the deploy of this generation was completing (its start had
   * succeeded), to be handled once it has completed.
   */
  void deferCrash(Throwable cause) {
    if (state == State.STARTING || state == State.RESTARTING) {
      pendingCrash = cause;
    }
  }

  /** The crash {@link #deferCrash} kept, if any; forgotten here. */
  Throwable takePendingCrash() {
    Throwable pending = pendingCrash;
    pendingCrash = null;
    return pending;
  }

  /**
   * The watch's check: true when the running deployment was missing from {@code deployed} at this
   * check and the one before (its id is forgotten then).
   */
  boolean vanished(Set<String> deployed) {
    if (state != State.RUNNING || deploymentId == null) {
      return false;
    }
    if (deployed.contains(deploymentId)) {
      missing = false;
      return false;
    }
    if (!missing) {
      missing = true;
      return false;
    }
    missing = false;
    deploymentId = null;
    return true;
  }

  /** This child's part of the supervisor's status. */
  JsonObject status() {
    JsonObject c =
        new JsonObject()
            .put("state", state.name().toLowerCase(Locale.ROOT))
            .put("restarts", restarts);
    if (deploymentId != null) {
      c.put("deployment", deploymentId);
    }
    if (lastCrash != null) {
      c.put("lastCrash", lastCrash);
    }
    return c;
  }
}
