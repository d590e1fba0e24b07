package dev.troupe.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RateLimitContract;
import dev.troupe.shared.contract.TakeTokens;
import dev.troupe.shared.contract.TokenDemand;
import dev.troupe.shared.contract.TokenGrant;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rate-limit service on a single-node loopback cluster, over the event bus. Rates are so low
 * (one token per 1000 s) that refill cannot change any outcome while a test runs; each test uses
 * clients of its own.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("rate-limit service")
class RateLimitVerticleTest {
  private static final double SLOW = 0.001;
  private static NodeRuntime node;
  private static Bus bus;

  @BeforeAll
  static void startNode() throws Exception {
    Settings settings = LoopbackCluster.create().nodeSettings("ratelimit", null, Map.of());
    node =
        ClusterBootstrap.start(settings).toCompletionStage().toCompletableFuture().get(60, SECONDS);
    node.vertx()
        .deployVerticle(
            CacheService.class.getName(), new DeploymentOptions().setConfig(settings.toJson()))
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, SECONDS);
    bus = new Bus(node.vertx(), 5000);
  }

  @AfterAll
  static void stopNode() throws Exception {
    if (node != null) {
      ClusterBootstrap.close(node).toCompletionStage().toCompletableFuture().get(60, SECONDS);
    }
  }

  private static String client() {
    return "test:" + UUID.randomUUID();
  }

  private static Future<List<TokenGrant>> take(int burst, TokenDemand... demands) {
    return bus.call(RateLimitContract.TAKE, new TakeTokens(SLOW, burst, List.of(demands)), null);
  }

  @Test
  @DisplayName("takes from many callers never grant more than the burst in total")
  void neverMoreThanTheBurst(VertxTestContext ctx) {
    String client = client();
    Checkpoint bounded = ctx.checkpoint();
    List<Future<List<TokenGrant>>> takes = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      takes.add(take(20, new TokenDemand(client, 1, 1, 0)));
    }
    Future.all(takes)
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          int granted = 0;
                          for (int i = 0; i < takes.size(); i++) {
                            granted += takes.get(i).result().get(0).granted();
                          }
                          assertThat(granted).isEqualTo(20);
                          bounded.flag();
                        })));
  }

  @Test
  @DisplayName(
      "one take serves several clients, each from its own bucket, and given-back tokens are granted again")
  void batchAndGiveBack(VertxTestContext ctx) {
    String a = client();
    String b = client();
    Checkpoint separate = ctx.checkpoint();
    Checkpoint returned = ctx.checkpoint();
    take(4, new TokenDemand(a, 4, 0, 0), new TokenDemand(b, 1, 0, 0))
        .compose(
            grants -> {
              ctx.verify(
                  () -> {
                    assertThat(grants).extracting(TokenGrant::client).containsExactly(a, b);
                    assertThat(grants).extracting(TokenGrant::granted).containsExactly(4, 1);
                    assertThat(grants.get(0).tokens()).isLessThan(0.01);
                    assertThat(grants.get(1).tokens()).isCloseTo(3.0, within(0.01));
                  });
              separate.flag();
              return take(4, new TokenDemand(a, 0, 0, 2));
            })
        .compose(back -> take(4, new TokenDemand(a, 3, 0, 0)))
        .onComplete(
            ctx.succeeding(
                grants ->
                    ctx.verify(
                        () -> {
                          assertThat(grants.get(0).granted())
                              .as("the 2 given back, no more")
                              .isEqualTo(2);
                          returned.flag();
                        })));
  }

  @Test
  @DisplayName("a malformed take is a bad request, not a fault")
  void malformed(VertxTestContext ctx) {
    Checkpoint badRequest = ctx.checkpoint();
    bus.request(
            RateLimitContract.TAKE.address(),
            RateLimitContract.TAKE.name(),
            new JsonObject().put("ratePerSec", -1).put("burst", 1).put("demands", List.of()),
            null)
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).isInstanceOf(ReplyException.class);
                          assertThat(((ReplyException) e).failureCode())
                              .isEqualTo(ErrorCode.BAD_REQUEST.code());
                          badRequest.flag();
                        })));
  }
}
