package dev.troupe.shared.cluster;

import com.hazelcast.config.Config;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hazelcast's cluster manager, able to take this node's consumers out of the cluster's registry
 * while they keep serving ({@link #withdraw}). Vert.x offers only unregistering, which removes a
 * consumer from this node first and from the registry after; the other nodes learn of it later
 * still (an entry listener, throttled), and a message they route to this node meanwhile finds no
 * handler and is dropped without an answer (Vert.x 5 {@code ClusteredEventBus} ignores the {@code
 * NO_HANDLERS} of a message from the wire), so its sender waits out its timeout.
 *
 * <p>A withdrawn registration stays known to this node alone (as a local-only one), so this node's
 * own calls still reach its own consumers while they drain. Registrations made after the withdrawal
 * are not published to the cluster: a leaving node attracts no new traffic.
 */
final class WithdrawingClusterManager extends HazelcastClusterManager {
  /** This node's registrations the cluster knows of, by address. */
  private final Map<String, Set<RegistrationInfo>> published = new ConcurrentHashMap<>();

  /** Registrations withdrawn from the cluster, each known to this node as its local-only twin. */
  private final Set<RegistrationInfo> withdrawn = ConcurrentHashMap.newKeySet();

  /**
   * Guards {@link #leaving} and {@link #published} together. Not {@code this}: Hazelcast's cluster
   * manager holds its own monitor while it tells Vert.x of a member that left, and Vert.x HA then
   * redeploys the dead node's verticles and waits for them; their consumers register through {@link
   * #addRegistration}, which would wait for that monitor (a deadlock until HA gives up).
   */
  private final Object lock = new Object();

  private volatile boolean leaving;

  WithdrawingClusterManager(Config config) {
    super(config);
  }

  @Override
  public void addRegistration(
      String address, RegistrationInfo registration, Completable<Void> promise) {
    if (!registration.localOnly()) {
      synchronized (lock) {
        if (leaving) {
          promise.succeed();
          return;
        }
        published.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(registration);
      }
    }
    super.addRegistration(address, registration, promise);
  }

  @Override
  public void removeRegistration(
      String address, RegistrationInfo registration, Completable<Void> promise) {
    published.computeIfPresent(
        address,
        (a, registrations) -> {
          registrations.remove(registration);
          return registrations.isEmpty() ? null : registrations;
        });
    if (withdrawn.remove(registration)) {
      // Gone from the cluster already: what is left is the twin only this node knows.
      super.removeRegistration(address, localTwin(registration), promise);
      return;
    }
    super.removeRegistration(address, registration, promise);
  }

  /**
   * Takes every consumer of this node out of the cluster's registry (each stays registered here,
   * and serving); completes with the addresses withdrawn, once the registry no longer lists them.
   * From now on, consumers registered on this node are not published to the cluster.
   */
  Future<Set<String>> withdraw() {
    Map<String, List<RegistrationInfo>> snapshot = new HashMap<>();
    synchronized (lock) {
      leaving = true;
      published.forEach(
          (address, registrations) -> snapshot.put(address, List.copyOf(registrations)));
      published.clear();
    }
    List<Future<Void>> removals = new ArrayList<>();
    snapshot.forEach(
        (address, registrations) -> {
          for (RegistrationInfo registration : registrations) {
            withdrawn.add(registration);
            removals.add(
                call(p -> super.addRegistration(address, localTwin(registration), p))
                    .compose(v -> call(p -> super.removeRegistration(address, registration, p))));
          }
        });
    return Future.all(removals).map(done -> snapshot.keySet());
  }

  private static RegistrationInfo localTwin(RegistrationInfo registration) {
    return new RegistrationInfo(registration.nodeId(), registration.seq(), true);
  }

  private static Future<Void> call(java.util.function.Consumer<Promise<Void>> operation) {
    Promise<Void> promise = Promise.promise();
    operation.accept(promise);
    return promise.future();
  }
}
