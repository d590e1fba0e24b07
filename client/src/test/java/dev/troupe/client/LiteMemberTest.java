package dev.troupe.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.HandedOverJson;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client's own Vert.x joins a cluster as a Hazelcast lite member: the member a data node sees,
 * calls and events across the clustered event bus, and leaving on close. The data node here is a
 * clustered Vert.x with a consumer of the request address; Troupe's real services are the test
 * kit's ({@code LiteMemberClientTest}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
@DisplayName("The client as a lite member")
class LiteMemberTest {
  private static final DocKey DUNE = DocKey.of("books", "dune");
  private static final Document DOC =
      new Document(DUNE, 1, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject());

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ClientOptions.Builder cluster(String name, int port) {
    return ClientOptions.builder()
        .cluster(name, "127.0.0.1:" + port)
        .joinTimeout(Duration.ofSeconds(5))
        .timeout(Duration.ofSeconds(10));
  }

  /** A data member on {@code port}: the lite member's configuration, holding data. */
  private static Future<Vertx> dataNode(String name, int port) {
    Config config = LiteMember.config(cluster(name, port).port(port).build()).setLiteMember(false);
    return Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(2))
        .withClusterManager(new HazelcastClusterManager(config))
        .buildClustered()
        .compose(
            data -> {
              HandedOverJson.register(data);
              BusFault.register(data);
              return data.eventBus()
                  .<JsonObject>consumer(
                      RequestContract.ADDRESS,
                      m ->
                          m.reply(
                              DocWire.READ_RESULT.encode(
                                  new ReadResult(DOC, ReadResult.CacheStatus.HIT)),
                              HandedOverJson.options()))
                  .completion()
                  .map(data);
            });
  }

  private static HazelcastInstance hazelcast(Vertx vertx) {
    return ((HazelcastClusterManager)
            ((io.vertx.core.internal.VertxInternal) vertx).clusterManager())
        .getHazelcastInstance();
  }

  @Test
  @DisplayName("the lite member's configuration: TCP-IP to the members only, no partitions, HA off")
  void configuration() {
    ClientOptions options =
        ClientOptions.builder()
            .cluster("prod", "10.0.0.1:5701", "10.0.0.2:5701")
            .host("10.0.0.9")
            .port(5801)
            .eventBusPort(5901)
            .heartbeat(Duration.ofSeconds(2))
            .failureTimeout(Duration.ofSeconds(20))
            .joinTimeout(Duration.ofSeconds(7))
            .zoneAware(true)
            .build();
    Config config = LiteMember.config(options);
    assertThat(config.isLiteMember()).isTrue();
    assertThat(config.getClusterName()).isEqualTo("prod");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(config.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.9");
    assertThat(config.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");
    assertThat(config.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("20");
    assertThat(config.getProperty("hazelcast.max.join.seconds")).isEqualTo("7");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().getMembers())
        .containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    assertThat(config.getPartitionGroupConfig().isEnabled()).isTrue();
    assertThat(config.getPartitionGroupConfig().getGroupType())
        .isEqualTo(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
    VertxOptions vertx = LiteMember.vertxOptions(options);
    assertThat(vertx.isHAEnabled()).isFalse();
    assertThat(vertx.getEventBusOptions().getHost()).isEqualTo("10.0.0.9");
    assertThat(vertx.getEventBusOptions().getPort()).isEqualTo(5901);
    assertThat(vertx.getEventBusOptions().getClusterPublicHost()).isEqualTo("10.0.0.9");
    assertThat(
            LiteMember.config(ClientOptions.builder().cluster("c", "h:1").build())
                .getPartitionGroupConfig()
                .isEnabled())
        .isFalse();
  }

  @Test
  @DisplayName(
      "it joins as a lite member, calls a data member, gets its events, and leaves the cluster on close")
  void joinsCallsAndLeaves(VertxTestContext ctx) {
    String name = "client-test-" + UUID.randomUUID();
    int port = freePort();
    Promise<Vertx> data = Promise.promise();
    Promise<TroupeClient> client = Promise.promise();
    Promise<DocChange> changed = Promise.promise();
    Promise<Void> left = Promise.promise();
    DocChange change = new DocChange(DocChange.PUT, DUNE, 2, 7);
    dataNode(name, port)
        .onSuccess(data::complete)
        .compose(node -> TroupeClient.connect(cluster(name, port).build()))
        .onSuccess(client::complete)
        .compose(
            troupe -> {
              HazelcastInstance hz = hazelcast(data.future().result());
              ctx.verify(
                  () -> {
                    assertThat(hz.getCluster().getMembers()).hasSize(2);
                    Member lite =
                        hz.getCluster().getMembers().stream()
                            .filter(Member::isLiteMember)
                            .findFirst()
                            .orElseThrow();
                    assertThat(lite)
                        .isEqualTo(hazelcast(troupe.vertx()).getCluster().getLocalMember());
                    assertThat(hz.getPartitionService().getPartitions())
                        .allMatch(p -> !lite.equals(p.getOwner()));
                  });
              hz.getCluster()
                  .addMembershipListener(
                      new MembershipListener() {
                        @Override
                        public void memberAdded(MembershipEvent event) {}

                        @Override
                        public void memberRemoved(MembershipEvent event) {
                          left.tryComplete();
                        }
                      });
              return troupe
                  .get(DUNE)
                  .compose(doc -> troupe.onChange(changed::tryComplete).map(doc));
            })
        .compose(
            doc -> {
              ctx.verify(() -> assertThat(doc).isEqualTo(DOC));
              // The data node learns of the subscription a moment after it is registered.
              Vertx node = data.future().result();
              long timer =
                  node.setPeriodic(
                      0,
                      50,
                      t ->
                          node.eventBus()
                              .publish(DocEvents.ADDRESS, ChangeWire.DOC_CHANGE.encode(change)));
              return changed.future().onComplete(done -> node.cancelTimer(timer));
            })
        .compose(
            got -> {
              ctx.verify(() -> assertThat(got).isEqualTo(change));
              return client.future().result().close();
            })
        .compose(closed -> left.future())
        .compose(
            gone -> {
              ctx.verify(
                  () ->
                      assertThat(hazelcast(data.future().result()).getCluster().getMembers())
                          .hasSize(1));
              return data.future().result().close();
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a cluster without a data member is no Troupe: connect fails UNAVAILABLE and closes")
  void noDataMember(VertxTestContext ctx) {
    int nobody = freePort();
    TroupeClient.connect(
            cluster("client-test-" + UUID.randomUUID(), nobody)
                .joinTimeout(Duration.ofSeconds(1))
                .build())
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).isInstanceOf(TroupeException.class);
                          assertThat(((TroupeException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
                          assertThat(e)
                              .hasMessageContaining("no Troupe node of cluster")
                              .hasMessageContaining("127.0.0.1:" + nobody);
                          ctx.completeNow();
                        })));
  }
}
