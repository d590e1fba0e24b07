package dev.troupe.shared.actor;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.StateStoreContract;
import dev.troupe.shared.contract.StateStoreContract.LoadedState;
import dev.troupe.shared.contract.StateStoreContract.SaveState;
import dev.troupe.shared.contract.StateStoreContract.Saved;
import dev.troupe.shared.contract.StateStoreContract.StateKey;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One clustered node on loopback for the actor runtime's tests: an {@link ActorHost} and, in place
 * of db-service, an in-memory state store that answers {@link StateStoreContract#LOAD} and {@link
 * StateStoreContract#SAVE} (versions fenced as db-service fences them). The actor host needs the
 * node's Hazelcast member (ownership, activation records), so a plain Vert.x will not do; one node
 * starts in a few seconds, so a test class shares one.
 */
final class ActorHostNode {
  private static final LoadedState NONE = new LoadedState(null, 0);

  private final NodeRuntime runtime;
  private final Map<StateKey, LoadedState> states = new ConcurrentHashMap<>();
  private final Actors actors;

  private ActorHostNode(NodeRuntime runtime) {
    this.runtime = runtime;
    this.actors = Actors.of(runtime.vertx());
  }

  /** A node whose host restarts crashed top-level actors as {@code policy} says. */
  static Future<ActorHostNode> start(RestartPolicy.Factory policy, Map<String, String> settings) {
    return ClusterBootstrap.start(LoopbackCluster.create().nodeSettings("actors", null, settings))
        .compose(
            (NodeRuntime runtime) -> {
              ActorHostNode node = new ActorHostNode(runtime);
              return node.serve(policy)
                  .transform(
                      ar ->
                          ar.succeeded()
                              ? Future.succeededFuture(node)
                              : node.close().transform(closed -> Future.failedFuture(ar.cause())));
            });
  }

  private Future<Void> serve(RestartPolicy.Factory policy) {
    ActionRouter store =
        ActionRouter.of("state-store")
            .on(StateStoreContract.LOAD, this::load)
            .on(StateStoreContract.SAVE, this::save);
    return runtime
        .vertx()
        .eventBus()
        .<JsonObject>consumer(StateStoreContract.ADDRESS, store)
        .completion()
        .compose(v -> runtime.vertx().deployVerticle(new ActorHost(policy)))
        .mapEmpty();
  }

  Future<Void> close() {
    return ClusterBootstrap.close(runtime);
  }

  /** Sends {@code message} to {@code id} from outside, as any caller on the cluster would. */
  Future<JsonObject> ask(ActorId id, JsonObject message) {
    return actors.ask(id, message, null);
  }

  /** The error code {@code call} failed with; fails when it succeeded. */
  static Future<ErrorCode> code(Future<JsonObject> call) {
    return call.transform(
        ar ->
            ar.failed()
                ? Future.succeededFuture(Failures.code(ar.cause()))
                : Future.failedFuture(new AssertionError("succeeded: " + ar.result())));
  }

  /** The stored state of top-level actor {@code id}, or null. */
  JsonObject stored(ActorId id) {
    return states.getOrDefault(id.stateKey(), NONE).data();
  }

  /** The counter {@code name}{type=type, tags} of this node. */
  double counted(String name, String type, String... tags) {
    return runtime.registry().find(name).tag("type", type).tags(tags).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private Future<LoadedState> load(StateKey key) {
    return Future.succeededFuture(states.getOrDefault(key, NONE));
  }

  private Future<Saved> save(SaveState save) {
    LoadedState current = states.getOrDefault(save.key(), NONE);
    if (current.version() != save.version()) {
      return Future.failedFuture(
          TroupeException.preconditionFailed(
              save.key() + " is at version " + current.version() + ", not " + save.version()));
    }
    long next = current.version() + 1;
    states.put(save.key(), new LoadedState(save.data().copy(), next));
    return Future.succeededFuture(new Saved(next));
  }
}
