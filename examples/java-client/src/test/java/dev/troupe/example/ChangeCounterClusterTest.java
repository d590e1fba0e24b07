package dev.troupe.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.client.ClientOptions;
import dev.troupe.client.TroupeClient;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.testkit.TroupeCluster;
import dev.troupe.testkit.TroupeClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example service, an outside project, against real Troupe services started by the test kit: it
 * joins their cluster as a lite member with {@code troupe-client}, calls it, and counts the changes
 * it is told about.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The example Java service on a Troupe cluster")
class ChangeCounterClusterTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder().node("db", "cache", "request", "gateway").node("cache"));

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "typed calls succeed and fail with their ErrorCode, and the service counts each collection's"
          + " changes")
  void callsAndCounts(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    TroupeCluster cluster = TROUPE.cluster();
    ClientOptions options =
        ClientOptions.builder()
            .cluster(cluster.name(), cluster.node(0).memberAddress())
            .timeout(Duration.ofSeconds(5))
            .build();
    TroupeClient[] client = new TroupeClient[1];
    ChangeCounterVerticle[] counter = new ChangeCounterVerticle[1];
    TroupeClient.connect(options)
        .compose(
            troupe -> {
              client[0] = troupe;
              counter[0] = new ChangeCounterVerticle(troupe, 0);
              return troupe.vertx().deployVerticle(counter[0]).map(troupe);
            })
        .compose(
            troupe ->
                // The subscription reaches every member of the cluster a moment after it is
                // registered: write a marker until the service has counted one, so the writes
                // below are all seen.
                untilCounted(vertx, http, counter[0], troupe)
                    .compose(
                        v -> troupe.put(DocKey.of("alpha", "a1"), new JsonObject().put("n", 1)))
                    .compose(
                        v ->
                            troupe.putMany(
                                new PutMany(
                                    "alpha",
                                    List.of(
                                        new PutMany.Item("a2", new JsonObject(), null),
                                        new PutMany.Item("a3", new JsonObject(), null)))))
                    .compose(v -> troupe.put(DocKey.of("beta", "b1"), new JsonObject()))
                    .compose(v -> troupe.delete(DocKey.of("beta", "b1")))
                    .compose(
                        v ->
                            troupe.getMany(
                                new MultiGet(
                                    new KeyBatch("alpha", List.of("a1", "a2", "zz")), false)))
                    .compose(
                        many -> {
                          ctx.verify(
                              () -> {
                                assertThat(many.found()).containsOnlyKeys("a1", "a2");
                                assertThat(many.missing()).containsExactly("zz");
                              });
                          return troupe
                              .get(DocKey.of("beta", "b1"))
                              .transform(ar -> Future.succeededFuture(ar.cause()));
                        })
                    .compose(
                        missing -> {
                          ctx.verify(
                              () -> {
                                assertThat(missing).isInstanceOf(TroupeException.class);
                                assertThat(((TroupeException) missing).code())
                                    .isEqualTo(ErrorCode.NOT_FOUND);
                              });
                          return poll(
                              vertx,
                              http,
                              counter[0],
                              counts ->
                                  counts.containsKey("beta")
                                      && counts.getJsonObject("beta").getLong("delete") == 1
                                      && counts.getJsonObject("alpha").getLong("put") == 3);
                        })
                    .compose(
                        counts ->
                            http.get(counter[0].port(), "127.0.0.1", "/latest/alpha/a1")
                                .send()
                                .map(
                                    latest -> {
                                      ctx.verify(
                                          () -> {
                                            assertThat(counts.getJsonObject("alpha"))
                                                .isEqualTo(
                                                    new JsonObject()
                                                        .put("put", 3)
                                                        .put("delete", 0));
                                            assertThat(counts.getJsonObject("beta"))
                                                .isEqualTo(
                                                    new JsonObject()
                                                        .put("put", 1)
                                                        .put("delete", 1));
                                            assertThat(latest.statusCode()).isEqualTo(200);
                                            assertThat(latest.bodyAsJsonObject().getInteger("n"))
                                                .isEqualTo(1);
                                          });
                                      return null;
                                    })))
        .eventually(() -> client[0] == null ? Future.succeededFuture() : client[0].close())
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> untilCounted(
      Vertx vertx, WebClient http, ChangeCounterVerticle counter, TroupeClient troupe) {
    Promise<Void> counted = Promise.promise();
    int[] writes = {0};
    long timer =
        vertx.setPeriodic(
            0,
            250,
            id -> {
              if (counted.future().isComplete()) {
                return;
              }
              if (writes[0]++ >= 80) {
                counted.tryFail("the service counted no change after " + writes[0] + " writes");
                return;
              }
              troupe
                  .put(DocKey.of("marker", "m"), new JsonObject())
                  .compose(v -> http.get(counter.port(), "127.0.0.1", "/counts").send())
                  .onSuccess(
                      r -> {
                        if (r.bodyAsJsonObject().containsKey("marker")) {
                          counted.tryComplete();
                        }
                      });
            });
    return counted.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  /** {@code GET /counts} every 100 ms, at most 100 times, until {@code done} holds. */
  private static Future<JsonObject> poll(
      Vertx vertx, WebClient http, ChangeCounterVerticle counter, Predicate<JsonObject> done) {
    return poll(vertx, http, counter, done, 100);
  }

  private static Future<JsonObject> poll(
      Vertx vertx,
      WebClient http,
      ChangeCounterVerticle counter,
      Predicate<JsonObject> done,
      int tries) {
    return http.get(counter.port(), "127.0.0.1", "/counts")
        .send()
        .map(r -> r.bodyAsJsonObject())
        .compose(
            counts -> {
              if (done.test(counts) || tries <= 1) {
                return Future.succeededFuture(counts);
              }
              Promise<JsonObject> again = Promise.promise();
              vertx.setTimer(
                  100, t -> poll(vertx, http, counter, done, tries - 1).onComplete(again));
              return again.future();
            });
  }
}
