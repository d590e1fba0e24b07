package dev.troupe.shared.supervision;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisors of one node (one {@link Vertx}): routes a crash to the supervisor that owns the
 * crashed verticle, collects the supervisors' state for readiness, and takes the failure of a
 * top-level supervisor, which has nobody above it to escalate to.
 *
 * <p>Uncaught exceptions: Vert.x 5 reports an exception thrown by a handler (an event-bus consumer,
 * a timer, an HTTP handler...) to its context's exception handler, or, when the context has none,
 * to {@link Vertx#exceptionHandler}. This class installs the latter once per node (keeping any
 * handler installed before and calling it too) and finds the owner of the failing context by a
 * member that every supervisor puts in its children's deployment config ({@link #OWNER}).
 * Sub-verticles that a child deploys with the config it was given (as every Troupe service does)
 * carry the member too, so their exceptions count as the child's crash. A verticle that sets its
 * own context exception handler takes such exceptions over and is not restarted for them.
 */
public final class Supervision implements Shareable {
  private static final Logger LOG = LoggerFactory.getLogger(Supervision.class);

  /**
   * Config member naming a child's owner: {@code <supervisor deployment id>/<child>/<generation>}.
   */
  static final String OWNER = "troupe.supervisor.owner";

  private static final String LOCAL_MAP = "troupe.supervision";

  private final Vertx vertx;
  private final Map<String, Supervisor> supervisors = new ConcurrentHashMap<>();
  private final List<Consumer<SupervisorFailure>> topLevel = new CopyOnWriteArrayList<>();
  private final AtomicBoolean installed = new AtomicBoolean();
  private volatile Handler<Throwable> previous;

  private Supervision(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The supervision of the node {@code vertx} is; made on first use. */
  public static Supervision of(Vertx vertx) {
    LocalMap<String, Supervision> map = vertx.sharedData().getLocalMap(LOCAL_MAP);
    Supervision created = new Supervision(vertx);
    Supervision existing = map.putIfAbsent(LOCAL_MAP, created);
    Supervision supervision = existing == null ? created : existing;
    supervision.install();
    return supervision;
  }

  /** What a top-level supervisor reports when it gives up: its name and the last crash. */
  public record SupervisorFailure(String supervisor, Throwable cause) {}

  /**
   * Calls {@code handler} (on a Vert.x thread) when a top-level supervisor gives up. The node
   * decides what that means; without a handler the failure is only logged.
   */
  public void onTopLevelFailure(Consumer<SupervisorFailure> handler) {
    topLevel.add(handler);
  }

  /**
   * Every supervisor of this node by name: its strategy, state ({@code running}, {@code
   * restarting}, {@code failed}) and each child's state and restarts.
   */
  public JsonObject status() {
    JsonObject all = new JsonObject();
    supervisors.forEach(
        (id, supervisor) -> {
          JsonObject status = supervisor.status();
          String name = status.getString("name", id);
          all.put(all.containsKey(name) ? name + "@" + id : name, status);
        });
    return all;
  }

  /** The names of this node's supervisors that gave up. */
  public List<String> failed() {
    return supervisors.values().stream()
        .map(Supervisor::status)
        .filter(s -> "failed".equals(s.getString("state")))
        .map(s -> s.getString("name"))
        .toList();
  }

  void register(String deploymentId, Supervisor supervisor) {
    supervisors.put(deploymentId, supervisor);
  }

  void unregister(String deploymentId) {
    supervisors.remove(deploymentId);
  }

  /** Reports that the verticle owned as {@code owner} (an {@link #OWNER} value) crashed. */
  void crashed(String owner, Throwable cause) {
    String[] parts = owner.split("/", 3);
    Supervisor supervisor = parts.length == 3 ? supervisors.get(parts[0]) : null;
    if (supervisor == null) {
      LOG.warn(
          "a crash of {} reached no supervisor (it stopped already): {}", owner, cause.toString());
      return;
    }
    try {
      supervisor.crashed(parts[1], Integer.parseInt(parts[2]), cause);
    } catch (NumberFormatException e) {
      LOG.warn("malformed supervision owner {}", owner);
    }
  }

  void topLevelFailed(String supervisor, Throwable cause) {
    if (topLevel.isEmpty()) {
      LOG.error(
          "top-level supervisor {} gave up and nothing on this node handles it", supervisor, cause);
      return;
    }
    SupervisorFailure failure = new SupervisorFailure(supervisor, cause);
    topLevel.forEach(handler -> vertx.runOnContext(v -> handler.accept(failure)));
  }

  private void install() {
    if (installed.compareAndSet(false, true)) {
      previous = vertx.exceptionHandler();
      vertx.exceptionHandler(this::uncaught);
    }
  }

  private void uncaught(Throwable failure) {
    Context context = Vertx.currentContext();
    JsonObject config = context == null ? null : context.config();
    String owner = config == null ? null : config.getString(OWNER);
    if (isPoolTimeoutRace(failure)) {
      LOG.warn(
          "ignored a known vertx-sql-client race{} (a pool acquisition timed out after it had "
              + "succeeded; the request was served): {}",
          owner == null ? "" : " in " + owner,
          failure.toString());
      return;
    }
    Handler<Throwable> before = previous;
    if (before != null) {
      before.handle(failure);
    } else {
      LOG.error("uncaught exception{}", owner == null ? "" : " in " + owner, failure);
    }
    if (owner != null) {
      crashed(owner, failure);
    }
  }

  /**
   * vertx-sql-client's pool (5.0.7 and 5.0.8) fails a connection acquisition from its timeout timer
   * after the acquisition already succeeded: {@code Promise.fail} throws "Promise already
   * completed" on the pool's context. The request that acquired the connection is served normally;
   * only the spurious timeout is lost. Counted as a crash it made a supervisor restart db-service
   * under load (and the restart itself failed the requests in flight), so it is logged and
   * otherwise ignored. Anything else thrown from that pool is still a crash.
   */
  static boolean isPoolTimeoutRace(Throwable failure) {
    if (!(failure instanceof IllegalStateException)
        || !"Promise already completed".equals(failure.getMessage())) {
      return false;
    }
    for (StackTraceElement frame : failure.getStackTrace()) {
      if (frame.getClassName().startsWith("io.vertx.sqlclient.impl.pool.SqlConnectionPool")) {
        return true;
      }
    }
    return false;
  }
}
