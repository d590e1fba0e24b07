package dev.troupe.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.Lookup;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two loopback nodes, both running cache-service with one backup per entry. Entries are filled
 * through node A, node A goes away, and every entry must still be readable through node B.
 *
 * <p>Each test gets a fresh pair of nodes, since each takes node A away. Before a test fills
 * anything, both members wait until Hazelcast reports them safe (every partition has its owner and
 * backup assigned, migrations done, replicas in sync); a fill made while partitions still migrate
 * after B's join could lose entries for reasons that have nothing to do with the backup count.
 */
@ExtendWith(VertxExtension.class)
class CacheBackupTest {
  private static final int KEYS = 50;
  private static final Instant UPDATED = Instant.parse("2024-05-06T07:08:09.010Z");
  private static final Map<String, String> CACHE_SETTINGS = Map.of("TROUPE_CACHE_BACKUPS", "1");

  private NodeRuntime nodeA;
  private String cacheOnA;
  private NodeRuntime nodeB;

  @BeforeEach
  void startTwoNodes() throws Exception {
    LoopbackCluster cluster = LoopbackCluster.create();
    Settings settingsA = cluster.nodeSettings("a", null, CACHE_SETTINGS);
    nodeA = await(ClusterBootstrap.start(settingsA));
    cacheOnA = await(deployCache(nodeA, settingsA));
    Address seed = nodeA.hazelcast().getCluster().getLocalMember().getAddress();
    Settings settingsB =
        cluster.nodeSettings("b", seed.getHost() + ":" + seed.getPort(), CACHE_SETTINGS);
    nodeB = await(ClusterBootstrap.start(settingsB));
    await(deployCache(nodeB, settingsB));

    assertThat(nodeA.hazelcast().getCluster().getMembers()).hasSize(2);
    assertThat(nodeA.hazelcast().getPartitionService().forceLocalMemberToBeSafe(30, SECONDS))
        .as("node A's partitions are safe")
        .isTrue();
    assertThat(nodeB.hazelcast().getPartitionService().forceLocalMemberToBeSafe(30, SECONDS))
        .as("node B's partitions are safe")
        .isTrue();
  }

  @AfterEach
  void stopNodes() throws Exception {
    // close also completes for node A when a test already closed it or terminated its member.
    if (nodeA != null) {
      await(ClusterBootstrap.close(nodeA));
    }
    if (nodeB != null) {
      await(ClusterBootstrap.close(nodeB));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, SECONDS);
  }

  private static Future<String> deployCache(NodeRuntime node, Settings settings) {
    return node.vertx()
        .deployVerticle(
            CacheVerticle.class.getName(), new DeploymentOptions().setConfig(settings.toJson()));
  }

  private static List<Document> documents() {
    return IntStream.range(0, KEYS)
        .mapToObj(
            i ->
                new Document(
                    DocKey.of("notes", "backup-" + i),
                    1 + i % 3,
                    UPDATED,
                    new JsonObject().put("i", i)))
        .toList();
  }

  private static Future<List<JsonObject>> fillAll(Bus bus, List<Document> docs) {
    return Future.all(
            docs.stream()
                .map(
                    doc ->
                        bus.request(
                            CacheContract.ADDRESS,
                            CacheContract.FILL.name(),
                            CacheWire.toJson(Lookup.found(doc)),
                            null))
                .toList())
        .map(all -> all.<JsonObject>list());
  }

  private static Future<List<CacheLookup>> getAll(Bus bus, List<Document> docs) {
    return Future.all(
            docs.stream()
                .map(
                    doc ->
                        bus.request(
                                CacheContract.ADDRESS,
                                CacheContract.GET.name(),
                                DocWire.toJson(doc.key()),
                                null)
                            .map(CacheWire::cacheLookup))
                .toList())
        .map(all -> all.<CacheLookup>list());
  }

  private static void assertAllHits(List<CacheLookup> lookups, List<Document> docs) {
    List<DocKey> missed =
        IntStream.range(0, docs.size())
            .filter(i -> !lookups.get(i).hit())
            .mapToObj(i -> docs.get(i).key())
            .toList();
    assertThat(missed).as("keys that are no longer cached").isEmpty();
    assertThat(lookups)
        .containsExactlyElementsOf(
            docs.stream().map(doc -> CacheLookup.of(Lookup.found(doc))).toList());
  }

  /** Completes when node B's member sees another member leave the cluster. */
  private Future<Void> memberLeftB() {
    Promise<Void> left = Promise.promise();
    nodeB
        .hazelcast()
        .getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent event) {}

              @Override
              public void memberRemoved(MembershipEvent event) {
                left.tryComplete();
              }
            });
    return left.future();
  }

  @Test
  @DisplayName(
      "every entry filled through node A is still a hit through node B after A's member crashes")
  void entriesSurviveCrashOfNodeA(VertxTestContext ctx) {
    Bus busA = new Bus(nodeA.vertx(), 5000);
    Bus busB = new Bus(nodeB.vertx(), 5000);
    List<Document> docs = documents();
    Future<Void> aLeft = memberLeftB();
    Checkpoint filled = ctx.checkpoint();
    Checkpoint allHits = ctx.checkpoint();

    fillAll(busA, docs)
        .compose(
            replies -> {
              ctx.verify(
                  () -> {
                    assertThat(replies)
                        .containsOnly(new JsonObject().put("stored", true))
                        .hasSize(KEYS);
                    filled.flag();
                  });
              // A's consumer goes first, so node B's event bus has only B's consumer to send to;
              // then A's
              // Hazelcast member dies without handing anything over: only backups can answer for
              // its partitions.
              return nodeA.vertx().undeploy(cacheOnA);
            })
        .compose(
            v -> {
              nodeA.hazelcast().getLifecycleService().terminate();
              return aLeft;
            })
        .compose(v -> getAll(busB, docs))
        .onComplete(
            ctx.succeeding(
                lookups ->
                    ctx.verify(
                        () -> {
                          assertThat(nodeB.hazelcast().getCluster().getMembers()).hasSize(1);
                          assertAllHits(lookups, docs);
                          allHits.flag();
                        })));
  }

  @Test
  @DisplayName(
      "every entry filled through node A is still a hit through node B after node A is closed")
  void entriesSurviveCloseOfNodeA(VertxTestContext ctx) {
    Bus busA = new Bus(nodeA.vertx(), 5000);
    Bus busB = new Bus(nodeB.vertx(), 5000);
    List<Document> docs = documents();
    Future<Void> aLeft = memberLeftB();
    Checkpoint filled = ctx.checkpoint();
    Checkpoint allHits = ctx.checkpoint();

    fillAll(busA, docs)
        .compose(
            replies -> {
              ctx.verify(
                  () -> {
                    assertThat(replies)
                        .containsOnly(new JsonObject().put("stored", true))
                        .hasSize(KEYS);
                    filled.flag();
                  });
              return ClusterBootstrap.close(nodeA);
            })
        .compose(v -> aLeft)
        .compose(v -> getAll(busB, docs))
        .onComplete(
            ctx.succeeding(
                lookups ->
                    ctx.verify(
                        () -> {
                          assertThat(nodeB.hazelcast().getCluster().getMembers()).hasSize(1);
                          assertAllHits(lookups, docs);
                          allHits.flag();
                        })));
  }
}
