package dev.troupe.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.request.FakeService.Call;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.ReadDoc;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.ReadResult.CacheStatus;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.StoredDoc;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * request-service deployed by name on a single-node loopback cluster (it takes its metrics registry
 * from the node), with fake db and cache services, spoken to over the event bus.
 */
@ExtendWith(VertxExtension.class)
class RequestVerticleTest {
  private static final DocKey KEY = DocKey.of("notes", "n-1");
  private static final String RID = "rid-verticle";
  private static final Document DOC =
      new Document(
          KEY,
          3,
          Instant.parse("2024-05-06T07:08:09.010Z"),
          new JsonObject().put("title", "hello"));

  private static NodeRuntime node;

  private Vertx vertx;
  private FakeService db;
  private FakeService cache;

  @BeforeAll
  static void startNode(VertxTestContext ctx) {
    Settings settings =
        LoopbackCluster.create()
            .nodeSettings("request", null, Map.of("TROUPE_CACHE_TIMEOUT_MS", "1000"));
    ClusterBootstrap.start(settings)
        .compose(
            runtime -> {
              node = runtime;
              return runtime
                  .vertx()
                  .deployVerticle(
                      RequestVerticle.class.getName(),
                      new DeploymentOptions().setConfig(settings.toJson()).setInstances(2));
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @AfterAll
  static void stopNode(VertxTestContext ctx) {
    Future<Void> closed = node == null ? Future.succeededFuture() : ClusterBootstrap.close(node);
    closed.onComplete(ctx.succeedingThenComplete());
  }

  @BeforeEach
  void registerFakes(VertxTestContext ctx) {
    vertx = node.vertx();
    db =
        new FakeService(
            DbContract.ADDRESS,
            DbContract.GET.name(),
            DbContract.PUT.name(),
            DbContract.DELETE.name(),
            DbContract.LIST.name());
    cache =
        new FakeService(
            CacheContract.ADDRESS,
            CacheContract.GET.name(),
            CacheContract.FILL.name(),
            CacheContract.EVICT.name());
    db.register(vertx).compose(v -> cache.register(vertx)).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void unregisterFakes(VertxTestContext ctx) {
    db.unregister().compose(v -> cache.unregister()).onComplete(ctx.succeedingThenComplete());
  }

  private double cacheFaults() {
    return node.registry().get("troupe_request_cache_faults").counter().count();
  }

  private static Future<JsonObject> call(Vertx vertx, String action, JsonObject body) {
    return new Bus(vertx, 5000).request(RequestContract.ADDRESS, action, body, RID);
  }

  private static void assertReplyFailure(Throwable failure, ErrorCode code) {
    assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failure;
    assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(reply.failureCode()).as("failure code of %s", reply).isEqualTo(code.code());
  }

  @Test
  @DisplayName(
      "get on the request address answers the ReadResult, passing the caller's request id to the services")
  void get(VertxTestContext ctx) {
    cache
        .reply(CacheContract.GET.name(), CacheWire.toJson(CacheLookup.MISS))
        .reply(CacheContract.FILL.name(), new JsonObject());
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(DOC)));
    call(vertx, RequestContract.GET.name(), DocWire.toJson(KEY))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply)
                              .isEqualTo(DocWire.toJson(new ReadResult(DOC, CacheStatus.MISS)));
                          assertThat(db.calls())
                              .containsExactly(
                                  new Call(DbContract.GET.name(), DocWire.toJson(KEY), RID));
                          assertThat(cache.calls()).extracting(Call::requestId).containsOnly(RID);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "an encoded get of a cache hit answers the cached envelope text character for character, unparsed")
  void encodedHitPassesTheTextThrough(VertxTestContext ctx) {
    // Spacing no encoder writes: it survives only if no hop parses and encodes the text again.
    String text = DocWire.toJson(DOC).encodePrettily();
    cache.reply(
        CacheContract.GET.name(),
        CacheWire.toJson(CacheLookup.found(new StoredDoc(DOC.version(), text))));
    call(vertx, RequestContract.GET.name(), DocWire.toJson(new ReadDoc(KEY, true)))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply.getValue("envelope")).isEqualTo(text);
                          assertThat(reply.getLong("version")).isEqualTo(DOC.version());
                          assertThat(reply.getString("cache")).isEqualTo("HIT");
                          assertThat(db.calls()).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a read that bypasses a failing cache counts the fault in the node's metrics registry")
  void cacheFaultCountedInNodeRegistry(VertxTestContext ctx) {
    cache.silent(CacheContract.GET.name());
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(DOC)));
    double before = cacheFaults();
    call(vertx, RequestContract.GET.name(), DocWire.toJson(KEY))
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(DocWire.readResult(reply).cache())
                              .isEqualTo(CacheStatus.BYPASS);
                          assertThat(cacheFaults()).isEqualTo(before + 1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("get of an absent document is a NOT_FOUND reply failure")
  void getAbsent(VertxTestContext ctx) {
    cache.reply(CacheContract.GET.name(), CacheWire.toJson(CacheLookup.of(Lookup.absent(KEY, 2))));
    FakeService.failureOf(call(vertx, RequestContract.GET.name(), DocWire.toJson(KEY)))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertReplyFailure(failure, ErrorCode.NOT_FOUND);
                          assertThat(db.calls()).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "put answers the PutResult; a PRECONDITION_FAILED from the database comes back with the same failure code")
  void putAndPreconditionFailure(VertxTestContext ctx) {
    PutDoc put = new PutDoc(KEY, DOC.data(), Precondition.ifMatch(2));
    db.reply(DbContract.PUT.name(), DocWire.toJson(new PutResult(DOC, false)));
    cache.reply(CacheContract.FILL.name(), new JsonObject());
    Checkpoint written = ctx.checkpoint();
    Checkpoint rejected = ctx.checkpoint();

    call(vertx, RequestContract.PUT.name(), DocWire.toJson(put))
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(DocWire.toJson(new PutResult(DOC, false)));
                    assertThat(db.calls())
                        .containsExactly(new Call(DbContract.PUT.name(), DocWire.toJson(put), RID));
                    written.flag();
                  });
              db.fail(DbContract.PUT.name(), ErrorCode.PRECONDITION_FAILED);
              return FakeService.failureOf(
                  call(vertx, RequestContract.PUT.name(), DocWire.toJson(put)));
            })
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertReplyFailure(failure, ErrorCode.PRECONDITION_FAILED);
                          rejected.flag();
                        })));
  }

  @Test
  @DisplayName("delete answers the DeleteResult and list answers the database's page")
  void deleteAndList(VertxTestContext ctx) {
    DocPage page = new DocPage(List.of(DOC), null);
    ListDocs list = new ListDocs("notes", 5, null);
    db.reply(DbContract.DELETE.name(), DocWire.toJson(new DeleteResult(KEY, 4)))
        .reply(DbContract.LIST.name(), DocWire.toJson(page));
    cache.reply(CacheContract.FILL.name(), new JsonObject());
    Checkpoint deleted = ctx.checkpoint();
    Checkpoint listed = ctx.checkpoint();

    call(
            vertx,
            RequestContract.DELETE.name(),
            DocWire.toJson(new DeleteDoc(KEY, Precondition.NONE)))
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(DocWire.toJson(new DeleteResult(KEY, 4)));
                    deleted.flag();
                  });
              return call(vertx, RequestContract.LIST.name(), DocWire.toJson(list));
            })
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo(DocWire.toJson(page));
                          assertThat(db.calls(DbContract.LIST.name()))
                              .containsExactly(
                                  new Call(DbContract.LIST.name(), DocWire.toJson(list), RID));
                          listed.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a request with an invalid key is a BAD_REQUEST reply failure and reaches neither the cache nor the database")
  void invalidKey(VertxTestContext ctx) {
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint untouched = ctx.checkpoint();
    JsonObject badKey = new JsonObject().put("collection", "Not Valid").put("id", "n-1");
    FakeService.failureOf(call(vertx, RequestContract.GET.name(), badKey))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                    rejected.flag();
                  });
              return db.drained(vertx).compose(v -> cache.drained(vertx));
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls()).isEmpty();
                          assertThat(cache.calls()).isEmpty();
                          untouched.flag();
                        })));
  }

  @Test
  @DisplayName("an unknown action is a BAD_REQUEST reply failure")
  void unknownAction(VertxTestContext ctx) {
    FakeService.failureOf(call(vertx, "frobnicate", DocWire.toJson(KEY)))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                          ctx.completeNow();
                        })));
  }
}
