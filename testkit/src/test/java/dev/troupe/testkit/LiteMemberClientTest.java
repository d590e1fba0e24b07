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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
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
  /** The flags docs/operations.md gives every JVM running Hazelcast. */
  private static final List<String> HAZELCAST_FLAGS =
      List.of(
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.nio=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .node("cache", "request")
              .node("cache")
              .setting("TROUPE_CLUSTER_QUORUM", "3"));

  /** The client process: its lines, as they come, and its stdin for commands. */
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

  private static final class ClientProcess {
    final Process process;
    final Writer commands;
    final List<JsonObject> lines = new CopyOnWriteArrayList<>();
    final List<Waiter> waiters = new ArrayList<>();

    record Waiter(Predicate<JsonObject> test, Promise<JsonObject> promise) {}

    ClientProcess(Process process, Path log) {
      this.process = process;
      this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      Thread pump = new Thread(() -> pump(log), "lite-client-output");
      pump.setDaemon(true);
      pump.start();
    }

    private void pump(Path log) {
      try (BufferedReader in =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (String line; (line = in.readLine()) != null; ) {
          out.write(line + "\n");
          out.flush();
          if (line.startsWith(LiteClientMain.PREFIX)) {
            arrived(new JsonObject(line.substring(LiteClientMain.PREFIX.length())));
          }
        }
      } catch (IOException e) {
        // The process ended: the waiters below fail.
      }
      synchronized (this) {
        waiters.forEach(w -> w.promise().tryFail("the client process ended first; see " + log));
        waiters.clear();
      }
    }

    /** Completes the waiters {@code line} satisfies, outside the lock: they go on to wait again. */
    private void arrived(JsonObject line) {
      List<Waiter> satisfied = new ArrayList<>();
      synchronized (this) {
        lines.add(line);
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
          Waiter waiter = it.next();
          if (waiter.test().test(line)) {
            it.remove();
            satisfied.add(waiter);
          }
        }
      }
      satisfied.forEach(waiter -> waiter.promise().tryComplete(line));
    }

    /** The first line, received or to come, that {@code test} accepts. */
    synchronized Future<JsonObject> line(Predicate<JsonObject> test) {
      for (JsonObject line : lines) {
        if (test.test(line)) {
          return Future.succeededFuture(line);
        }
      }
      Promise<JsonObject> promise = Promise.promise();
      waiters.add(new Waiter(test, promise));
      return promise.future();
    }

    synchronized void command(String line) {
      try {
        commands.write(line + "\n");
        commands.flush();
      } catch (IOException e) {
        throw new IllegalStateException("the client process does not read its commands", e);
      }
    }
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

  private static ClientProcess start(Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dhazelcast.phone.home.enabled=false"));
    command.addAll(HAZELCAST_FLAGS);
    command.addAll(CoverageAgent.jvmArgs());
    command.addAll(
        List.of(
            // The test's own class path (surefire's manifest jar names every entry).
            "-cp",
            System.getProperty("java.class.path"),
            LiteClientMain.class.getName(),
            TROUPE.cluster().name(),
            TROUPE.cluster().node(0).memberAddress()));
    Files.createDirectories(log.getParent());
    return new ClientProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), log);
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
  private static Future<JsonObject> untilEventsFlow(Vertx vertx, ClientProcess client) {
    Future<JsonObject> seen = client.line(event("marker", "m"));
    int[] writes = {0};
    long timer =
        vertx.setPeriodic(
            0,
            250,
            t -> {
              if (writes[0]++ < 120) {
                client.command("put marker m {}");
              }
            });
    return seen.onComplete(done -> vertx.cancelTimer(timer));
  }

  @Test
  @Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "it is a lite member no node counts, it writes, reads and gets change events, and kill -9 moves no partition")
  void liteMember(Vertx vertx, VertxTestContext ctx) throws Exception {
    Path log =
        Path.of(
            "target",
            "lite-client",
            "client-" + UUID.randomUUID().toString().substring(0, 8) + ".log");
    List<String> migrations = new CopyOnWriteArrayList<>();
    Promise<Member> left = Promise.promise();
    Map<Integer, UUID> before = new TreeMap<>();
    ClientProcess[] client = new ClientProcess[1];
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
                client[0] = start(log);
              } catch (IOException e) {
                return Future.failedFuture(e);
              }
              return client[0].line(kind("ready"));
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
              client[0].command("put books dune {\"title\":\"Dune\",\"year\":1965}");
              return client[0]
                  .line(
                      line ->
                          "put".equals(line.getString("kind"))
                              && "dune".equals(line.getString("id")))
                  .compose(
                      put -> {
                        client[0].command("get books dune");
                        return client[0]
                            .line(kind("get"))
                            .compose(
                                get ->
                                    client[0]
                                        .line(event("books", "dune"))
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
                          client[0].process.destroyForcibly().waitFor();
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
        client[0].process.destroyForcibly();
      }
      http.close();
    }
  }
}
