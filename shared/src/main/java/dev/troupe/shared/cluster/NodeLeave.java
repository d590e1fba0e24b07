package dev.troupe.shared.cluster;

import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node leaves without losing the calls the others still send it. First it takes its consumers
 * out of the cluster's registry while they keep serving; for {@value #SETTLE_MS} ms (default
 * {@value #DEFAULT_SETTLE_MS}) the other nodes learn of it, and a call one of them routed here
 * meanwhile is still served. Then a stand-in on each address answers whatever still arrives with
 * {@link ErrorCode#MOVED} (nothing was done; callers send it again at once, to a live instance),
 * until the node's event bus closes. Only then may its services stop.
 *
 * <p>Without this, a call that reaches a node after its consumer unregistered gets no answer at all
 * (Vert.x drops a message from the wire that finds no handler), nor does one sent to a node whose
 * event bus closed: the caller waits out its deadline.
 */
public final class NodeLeave {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLeave.class);

  /** The setting: how long a leaving node keeps serving after it left the registry. */
  public static final String SETTLE_MS = "TROUPE_LEAVE_SETTLE_MS";

  static final long DEFAULT_SETTLE_MS = 1_000;

  private final WithdrawingClusterManager clusterManager;
  private final long settleMs;

  NodeLeave(WithdrawingClusterManager clusterManager, Settings settings) {
    this.clusterManager = clusterManager;
    this.settleMs = settings.longValue(SETTLE_MS, DEFAULT_SETTLE_MS, 0, 600_000);
  }

  /**
   * Withdraws this node's consumers from the cluster, keeps them serving for the settle time (none
   * when this node is the only member), then sets the stand-ins that answer late arrivals {@link
   * ErrorCode#MOVED}. Completes when the node's services may stop; never fails.
   */
  public Future<Void> settle(Vertx vertx, String nodeName) {
    boolean alone;
    try {
      // A member that is no longer running (terminated, or it lost the cluster) has no registry
      // entries to withdraw, and asking Hazelcast would throw.
      if (!clusterManager.getHazelcastInstance().getLifecycleService().isRunning()) {
        return Future.succeededFuture();
      }
      // Lite members (JVM clients) serve nothing and route nothing here: no company.
      alone = DataMembers.count(clusterManager.getHazelcastInstance().getCluster()) <= 1;
    } catch (RuntimeException e) {
      LOG.warn("Node {} could not leave the registry before stopping: {}", nodeName, e.toString());
      return Future.succeededFuture();
    }
    return clusterManager
        .withdraw()
        .compose(
            addresses -> {
              if (alone || addresses.isEmpty()) {
                return Future.succeededFuture();
              }
              LOG.info(
                  "Node {} left the registry of {} address(es); it serves late arrivals for {} ms",
                  nodeName,
                  addresses.size(),
                  settleMs);
              return timer(vertx, settleMs).compose(v -> standIn(vertx, nodeName, addresses));
            })
        .recover(
            failure -> {
              LOG.warn(
                  "Node {} could not leave the registry before stopping: {}",
                  nodeName,
                  failure.toString());
              return Future.succeededFuture();
            });
  }

  private static Future<Void> timer(Vertx vertx, long ms) {
    if (ms <= 0) {
      return Future.succeededFuture();
    }
    Promise<Void> elapsed = Promise.promise();
    vertx.setTimer(ms, t -> elapsed.complete());
    return elapsed.future();
  }

  private Future<Void> standIn(Vertx vertx, String nodeName, Set<String> addresses) {
    BusFault moved =
        new BusFault(
            ErrorCode.MOVED,
            null,
            "node " + nodeName + " is leaving; nothing was done, send again");
    List<Future<Void>> registered = new ArrayList<>();
    // Not undeployed with the services: they answer until the event bus closes.
    for (String address : addresses) {
      MessageConsumer<Object> consumer =
          vertx
              .eventBus()
              .consumer(
                  address,
                  message -> {
                    if (message.replyAddress() != null) {
                      message.reply(moved, new DeliveryOptions());
                    }
                  });
      registered.add(consumer.completion());
    }
    return Future.all(registered).mapEmpty();
  }
}
