package dev.troupe.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.Retry;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a caller sees when its message reaches a node that no longer serves the address (Vert.x 5
 * drops it: silence until the caller's timeout), and how {@link NodeLeave} makes a leaving node
 * serve such late arrivals, then answer them {@link ErrorCode#MOVED}.
 *
 * <p>A node that has not yet learned of a leave is stood in for by a registration added to the
 * cluster's registry by hand (the cluster manager's own SPI): it routes the caller's messages to
 * the leaving node exactly as a stale view would.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Leaving the cluster")
class NodeLeaveTest {
  private static final String ADDRESS = "troupe.test.leave.v1";
  private static final long SHORT_TIMEOUT_MS = 500;

  private final LoopbackCluster cluster = LoopbackCluster.create();
  private final List<NodeRuntime> nodes = new ArrayList<>();

  @AfterEach
  void close(Vertx vertx, VertxTestContext ctx) {
    Future.all(nodes.stream().map(ClusterBootstrap::close).toList())
        .onComplete(ar -> ctx.completeNow());
  }

  private Future<NodeRuntime> node(String name, Map<String, String> extra) {
    String seed = nodes.isEmpty() ? null : memberAddress(nodes.get(0));
    return ClusterBootstrap.start(cluster.nodeSettings(name, seed, extra)).onSuccess(nodes::add);
  }

  private static String memberAddress(NodeRuntime runtime) {
    var address = runtime.hazelcast().getCluster().getLocalMember().getAddress();
    return address.getHost() + ":" + address.getPort();
  }

  private static ClusterManager clusterManager(NodeRuntime runtime) {
    return ((VertxInternal) runtime.vertx()).clusterManager();
  }

  /** Makes {@code caller}'s registry list {@code target} as a consumer of {@link #ADDRESS}. */
  private static Future<Void> staleRegistration(NodeRuntime caller, String targetNodeId) {
    Promise<Void> added = Promise.promise();
    clusterManager(caller)
        .addRegistration(ADDRESS, new RegistrationInfo(targetNodeId, 1_000_000L, false), added);
    return added.future();
  }

  private static Future<String> ask(NodeRuntime caller) {
    return caller
        .vertx()
        .eventBus()
        .<String>request(ADDRESS, "hello", new DeliveryOptions().setSendTimeout(SHORT_TIMEOUT_MS))
        .map(Message::body);
  }

  @Test
  @DisplayName(
      "a message routed to a node with no consumer for it gets no answer: the caller times out")
  void noHandlerOnTheWireIsSilence(Vertx vertx, VertxTestContext ctx) {
    node("a", Map.of())
        .compose(a -> node("b", Map.of()))
        .compose(b -> staleRegistration(nodes.get(0), clusterManager(b).getNodeId()))
        .compose(v -> ask(nodes.get(0)))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(ReplyException.class);
                          assertThat(((ReplyException) failure).failureType())
                              .isEqualTo(ReplyFailure.TIMEOUT);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a message routed to a node whose event bus has closed times out as well")
  void closedNodeIsSilence(Vertx vertx, VertxTestContext ctx) {
    Promise<String> goneId = Promise.promise();
    node("a", Map.of())
        .compose(a -> node("b", Map.of()))
        .compose(
            b -> {
              goneId.complete(clusterManager(b).getNodeId());
              nodes.remove(b);
              return ClusterBootstrap.close(b);
            })
        .compose(v -> staleRegistration(nodes.get(0), goneId.future().result()))
        .compose(v -> ask(nodes.get(0)))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(((ReplyException) failure).failureType())
                              .isEqualTo(ReplyFailure.TIMEOUT);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a leaving node serves what still reaches it while the cluster learns, then answers MOVED,"
          + " which callers may send again")
  void leavingNodeServesThenAnswersMoved(Vertx vertx, VertxTestContext ctx) throws Exception {
    Promise<Void> leaving = Promise.promise();
    Promise<MessageConsumer<String>> service = Promise.promise();
    node("a", Map.of())
        .compose(a -> node("b", Map.of(NodeLeave.SETTLE_MS, "1000")))
        .compose(
            b -> {
              service.complete(
                  b.vertx().eventBus().<String>consumer(ADDRESS, m -> m.reply("served by b")));
              return service.future().result().completion();
            })
        .compose(v -> staleRegistration(nodes.get(0), clusterManager(nodes.get(1)).getNodeId()))
        .compose(
            v -> {
              NodeRuntime b = nodes.get(1);
              b.leave().settle(b.vertx(), "b").onComplete(leaving);
              return ownRegistrationGone(vertx, nodes.get(0), clusterManager(b).getNodeId());
            })
        .compose(
            v -> {
              assertThat(leaving.future().isComplete()).as("still settling").isFalse();
              return Future.all(ask(nodes.get(0)), ask(nodes.get(1)));
            })
        .compose(
            served -> {
              ctx.verify(
                  () ->
                      assertThat(List.<String>of(served.resultAt(0), served.resultAt(1)))
                          .containsOnly("served by b"));
              return leaving.future();
            })
        // The node's services stop after the settle time, as TroupeNode's close does.
        .compose(v -> service.future().result().unregister())
        .compose(v -> ask(nodes.get(0)))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(BusFault.class);
                          assertThat(((BusFault) failure).code()).isEqualTo(ErrorCode.MOVED);
                          assertThat(Retry.notDone(failure)).isTrue();
                          assertThat(Retry.isTransient(failure)).isTrue();
                          ctx.completeNow();
                        })));
    assertThat(ctx.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  @DisplayName(
      "a node whose only company is a lite member (a JVM client) is alone: it leaves without settling")
  void liteMembersAreNoCompany(Vertx vertx, VertxTestContext ctx) throws Exception {
    HazelcastInstance[] lite = new HazelcastInstance[1];
    // Settling would outlast the test: only a node that counts itself alone finishes in time.
    node("a", Map.of(NodeLeave.SETTLE_MS, "600000"))
        .compose(
            a ->
                a.vertx()
                    .eventBus()
                    .<String>consumer(ADDRESS, m -> m.reply("served by a"))
                    .completion()
                    .map(a))
        .compose(
            a ->
                vertx
                    .executeBlocking(
                        () -> {
                          ClusterConfig config =
                              ClusterConfig.from(
                                  cluster.nodeSettings("lite", memberAddress(a), Map.of()));
                          lite[0] =
                              Hazelcast.newHazelcastInstance(
                                  HazelcastSetup.config(config).setLiteMember(true));
                          return lite[0];
                        })
                    .map(a))
        .compose(
            a -> {
              ctx.verify(() -> assertThat(a.hazelcast().getCluster().getMembers()).hasSize(2));
              return a.leave().settle(a.vertx(), "a");
            })
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      if (lite[0] != null) {
                        lite[0].shutdown();
                      }
                      return null;
                    }))
        .onComplete(ctx.succeedingThenComplete());
    assertThat(ctx.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * Completes once {@code caller}'s registry lists no registration of {@code leaver} for {@link
   * #ADDRESS} but the stale one.
   */
  private static Future<Void> ownRegistrationGone(Vertx vertx, NodeRuntime caller, String leaver) {
    Promise<Void> gone = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    vertx.setPeriodic(
        20,
        timer -> {
          Promise<List<RegistrationInfo>> listed = Promise.promise();
          clusterManager(caller).getRegistrations(ADDRESS, listed);
          listed
              .future()
              .onSuccess(
                  registrations -> {
                    boolean onlyStale =
                        registrations.stream()
                            .noneMatch(r -> r.nodeId().equals(leaver) && r.seq() != 1_000_000L);
                    if (onlyStale) {
                      vertx.cancelTimer(timer);
                      gone.tryComplete();
                    } else if (System.nanoTime() > deadline) {
                      vertx.cancelTimer(timer);
                      gone.tryFail(
                          "the leaving node's registration stayed listed: " + registrations);
                    }
                  });
        });
    return gone.future();
  }
}
