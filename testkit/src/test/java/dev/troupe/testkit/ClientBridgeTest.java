package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.client.ClientOptions;
import dev.troupe.client.TroupeClient;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.TroupeException;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JVM client through a real gateway's TCP bridge with API keys: typed document calls, change
 * events, and the refusals the bridge makes (credential, scope, allowlist) as typed errors.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
@DisplayName("The JVM client through the TCP bridge")
class ClientBridgeTest {
  private static final String WRITER = "client-writer-1";
  private static final String READER = "client-reader-2";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_AUTH", "apikey")
              .setting(
                  "TROUPE_API_KEYS",
                  "svc="
                      + TcpBridgeTest.sha256(WRITER)
                      + "=docs:read docs:write,dash="
                      + TcpBridgeTest.sha256(READER)
                      + "=docs:read")
              .setting("TROUPE_BRIDGE_PORT", "0"));

  private static ClientOptions options(String key) {
    return ClientOptions.builder()
        .bridge("127.0.0.1", TROUPE.cluster().node(0).bridgePort())
        .apiKey(key)
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  private static TroupeException troupe(Throwable failure) {
    assertThat(failure).isInstanceOf(TroupeException.class);
    return (TroupeException) failure;
  }

  @Test
  @DisplayName(
      "with a writer's key it writes and reads documents, is told of their changes, and gets typed errors")
  void documents(Vertx vertx, VertxTestContext ctx) {
    DocKey dune = DocKey.of("bridged-client", "dune");
    List<DocChange> changes = new CopyOnWriteArrayList<>();
    Promise<Void> deleted = Promise.promise();
    TroupeClient.connect(options(WRITER))
        .compose(
            troupe ->
                troupe
                    .onChange(
                        change -> {
                          if (change.key().collection().equals(dune.collection())) {
                            changes.add(change);
                            if (change.op().equals(DocChange.DELETE)) {
                              deleted.tryComplete();
                            }
                          }
                        })
                    .compose(s -> troupe.put(dune, new JsonObject().put("title", "Dune")))
                    .compose(
                        put ->
                            troupe
                                .put(
                                    new PutDoc(
                                        dune,
                                        new JsonObject().put("title", "Dune").put("year", 1965),
                                        Precondition.ifMatch(put.document().version()),
                                        "bridged-client-dune-2"))
                                .compose(second -> troupe.get(dune))
                                .compose(
                                    doc -> {
                                      ctx.verify(
                                          () -> {
                                            assertThat(doc.version()).isEqualTo(2);
                                            assertThat(doc.data().getInteger("year"))
                                                .isEqualTo(1965);
                                          });
                                      return troupe
                                          .put(
                                              new PutDoc(
                                                  dune, new JsonObject(), Precondition.ifMatch(1)))
                                          .transform(Future::succeededFuture);
                                    }))
                    .compose(
                        stale -> {
                          ctx.verify(
                              () ->
                                  assertThat(troupe(stale.cause()).code())
                                      .isEqualTo(ErrorCode.PRECONDITION_FAILED));
                          return troupe.putMany(
                              new PutMany(
                                  dune.collection(),
                                  List.of(
                                      new PutMany.Item("a1", new JsonObject().put("n", 1), null),
                                      new PutMany.Item("a2", new JsonObject().put("n", 2), null))));
                        })
                    .compose(
                        many ->
                            troupe.getMany(
                                new MultiGet(
                                    new KeyBatch(dune.collection(), List.of("a1", "dune", "zz")),
                                    false)))
                    .compose(
                        many -> {
                          ctx.verify(
                              () -> {
                                assertThat(many.found()).containsOnlyKeys("a1", "dune");
                                assertThat(many.missing()).containsExactly("zz");
                              });
                          return troupe.list(new ListDocs(dune.collection(), 10, null));
                        })
                    .compose(
                        page -> {
                          ctx.verify(
                              () ->
                                  assertThat(page.items())
                                      .extracting(d -> d.key().id())
                                      .containsExactly("a1", "a2", "dune"));
                          return troupe.delete(dune);
                        })
                    .compose(gone -> troupe.get(dune).transform(Future::succeededFuture))
                    .compose(
                        missing -> {
                          ctx.verify(
                              () ->
                                  assertThat(troupe(missing.cause()).code())
                                      .isEqualTo(ErrorCode.NOT_FOUND));
                          return deleted.future();
                        })
                    .eventually(troupe::close))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(changes)
                              .filteredOn(c -> c.key().equals(dune))
                              .extracting(DocChange::op, DocChange::version)
                              .containsExactly(
                                  org.assertj.core.groups.Tuple.tuple(DocChange.PUT, 1L),
                                  org.assertj.core.groups.Tuple.tuple(DocChange.PUT, 2L),
                                  org.assertj.core.groups.Tuple.tuple(DocChange.DELETE, 3L));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a wrong key fails connect UNAUTHORIZED; a reader's write is FORBIDDEN; jobs, outside the default allowlist, are FORBIDDEN")
  void refusals(Vertx vertx, VertxTestContext ctx) {
    TroupeClient.connect(options("not-a-key"))
        .transform(Future::succeededFuture)
        .compose(
            wrong -> {
              ctx.verify(
                  () -> {
                    assertThat(troupe(wrong.cause()).code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                  });
              return TroupeClient.connect(options(READER));
            })
        .compose(
            reader ->
                reader
                    .put(DocKey.of("bridged-client", "x"), new JsonObject())
                    .transform(Future::succeededFuture)
                    .compose(
                        write -> {
                          ctx.verify(
                              () -> {
                                assertThat(troupe(write.cause()).code())
                                    .isEqualTo(ErrorCode.FORBIDDEN);
                                assertThat(write.cause()).hasMessageContaining("docs:write");
                              });
                          return reader
                              .job("0123456789abcdef0123456789abcdef")
                              .transform(Future::succeededFuture);
                        })
                    .compose(
                        job -> {
                          ctx.verify(
                              () -> {
                                assertThat(troupe(job.cause()).code())
                                    .isEqualTo(ErrorCode.FORBIDDEN);
                                assertThat(job.cause())
                                    .hasMessageContaining("troupe.jobs.v1")
                                    .hasMessageContaining("TROUPE_BRIDGE_INBOUND");
                              });
                          // The connection still serves after its refusals.
                          return reader
                              .get(DocKey.of("bridged-client", "nobody"))
                              .transform(Future::succeededFuture);
                        })
                    .eventually(reader::close))
        .onComplete(
            ctx.succeeding(
                read ->
                    ctx.verify(
                        () -> {
                          assertThat(troupe(read.cause()).code()).isEqualTo(ErrorCode.NOT_FOUND);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a change feed resumes through the bridge with a read-only key: what was written while it was"
          + " away, then live, each change once and in order")
  void changeFeedResumes(Vertx vertx, VertxTestContext ctx) {
    String collection = "bridged-resume";
    List<DocChange> first = new CopyOnWriteArrayList<>();
    List<DocChange> resumed = new CopyOnWriteArrayList<>();
    Promise<Void> sawTwo = Promise.promise();
    Promise<Void> sawFour = Promise.promise();
    Future<TroupeClient> writer = TroupeClient.connect(options(WRITER));
    Future<TroupeClient> reader = TroupeClient.connect(options(READER));
    Future.all(writer, reader)
        .compose(
            both ->
                reader
                    .result()
                    .onChange(
                        0,
                        change -> {
                          if (change.key().collection().equals(collection)) {
                            first.add(change);
                            if (first.size() == 2) {
                              sawTwo.tryComplete();
                            }
                          }
                        })
                    .compose(
                        feed ->
                            put(writer.result(), collection, "d1")
                                .compose(v -> put(writer.result(), collection, "d2"))
                                .compose(v -> sawTwo.future())
                                .compose(v -> feed.cancel()))
                    // Away: d3 is written while no feed runs.
                    .compose(v -> put(writer.result(), collection, "d3"))
                    .compose(
                        v ->
                            reader
                                .result()
                                .onChange(
                                    first.get(0).seq(),
                                    change -> {
                                      if (change.key().collection().equals(collection)) {
                                        resumed.add(change);
                                        if (change.key().id().equals("d4")) {
                                          sawFour.tryComplete();
                                        }
                                      }
                                    }))
                    .compose(
                        feed ->
                            put(writer.result(), collection, "d4")
                                .compose(v -> sawFour.future())
                                .compose(v -> feed.cancel()))
                    .eventually(() -> Future.all(writer.result().close(), reader.result().close())))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(resumed)
                              .extracting(c -> c.key().id())
                              .containsExactly("d2", "d3", "d4");
                          assertThat(resumed).extracting(DocChange::seq).isSorted();
                          ctx.completeNow();
                        })));
  }

  private static Future<Void> put(TroupeClient troupe, String collection, String id) {
    return troupe.put(DocKey.of(collection, id), new JsonObject().put("id", id)).mapEmpty();
  }
}
