package dev.troupe.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.request.FakeService.Call;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.bus.InFlight;
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
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.ReadResult.CacheStatus;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pipeline against fake db and cache services on a plain Vert.x event bus. */
@ExtendWith(VertxExtension.class)
class DocumentPipelineTest {
  private static final DocKey KEY = DocKey.of("notes", "n-1");
  private static final String RID = "rid-42";

  /**
   * The cache deadline of the pipeline that tests a silent cache; short, since those tests wait it
   * out.
   */
  private static final long SHORT_CACHE_TIMEOUT_MS = 200;

  private static final JsonObject STORED = new JsonObject().put("stored", true);

  private SimpleMeterRegistry registry;
  private FakeService db;
  private FakeService cache;
  private DocumentPipeline pipeline;

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext ctx) {
    registry = new SimpleMeterRegistry();
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
    // A generous cache deadline, so a slow machine never turns an answering fake into a timeout.
    pipeline =
        new DocumentPipeline(
            CallPolicy.of(vertx, "db", 5000, registry),
            CallPolicy.of(vertx, "cache", 5000, registry),
            registry);
    db.register(vertx).compose(v -> cache.register(vertx)).onComplete(ctx.succeedingThenComplete());
  }

  private static Document doc(long version, JsonObject data) {
    return new Document(KEY, version, Instant.parse("2024-01-02T03:04:05.678Z"), data);
  }

  private static JsonObject cacheHit(Lookup lookup) {
    return CacheWire.toJson(CacheLookup.of(lookup));
  }

  private static JsonObject cacheMiss() {
    return CacheWire.toJson(CacheLookup.MISS);
  }

  /** The pipeline with a short cache deadline, for the tests in which the cache never answers. */
  private void useShortCacheDeadline(Vertx vertx) {
    pipeline =
        new DocumentPipeline(
            CallPolicy.of(vertx, "db", 5000, registry),
            CallPolicy.of(vertx, "cache", SHORT_CACHE_TIMEOUT_MS, registry),
            registry);
  }

  private double cacheFaults() {
    return registry.get("troupe_request_cache_faults").counter().count();
  }

  /** Waits until both fakes have received everything sent to them so far. */
  private Future<Void> drained(Vertx vertx) {
    return db.drained(vertx).compose(v -> cache.drained(vertx));
  }

  private static List<String> actions(List<Call> calls) {
    return calls.stream().map(Call::action).toList();
  }

  // ---- reads
  // -------------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "with every db-read slot taken by misses waiting for the database, another miss is shed (OVERLOADED) and a cache hit is still answered")
  void dbReadBulkhead(Vertx vertx, VertxTestContext ctx) {
    DocKey cold = DocKey.of(KEY.collection(), "cold");
    DocKey colder = DocKey.of(KEY.collection(), "colder");
    Document cached = doc(3, new JsonObject().put("from", "cache"));
    // A registry of its own: the node-wide bulkhead of setUp's registry is already there,
    // unbounded.
    SimpleMeterRegistry node = new SimpleMeterRegistry();
    InFlight dbReads = InFlight.of("request", "db-read", 1, node);
    pipeline =
        new DocumentPipeline(
            CallPolicy.of(vertx, "db", 5000, node),
            CallPolicy.of(vertx, "cache", 5000, node),
            dbReads,
            node);
    cache.answer(
        CacheContract.GET.name(),
        body ->
            Future.succeededFuture(
                DocWire.docKey(body).equals(KEY) ? cacheHit(Lookup.found(cached)) : cacheMiss()));
    Promise<Void> waiting = Promise.promise();
    db.answer(
        DbContract.GET.name(),
        body -> {
          waiting.tryComplete();
          return Promise.<JsonObject>promise().future();
        });

    pipeline.get(cold, RID);
    waiting
        .future()
        .compose(v -> FakeService.failureOf(pipeline.get(colder, RID)))
        .compose(
            shed -> {
              ctx.verify(
                  () -> {
                    assertThat(Failures.code(shed)).isEqualTo(ErrorCode.OVERLOADED);
                    assertThat(shed).hasMessageContaining("db-read");
                  });
              return pipeline.get(KEY, RID);
            })
        .onComplete(
            ctx.succeeding(
                hit ->
                    ctx.verify(
                        () -> {
                          assertThat(hit).isEqualTo(new ReadResult(cached, CacheStatus.HIT));
                          assertThat(dbReads.current()).isEqualTo(1);
                          assertThat(db.calls(DbContract.GET.name()))
                              .as("only the first miss reached the database")
                              .hasSize(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a cache hit is answered from the cache (HIT) without calling the database")
  void cacheHit(Vertx vertx, VertxTestContext ctx) {
    Document cached = doc(3, new JsonObject().put("from", "cache"));
    cache.reply(CacheContract.GET.name(), cacheHit(Lookup.found(cached)));
    Checkpoint answered = ctx.checkpoint();
    Checkpoint dbUntouched = ctx.checkpoint();

    pipeline
        .get(KEY, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new ReadResult(cached, CacheStatus.HIT));
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls()).isEmpty();
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(CacheContract.GET.name(), DocWire.toJson(KEY), RID));
                          assertThat(cacheFaults()).isZero();
                          dbUntouched.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a cache miss reads the database, fills the cache with the database's lookup, and answers MISS")
  void cacheMiss(Vertx vertx, VertxTestContext ctx) {
    Document stored = doc(5, new JsonObject().put("from", "db"));
    cache.reply(CacheContract.GET.name(), cacheMiss()).reply(CacheContract.FILL.name(), STORED);
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(stored)));
    Checkpoint answered = ctx.checkpoint();
    Checkpoint filled = ctx.checkpoint();

    pipeline
        .get(KEY, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new ReadResult(stored, CacheStatus.MISS));
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls())
                              .containsExactly(
                                  new Call(DbContract.GET.name(), DocWire.toJson(KEY), RID));
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(CacheContract.GET.name(), DocWire.toJson(KEY), RID),
                                  new Call(
                                      CacheContract.FILL.name(),
                                      CacheWire.toJson(Lookup.found(stored)),
                                      RID));
                          assertThat(cacheFaults()).isZero();
                          filled.flag();
                        })));
  }

  @Test
  @DisplayName("a cached absence is NOT_FOUND without calling the database")
  void cachedAbsence(Vertx vertx, VertxTestContext ctx) {
    cache.reply(CacheContract.GET.name(), cacheHit(Lookup.absent(KEY, 4)));
    Checkpoint notFound = ctx.checkpoint();
    Checkpoint dbUntouched = ctx.checkpoint();

    FakeService.failureOf(pipeline.get(KEY, RID))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertThat(Failures.code(failure)).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(failure).isInstanceOf(TroupeException.class);
                    notFound.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls()).isEmpty();
                          assertThat(actions(cache.calls()))
                              .containsExactly(CacheContract.GET.name());
                          dbUntouched.flag();
                        })));
  }

  @Test
  @DisplayName(
      "an absence read from the database is NOT_FOUND and is filled into the cache at its version (negative caching)")
  void negativeCaching(Vertx vertx, VertxTestContext ctx) {
    Lookup absence = Lookup.absent(KEY, 3);
    cache.reply(CacheContract.GET.name(), cacheMiss()).reply(CacheContract.FILL.name(), STORED);
    db.reply(DbContract.GET.name(), CacheWire.toJson(absence));
    Checkpoint notFound = ctx.checkpoint();
    Checkpoint absenceFilled = ctx.checkpoint();

    FakeService.failureOf(pipeline.get(KEY, RID))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertThat(Failures.code(failure)).isEqualTo(ErrorCode.NOT_FOUND);
                    notFound.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(actions(db.calls())).containsExactly(DbContract.GET.name());
                          assertThat(cache.calls(CacheContract.FILL.name()))
                              .containsExactly(
                                  new Call(
                                      CacheContract.FILL.name(), CacheWire.toJson(absence), RID));
                          absenceFilled.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a failing cache get falls back to the database (BYPASS), counts a cache fault and does not fill")
  void cacheGetFails(Vertx vertx, VertxTestContext ctx) {
    Document stored = doc(2, new JsonObject().put("from", "db"));
    cache
        .fail(CacheContract.GET.name(), ErrorCode.UNAVAILABLE)
        .reply(CacheContract.FILL.name(), STORED);
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(stored)));
    assertBypass(vertx, ctx, stored, List.of(CacheContract.GET.name()));
  }

  @Test
  @DisplayName(
      "a cache get that does not answer within the cache deadline falls back to the database (BYPASS), counts a fault and does not fill")
  void cacheGetTimesOut(Vertx vertx, VertxTestContext ctx) {
    Document stored = doc(2, new JsonObject().put("from", "db"));
    useShortCacheDeadline(vertx);
    cache.silent(CacheContract.GET.name()).reply(CacheContract.FILL.name(), STORED);
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(stored)));
    assertBypass(vertx, ctx, stored, List.of(CacheContract.GET.name()));
  }

  @Test
  @DisplayName(
      "a cache get answered with a malformed body falls back to the database (BYPASS) and counts a fault")
  void cacheGetMalformed(Vertx vertx, VertxTestContext ctx) {
    Document stored = doc(2, new JsonObject().put("from", "db"));
    cache
        .reply(CacheContract.GET.name(), new JsonObject().put("hit", "maybe"))
        .reply(CacheContract.FILL.name(), STORED);
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(stored)));
    assertBypass(vertx, ctx, stored, List.of(CacheContract.GET.name()));
  }

  @Test
  @DisplayName(
      "with no cache-service consuming at all, reads come from the database (BYPASS) and count a fault")
  void noCacheService(Vertx vertx, VertxTestContext ctx) {
    Document stored = doc(6, new JsonObject().put("from", "db"));
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(stored)));
    Checkpoint answered = ctx.checkpoint();

    cache
        .unregister()
        .compose(v -> pipeline.get(KEY, RID))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result).isEqualTo(new ReadResult(stored, CacheStatus.BYPASS));
                          assertThat(actions(db.calls())).containsExactly(DbContract.GET.name());
                          assertThat(cache.calls()).isEmpty();
                          assertThat(cacheFaults()).isEqualTo(1.0);
                          answered.flag();
                        })));
  }

  private void assertBypass(
      Vertx vertx, VertxTestContext ctx, Document stored, List<String> cacheActions) {
    Checkpoint answered = ctx.checkpoint();
    Checkpoint noFill = ctx.checkpoint();
    pipeline
        .get(KEY, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new ReadResult(stored, CacheStatus.BYPASS));
                    assertThat(cacheFaults()).isEqualTo(1.0);
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls())
                              .containsExactly(
                                  new Call(DbContract.GET.name(), DocWire.toJson(KEY), RID));
                          assertThat(actions(cache.calls()))
                              .containsExactlyElementsOf(cacheActions);
                          noFill.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a read whose cache fill fails still answers MISS, evicts the key and counts a fault")
  void readFillFails(Vertx vertx, VertxTestContext ctx) {
    Document stored = doc(5, new JsonObject());
    cache
        .reply(CacheContract.GET.name(), cacheMiss())
        .fail(CacheContract.FILL.name(), ErrorCode.UNAVAILABLE)
        .reply(CacheContract.EVICT.name(), new JsonObject());
    db.reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(stored)));
    Checkpoint answered = ctx.checkpoint();
    Checkpoint evicted = ctx.checkpoint();

    pipeline
        .get(KEY, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new ReadResult(stored, CacheStatus.MISS));
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(actions(cache.calls()))
                              .containsExactly(
                                  CacheContract.GET.name(),
                                  CacheContract.FILL.name(),
                                  CacheContract.EVICT.name());
                          assertThat(cache.calls(CacheContract.EVICT.name()))
                              .containsExactly(
                                  new Call(CacheContract.EVICT.name(), DocWire.toJson(KEY), RID));
                          assertThat(cacheFaults()).isEqualTo(1.0);
                          evicted.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a database failure on a read after a cache miss propagates with its code and fills nothing")
  void readDbFails(Vertx vertx, VertxTestContext ctx) {
    cache.reply(CacheContract.GET.name(), cacheMiss()).reply(CacheContract.FILL.name(), STORED);
    db.fail(DbContract.GET.name(), ErrorCode.UNAVAILABLE);
    Checkpoint failed = ctx.checkpoint();
    Checkpoint noFill = ctx.checkpoint();

    FakeService.failureOf(pipeline.get(KEY, RID))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertThat(Failures.code(failure)).isEqualTo(ErrorCode.UNAVAILABLE);
                    failed.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(actions(cache.calls()))
                              .containsExactly(CacheContract.GET.name());
                          noFill.flag();
                        })));
  }

  // ---- writes
  // ------------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "put commits to the database, then fills the cache with the committed document, then answers the PutResult")
  void putWritesThrough(Vertx vertx, VertxTestContext ctx) {
    PutDoc put = new PutDoc(KEY, new JsonObject().put("title", "new"), Precondition.ifMatch(6));
    Document committed = doc(7, put.data());
    db.reply(DbContract.PUT.name(), DocWire.toJson(new PutResult(committed, false)));
    cache.reply(CacheContract.FILL.name(), STORED);
    Checkpoint answered = ctx.checkpoint();
    Checkpoint filled = ctx.checkpoint();

    pipeline
        .put(put, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new PutResult(committed, false));
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls())
                              .containsExactly(
                                  new Call(DbContract.PUT.name(), DocWire.toJson(put), RID));
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(
                                      CacheContract.FILL.name(),
                                      CacheWire.toJson(Lookup.found(committed)),
                                      RID));
                          assertThat(cacheFaults()).isZero();
                          filled.flag();
                        })));
  }

  @Test
  @DisplayName("put answers only after the cache fill has answered")
  void putWaitsForTheFill(Vertx vertx, VertxTestContext ctx) {
    PutDoc put = new PutDoc(KEY, new JsonObject(), Precondition.NONE);
    Document committed = doc(1, put.data());
    db.reply(DbContract.PUT.name(), DocWire.toJson(new PutResult(committed, true)));
    AtomicBoolean fillAnswered = new AtomicBoolean();
    cache.answer(
        CacheContract.FILL.name(),
        body ->
            vertx
                .timer(50)
                .map(
                    t -> {
                      fillAnswered.set(true);
                      return STORED;
                    }));
    Checkpoint answered = ctx.checkpoint();

    pipeline
        .put(put, RID)
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.created()).isTrue();
                          assertThat(fillAnswered).isTrue();
                          assertThat(cacheFaults()).isZero();
                          answered.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a put whose cache fill fails still succeeds, after evicting the key and counting a fault")
  void putFillFails(Vertx vertx, VertxTestContext ctx) {
    PutDoc put = new PutDoc(KEY, new JsonObject().put("v", 1), Precondition.NONE);
    Document committed = doc(1, put.data());
    db.reply(DbContract.PUT.name(), DocWire.toJson(new PutResult(committed, true)));
    cache
        .fail(CacheContract.FILL.name(), ErrorCode.UNAVAILABLE)
        .reply(CacheContract.EVICT.name(), new JsonObject());
    Checkpoint answered = ctx.checkpoint();
    Checkpoint evicted = ctx.checkpoint();

    pipeline
        .put(put, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new PutResult(committed, true));
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(
                                      CacheContract.FILL.name(),
                                      CacheWire.toJson(Lookup.found(committed)),
                                      RID),
                                  new Call(CacheContract.EVICT.name(), DocWire.toJson(KEY), RID));
                          assertThat(cacheFaults()).isEqualTo(1.0);
                          evicted.flag();
                        })));
  }

  @Test
  @DisplayName("a put still succeeds when both the cache fill and the evict fail")
  void putFillAndEvictFail(VertxTestContext ctx) {
    PutDoc put = new PutDoc(KEY, new JsonObject().put("v", 1), Precondition.NONE);
    Document committed = doc(1, put.data());
    db.reply(DbContract.PUT.name(), DocWire.toJson(new PutResult(committed, true)));
    cache
        .fail(CacheContract.FILL.name(), ErrorCode.UNAVAILABLE)
        .fail(CacheContract.EVICT.name(), ErrorCode.INTERNAL);

    pipeline
        .put(put, RID)
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result).isEqualTo(new PutResult(committed, true));
                          assertThat(actions(cache.calls()))
                              .containsExactly(
                                  CacheContract.FILL.name(), CacheContract.EVICT.name());
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a put still succeeds when the cache answers neither the fill nor the evict within its deadline")
  void putFillAndEvictTimeOut(Vertx vertx, VertxTestContext ctx) {
    useShortCacheDeadline(vertx);
    PutDoc put = new PutDoc(KEY, new JsonObject().put("v", 1), Precondition.NONE);
    Document committed = doc(1, put.data());
    db.reply(DbContract.PUT.name(), DocWire.toJson(new PutResult(committed, true)));
    cache.silent(CacheContract.FILL.name()).silent(CacheContract.EVICT.name());

    pipeline
        .put(put, RID)
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result).isEqualTo(new PutResult(committed, true));
                          assertThat(actions(cache.calls()))
                              .containsExactly(
                                  CacheContract.FILL.name(), CacheContract.EVICT.name());
                          assertThat(cacheFaults()).isEqualTo(1.0);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a put still succeeds when no cache-service is consuming at all")
  void putWithoutCacheService(VertxTestContext ctx) {
    PutDoc put = new PutDoc(KEY, new JsonObject().put("v", 1), Precondition.NONE);
    Document committed = doc(1, put.data());
    db.reply(DbContract.PUT.name(), DocWire.toJson(new PutResult(committed, true)));

    cache
        .unregister()
        .compose(v -> pipeline.put(put, RID))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result).isEqualTo(new PutResult(committed, true));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "delete commits to the database, then fills the cache with the absence at the delete's version")
  void deleteWritesThrough(Vertx vertx, VertxTestContext ctx) {
    DeleteDoc delete = new DeleteDoc(KEY, Precondition.ifMatch(7));
    db.reply(DbContract.DELETE.name(), DocWire.toJson(new DeleteResult(KEY, 8)));
    cache.reply(CacheContract.FILL.name(), STORED);
    Checkpoint answered = ctx.checkpoint();
    Checkpoint filled = ctx.checkpoint();

    pipeline
        .delete(delete, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new DeleteResult(KEY, 8));
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls())
                              .containsExactly(
                                  new Call(DbContract.DELETE.name(), DocWire.toJson(delete), RID));
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(
                                      CacheContract.FILL.name(),
                                      CacheWire.toJson(Lookup.absent(KEY, 8)),
                                      RID));
                          filled.flag();
                        })));
  }

  @Test
  @DisplayName("a delete whose cache fill fails still succeeds after evicting the key")
  void deleteFillFails(Vertx vertx, VertxTestContext ctx) {
    db.reply(DbContract.DELETE.name(), DocWire.toJson(new DeleteResult(KEY, 2)));
    cache
        .fail(CacheContract.FILL.name(), ErrorCode.UNAVAILABLE)
        .reply(CacheContract.EVICT.name(), new JsonObject());
    Checkpoint answered = ctx.checkpoint();
    Checkpoint evicted = ctx.checkpoint();

    pipeline
        .delete(new DeleteDoc(KEY, Precondition.NONE), RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(new DeleteResult(KEY, 2));
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(actions(cache.calls()))
                              .containsExactly(
                                  CacheContract.FILL.name(), CacheContract.EVICT.name());
                          assertThat(cacheFaults()).isEqualTo(1.0);
                          evicted.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a put rejected by the database with PRECONDITION_FAILED fails with that code and evicts the key, which may hold the stale version the client read")
  void putPreconditionFailed(Vertx vertx, VertxTestContext ctx) {
    db.fail(DbContract.PUT.name(), ErrorCode.PRECONDITION_FAILED);
    cache
        .reply(CacheContract.FILL.name(), STORED)
        .reply(CacheContract.EVICT.name(), new JsonObject());
    Checkpoint failed = ctx.checkpoint();
    Checkpoint evicted = ctx.checkpoint();

    FakeService.failureOf(
            pipeline.put(new PutDoc(KEY, new JsonObject(), Precondition.ifMatch(1)), RID))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    // The database's answer keeps its code and text; the pipeline names the stage
                    // it came from.
                    assertThat(Failures.code(failure)).isEqualTo(ErrorCode.PRECONDITION_FAILED);
                    assertThat(failure).hasMessage("fake put failure");
                    assertThat(Failures.stage(failure)).isEqualTo(Stages.DB);
                    failed.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(CacheContract.EVICT.name(), DocWire.toJson(KEY), RID));
                          evicted.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a put whose database call times out fails with TIMEOUT and evicts the key: the write may have been committed")
  void putTimeoutEvicts(Vertx vertx, VertxTestContext ctx) {
    pipeline =
        new DocumentPipeline(
            CallPolicy.of(vertx, "db", SHORT_CACHE_TIMEOUT_MS, registry),
            CallPolicy.of(vertx, "cache", 5000, registry),
            registry);
    db.silent(DbContract.PUT.name());
    cache
        .reply(CacheContract.FILL.name(), STORED)
        .reply(CacheContract.EVICT.name(), new JsonObject());
    Checkpoint failed = ctx.checkpoint();
    Checkpoint evicted = ctx.checkpoint();

    FakeService.failureOf(
            pipeline.put(new PutDoc(KEY, new JsonObject(), Precondition.ifMatch(1)), RID))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertThat(Failures.code(failure)).isEqualTo(ErrorCode.TIMEOUT);
                    failed.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(CacheContract.EVICT.name(), DocWire.toJson(KEY), RID));
                          evicted.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a put that fails with a fault still fails with that fault when the evict after it fails too")
  void putFaultAndEvictFail(Vertx vertx, VertxTestContext ctx) {
    db.fail(DbContract.PUT.name(), ErrorCode.UNAVAILABLE);
    cache.fail(CacheContract.EVICT.name(), ErrorCode.UNAVAILABLE);

    FakeService.failureOf(pipeline.put(new PutDoc(KEY, new JsonObject(), Precondition.NONE), RID))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(failure)).isEqualTo(ErrorCode.UNAVAILABLE);
                          assertThat(failure).hasMessage("fake put failure");
                          assertThat(Failures.stage(failure)).isEqualTo(Stages.DB);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a delete rejected by the database with NOT_FOUND fails with that code and leaves the cache alone")
  void deleteNotFound(Vertx vertx, VertxTestContext ctx) {
    db.fail(DbContract.DELETE.name(), ErrorCode.NOT_FOUND);
    cache
        .reply(CacheContract.FILL.name(), STORED)
        .reply(CacheContract.EVICT.name(), new JsonObject());
    Checkpoint failed = ctx.checkpoint();
    Checkpoint cacheUntouched = ctx.checkpoint();

    FakeService.failureOf(pipeline.delete(new DeleteDoc(KEY, Precondition.NONE), RID))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertThat(Failures.code(failure)).isEqualTo(ErrorCode.NOT_FOUND);
                    failed.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cache.calls()).isEmpty();
                          cacheUntouched.flag();
                        })));
  }

  // ---- list
  // --------------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "list passes straight to the database and answers its page, without touching the cache")
  void listPassesThrough(Vertx vertx, VertxTestContext ctx) {
    ListDocs list = new ListDocs("notes", 2, "a");
    DocPage page =
        new DocPage(
            List.of(
                doc(1, new JsonObject().put("i", 1)),
                new Document(
                    DocKey.of("notes", "n-2"),
                    4,
                    Instant.parse("2024-01-02T03:04:05Z"),
                    new JsonObject())),
            "n-2");
    db.reply(DbContract.LIST.name(), DocWire.toJson(page));
    Checkpoint answered = ctx.checkpoint();
    Checkpoint cacheUntouched = ctx.checkpoint();

    pipeline
        .list(list, RID)
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result).isEqualTo(page);
                    answered.flag();
                  });
              return drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls())
                              .containsExactly(
                                  new Call(DbContract.LIST.name(), DocWire.toJson(list), RID));
                          assertThat(cache.calls()).isEmpty();
                          cacheUntouched.flag();
                        })));
  }

  @Test
  @DisplayName("a list failure from the database propagates with its code")
  void listFails(VertxTestContext ctx) {
    db.fail(DbContract.LIST.name(), ErrorCode.TIMEOUT);
    FakeService.failureOf(pipeline.list(new ListDocs("notes", 10, null), RID))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(Failures.code(failure)).isEqualTo(ErrorCode.TIMEOUT);
                          ctx.completeNow();
                        })));
  }
}
