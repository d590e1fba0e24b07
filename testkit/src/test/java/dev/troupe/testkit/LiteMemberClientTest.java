package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.ReplicaMigrationEvent;
import dev.troupe.launcher.TroupeNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client JVM ({@code troupe-client}, a process of its own) attached to a three-node cluster: it
 * is a Hazelcast lite member, no node counts it, it writes, reads and follows change events, and
 * killing it with SIGKILL moves no partition.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A client JVM as a lite member of a three-node cluster")
class LiteMemberClientTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .node("cache", "request")
              .node("cache")
              .setting("TROUPE_CLUSTER_QUORUM", "3"));

  /**
   * {@code /health/ready}, asked again every 50 ms until it answers 200 or {@code deadline} passes
   * (then the last answer). Right after a member joins, a lite one too, a node's readiness was seen
   * to answer 503 once (in CI): Hazelcast re-checks its partitions on every membership change, and
   * readiness waits for the local member to be safe. No partition moves (checked below).
   */
  private static Future<HttpResponse<Buffer>> readyWithin(Vertx vertx, Http http, long deadline) {
    return http.get("/health/ready")
        .compose(
            health -> {
              if (health.statusCode() == 200 || System.currentTimeMillis() > deadline) {
                return Future.succeededFuture(health);
              }
              Promise<Void> later = Promise.promise();
              vertx.setTimer(50, t -> later.complete());
              return later.future().compose(v -> readyWithin(vertx, http, deadline));
            });
  }

  /**
   * The first {@value LiteClientMain#PREFIX} line, printed or to come, that {@code test} accepts.
   */
  private static Future<JsonObject> fact(JvmProcess client, Predicate<JsonObject> test) {
    return client
        .line(
            line ->
                line.startsWith(LiteClientMain.PREFIX)
                    && test.test(new JsonObject(line.substring(LiteClientMain.PREFIX.length()))))
        .map(line -> new JsonObject(line.substring(LiteClientMain.PREFIX.length())));
  }

  private static Predicate<JsonObject> kind(String kind) {
    return line -> kind.equals(line.getString("kind"));
  }

  private static Predicate<JsonObject> event(String collection, String id) {
    return line ->
        "event".equals(line.getString("kind"))
            && collection.equals(line.getString("collection"))
            && id.equals(line.getString("id"));
  }

  private static JvmProcess start() throws IOException {
    return JvmProcess.start(
        "client-" + UUID.randomUUID().toString().substring(0, 8),
        CoverageAgent.jvmArgs(),
        LiteClientMain.class.getName(),
        Map.of(),
        Path.of("target", "lite-client"),
        TROUPE.cluster().name(),
        TROUPE.cluster().node(0).memberAddress());
  }

  private static HazelcastInstance hazelcast(int node) {
    return TROUPE.cluster().node(node).runtime().hazelcast();
  }

  private static double gauge(TroupeNode node, String name) {
    return node.runtime().registry().get(name).gauge().value();
  }

  /** Every partition's owner, as node 0 sees them. */
  private static Map<Integer, UUID> owners() {
    Map<Integer, UUID> owners = new TreeMap<>();
    for (Partition p : hazelcast(0).getPartitionService().getPartitions()) {
      owners.put(p.getPartitionId(), p.getOwner() == null ? null : p.getOwner().getUuid());
    }
    return owners;
  }

  /** Completes when every data member's partitions are migrated and backed up. */
  private static Future<Void> clusterSafe(Vertx vertx) {
    Promise<Void> safe = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    checkSafe(vertx, deadline, safe);
    return safe.future();
  }

  private static void checkSafe(Vertx vertx, long deadline, Promise<Void> safe) {
    vertx
        .executeBlocking(() -> hazelcast(0).getPartitionService().isClusterSafe())
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result()) {
                safe.tryComplete();
              } else if (System.nanoTime() > deadline) {
                safe.tryFail("the cluster's partitions were not safe within 60 s");
              } else {
                vertx.setTimer(100, t -> checkSafe(vertx, deadline, safe));
              }
            });
  }

  /** Writes marker documents through the client until it is told of one. */
  private static Future<JsonObject> untilEventsFlow(Vertx vertx, JvmProcess client) {
    Future<JsonObject> seen = fact(client, event("marker", "m"));
    int[] writes = {0};
    long timer =
        vertx.setPeriodic(
            0,
            250,
            t -> {
              if (writes[0]++ < 120) {
                client.send("put marker m {}");
              }
            });
    return seen.onComplete(done -> vertx.cancelTimer(timer));
  }

  @Test
  @Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "it is a lite member no node counts, it writes, reads and gets change events, and kill -9 moves no partition")
  void liteMember(Vertx vertx, VertxTestContext ctx) throws Exception {
    List<String> migrations = new CopyOnWriteArrayList<>();
    Promise<Member> left = Promise.promise();
    Map<Integer, UUID> before = new TreeMap<>();
    JvmProcess[] client = new JvmProcess[1];
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    clusterSafe(vertx)
        .compose(
            safe -> {
              before.putAll(owners());
              hazelcast(0)
                  .getPartitionService()
                  .addMigrationListener(
                      new MigrationListener() {
                        @Override
                        public void migrationStarted(MigrationState state) {
                          migrations.add("started " + state);
                        }

                        @Override
                        public void migrationFinished(MigrationState state) {
                          migrations.add("finished " + state);
                        }

                        @Override
                        public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
                          migrations.add("completed " + event);
                        }

                        @Override
                        public void replicaMigrationFailed(ReplicaMigrationEvent event) {
                          migrations.add("failed " + event);
                        }
                      });
              hazelcast(0)
                  .getCluster()
                  .addMembershipListener(
                      new MembershipListener() {
                        @Override
                        public void memberAdded(MembershipEvent event) {}

                        @Override
                        public void memberRemoved(MembershipEvent event) {
                          left.tryComplete(event.getMember());
                        }
                      });
              try {
                client[0] = start();
              } catch (IOException e) {
                return Future.failedFuture(e);
              }
              return fact(client[0], kind("ready"));
            })
        .compose(
            ready ->
                readyWithin(vertx, http, System.currentTimeMillis() + 10_000)
                    .map(
                        health -> {
                          String member = ready.getString("member");
                          ctx.verify(
                              () -> {
                                assertThat(hazelcast(0).getCluster().getMembers()).hasSize(4);
                                assertThat(hazelcast(0).getCluster().getMembers())
                                    .filteredOn(Member::isLiteMember)
                                    .singleElement()
                                    .extracting(m -> m.getUuid().toString())
                                    .isEqualTo(member);
                                for (TroupeNode node : TROUPE.cluster().nodes()) {
                                  assertThat(gauge(node, "troupe_cluster_members")).isEqualTo(3.0);
                                  assertThat(gauge(node, "troupe_cluster_quorum")).isEqualTo(3.0);
                                }
                                assertThat(health.statusCode())
                                    .as(health.bodyAsString())
                                    .isEqualTo(200);
                                assertThat(ReadyProbe.members(health.bodyAsString())).isEqualTo(3);
                              });
                          return member;
                        }))
        .compose(member -> untilEventsFlow(vertx, client[0]).map(member))
        .compose(
            member -> {
              client[0].send("put books dune {\"title\":\"Dune\",\"year\":1965}");
              return fact(
                      client[0],
                      line ->
                          "put".equals(line.getString("kind"))
                              && "dune".equals(line.getString("id")))
                  .compose(
                      put -> {
                        client[0].send("get books dune");
                        return fact(client[0], kind("get"))
                            .compose(
                                get ->
                                    fact(client[0], event("books", "dune"))
                                        .map(
                                            event -> {
                                              ctx.verify(
                                                  () -> {
                                                    JsonObject doc = get.getJsonObject("document");
                                                    assertThat(doc.getJsonObject("data"))
                                                        .isEqualTo(
                                                            new JsonObject()
                                                                .put("title", "Dune")
                                                                .put("year", 1965));
                                                    assertThat(doc.getLong("version"))
                                                        .isEqualTo(put.getLong("version"));
                                                    assertThat(event.getString("op"))
                                                        .isEqualTo("put");
                                                    assertThat(event.getLong("version"))
                                                        .isEqualTo(put.getLong("version"));
                                                  });
                                              return member;
                                            }));
                      });
            })
        .compose(
            member ->
                vertx
                    .executeBlocking(
                        () -> {
                          // SIGKILL: no shutdown hook, no goodbye; the members find out by
                          // themselves.
                          client[0].kill();
                          return member;
                        })
                    .compose(killed -> left.future())
                    .map(
                        gone -> {
                          ctx.verify(
                              () -> {
                                assertThat(gone.isLiteMember()).isTrue();
                                assertThat(gone.getUuid().toString()).isEqualTo(member);
                              });
                          return gone;
                        }))
        // Hazelcast plans a migration while it handles the member's removal, before it tells the
        // listeners; once the cluster is safe again, any migration has run.
        .compose(gone -> clusterSafe(vertx))
        .onComplete(
            ctx.succeeding(
                safe ->
                    ctx.verify(
                        () -> {
                          assertThat(migrations).as("migration events").isEmpty();
                          assertThat(owners()).isEqualTo(before);
                          assertThat(before.values()).doesNotContainNull();
                          assertThat(hazelcast(0).getCluster().getMembers()).hasSize(3);
                          for (TroupeNode node : TROUPE.cluster().nodes()) {
                            assertThat(gauge(node, "troupe_cluster_members")).isEqualTo(3.0);
                          }
                          ctx.completeNow();
                        })));
    try {
      assertThat(ctx.awaitCompletion(170, TimeUnit.SECONDS)).isTrue();
    } finally {
      if (client[0] != null) {
        client[0].destroy();
      }
      http.close();
    }
  }
}
