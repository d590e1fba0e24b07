package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.client.ClientOptions;
import dev.troupe.client.TroupeClient;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JVM client resumes the change feed from a position on a two-node cluster: it follows on the
 * node without db-service (its reads of the change log cross the cluster), stops, misses writes,
 * and on resuming with the last seq it handled gets those writes from the log and then the live
 * ones, each exactly once and in order.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@DisplayName("The JVM client resumes the change feed from a position")
class ClientChangeFeedTest {
  private static final String BOOKS = "client-feed";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder().node("db", "cache", "request").node("cache", "request"));

  private static Future<TroupeClient> client() {
    return TroupeClient.connect(
        TROUPE.cluster().node(1).vertx(),
        ClientOptions.builder().timeout(Duration.ofSeconds(10)).build());
  }

  /** What the feed handed over for this test's collection, and a promise for one change. */
  private static final class Seen {
    final List<DocChange> changes = new CopyOnWriteArrayList<>();
    final Promise<DocChange> awaited = Promise.promise();
    final Predicate<DocChange> until;

    Seen(Predicate<DocChange> until) {
      this.until = until;
    }

    void handle(DocChange change) {
      if (!change.key().collection().equals(BOOKS)) {
        return;
      }
      changes.add(change);
      if (until.test(change)) {
        awaited.tryComplete(change);
      }
    }
  }

  private static Predicate<DocChange> is(String id, String op) {
    return change -> change.key().id().equals(id) && change.op().equals(op);
  }

  private static String describe(DocChange change) {
    return change.op() + " " + change.key().id() + " v" + change.version();
  }

  @Test
  @DisplayName(
      "writes made while not subscribed are replayed from the log, then live ones arrive; none twice")
  void resumes(Vertx vertx, VertxTestContext ctx) {
    DocKey a = DocKey.of(BOOKS, "a");
    DocKey b = DocKey.of(BOOKS, "b");
    DocKey c = DocKey.of(BOOKS, "c");
    Seen first = new Seen(is("a", DocChange.PUT));
    Seen resumed = new Seen(is("c", DocChange.DELETE));
    client()
        .compose(
            troupe ->
                troupe
                    .onChange(0, first::handle)
                    .compose(
                        subscription ->
                            troupe
                                .put(a, new JsonObject().put("title", "A"))
                                .compose(put -> first.awaited.future())
                                .compose(seen -> subscription.cancel().map(seen)))
                    .compose(
                        last ->
                            // Not subscribed: these only the log has for the client.
                            troupe
                                .put(b, new JsonObject().put("title", "B"))
                                .compose(put -> troupe.put(a, new JsonObject().put("title", "A2")))
                                .compose(put -> troupe.delete(b))
                                .compose(deleted -> troupe.onChange(last.seq(), resumed::handle))
                                .compose(
                                    subscription -> {
                                      ctx.verify(
                                          () ->
                                              assertThat(
                                                      resumed.changes.stream()
                                                          .map(ClientChangeFeedTest::describe))
                                                  .containsExactly(
                                                      "put b v1", "put a v2", "delete b v2"));
                                      return troupe
                                          .put(c, new JsonObject().put("title", "C"))
                                          .compose(put -> troupe.put(a, new JsonObject()))
                                          .compose(put -> troupe.delete(c))
                                          .compose(deleted -> resumed.awaited.future())
                                          .compose(seen -> subscription.cancel())
                                          .map(last);
                                    })))
        .onComplete(
            ctx.succeeding(
                last -> {
                  ctx.verify(
                      () -> {
                        assertThat(first.changes).extracting(DocChange::seq).contains(last.seq());
                        assertThat(resumed.changes.stream().map(ClientChangeFeedTest::describe))
                            .containsExactly(
                                "put b v1",
                                "put a v2",
                                "delete b v2",
                                "put c v1",
                                "put a v3",
                                "delete c v2");
                        List<Long> seqs = resumed.changes.stream().map(DocChange::seq).toList();
                        assertThat(seqs).isSorted().doesNotHaveDuplicates();
                        assertThat(seqs.get(0)).isGreaterThan(last.seq());
                      });
                  ctx.completeNow();
                }));
  }

  @Test
  @DisplayName("a position past the log's head is refused, and nothing stays subscribed")
  void pastHead(Vertx vertx, VertxTestContext ctx) {
    client()
        .compose(troupe -> troupe.onChange(Long.MAX_VALUE / 4, change -> {}))
        .onComplete(
            ctx.failing(
                failure -> {
                  ctx.verify(
                      () ->
                          assertThat(failure)
                              .isInstanceOf(dev.troupe.shared.contract.TroupeException.class)
                              .hasMessageContaining("past the change log's head"));
                  ctx.completeNow();
                }));
  }
}
