package dev.troupe.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.ClusterFormationConfig;
import dev.troupe.shared.config.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two real Hazelcast members with the production formation settings, on two loopback addresses
 * (127.0.0.1 and 127.0.0.2), started at the same moment. The second knows the first only by host
 * name ({@code localhost}), as compose and Kubernetes members know each other, and the first knows
 * nobody but itself: only a join or a split-brain search by that name can make them one cluster.
 */
@DisplayName("cluster formation with the production settings")
class ClusterFormationTest {
  private static final long FORMED_SECONDS = 30;

  private final List<HazelcastInstance> members = new ArrayList<>();
  private final ExecutorService starter = Executors.newFixedThreadPool(2);

  @AfterEach
  void shutdown() {
    members.forEach(HazelcastInstance::shutdown);
    starter.shutdownNow();
  }

  @Test
  @DisplayName(
      "two members started together, one naming the other by host name, are one cluster within 30 s")
  void startedTogetherFormOneCluster() throws Exception {
    String cluster = "formation-" + UUID.randomUUID();
    int portA = freePort("127.0.0.1");
    int portB = freePort("127.0.0.2");
    String seed = "localhost:" + portA;

    long start = System.nanoTime();
    CompletableFuture<HazelcastInstance> a = start(cluster, "127.0.0.1", portA, seed);
    CompletableFuture<HazelcastInstance> b = start(cluster, "127.0.0.2", portB, seed);
    members.add(a.get(FORMED_SECONDS, TimeUnit.SECONDS));
    members.add(b.get(FORMED_SECONDS, TimeUnit.SECONDS));

    long left = FORMED_SECONDS - TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    CompletableFuture.allOf(sizeReached(members.get(0), 2), sizeReached(members.get(1), 2))
        .get(left, TimeUnit.SECONDS);
    assertThat(members.get(0).getCluster().getMembers())
        .containsExactlyInAnyOrderElementsOf(members.get(1).getCluster().getMembers());
  }

  private CompletableFuture<HazelcastInstance> start(
      String cluster, String host, int port, String seed) {
    Settings settings =
        Settings.of(
            Map.of(
                "TROUPE_CLUSTER_NAME", cluster,
                "TROUPE_CLUSTER_HOST", host,
                "TROUPE_CLUSTER_PORT", String.valueOf(port),
                "TROUPE_CLUSTER_MEMBERS", seed));
    return CompletableFuture.supplyAsync(
        () ->
            Hazelcast.newHazelcastInstance(
                HazelcastSetup.config(
                    ClusterConfig.from(settings), ClusterFormationConfig.from(settings))),
        starter);
  }

  /** Completes once {@code member} sees {@code size} members (now or on a later change). */
  private static CompletableFuture<Void> sizeReached(HazelcastInstance member, int size) {
    CompletableFuture<Void> reached = new CompletableFuture<>();
    member
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {
                check();
              }

              @Override
              public void memberRemoved(MembershipEvent event) {
                check();
              }

              private void check() {
                if (member.getCluster().getMembers().size() >= size) {
                  reached.complete(null);
                }
              }
            });
    if (member.getCluster().getMembers().size() >= size) {
      reached.complete(null);
    }
    return reached;
  }

  private static int freePort(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }
}
