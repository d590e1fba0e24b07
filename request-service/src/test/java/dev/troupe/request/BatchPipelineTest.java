package dev.troupe.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.troupe.request.FakeService.Call;
import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.BatchWire;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.CachedLookups;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutMany;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batch reads ({@code getMany}) and writes ({@code putMany}) against fake db and cache services.
 */
@ExtendWith(VertxExtension.class)
class BatchPipelineTest {
  private static final String RID = "rid-7";
  private static final PutMany PUT =
      new PutMany(
          "notes",
          List.of(
              new PutMany.Item("a", new JsonObject().put("n", 1), Precondition.NONE),
              new PutMany.Item("b", new JsonObject().put("n", 2), Precondition.ifMatch(3))),
          null);
  private static final JsonObject KEYS = BatchWire.toJson(new KeyBatch("notes", List.of("a", "b")));

  private SimpleMeterRegistry registry;
  private FakeService db;
  private FakeService cache;

  @BeforeEach
  void setUp(Vertx vertx, VertxTestContext ctx) {
    registry = new SimpleMeterRegistry();
    db =
        new FakeService(DbContract.ADDRESS, DbContract.PUT_MANY.name(), DbContract.GET_MANY.name());
    cache =
        new FakeService(
            CacheContract.ADDRESS,
            CacheContract.GET_MANY.name(),
            CacheContract.FILL_MANY.name(),
            CacheContract.EVICT_MANY.name());
    db.register(vertx).compose(v -> cache.register(vertx)).onComplete(ctx.succeedingThenComplete());
  }

  private BatchPipeline pipeline(Vertx vertx, long dbTimeoutMs) {
    return pipeline(vertx, dbTimeoutMs, 5000);
  }

  private BatchPipeline pipeline(Vertx vertx, long dbTimeoutMs, long cacheTimeoutMs) {
    return new BatchPipeline(
        CallPolicy.of(vertx, "db", dbTimeoutMs, registry),
        CallPolicy.of(vertx, "cache", cacheTimeoutMs, registry),
        RequestConfig.from(Settings.empty()),
        registry);
  }

  @Test
  @DisplayName(
      "a sub-batch's cache read may outlast the cache timeout, up to half the batch deadline, before the database is asked")
  void slowCacheReadIsWaitedFor(Vertx vertx, VertxTestContext ctx) {
    Document doc =
        new Document(
            DocKey.of("notes", "a"), 1, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject());
    // Answers after three cache timeouts (3 x 100 ms), well inside half the default 5 s batch
    // deadline.
    cache.answer(
        CacheContract.GET_MANY.name(),
        body -> {
          Promise<JsonObject> later = Promise.promise();
          vertx.setTimer(
              300,
              t ->
                  later.complete(
                      CacheWire.toJson(
                          new CachedLookups(Map.of("a", DocWire.toJson(doc).encode()), Map.of()))));
          return later.future();
        });

    pipeline(vertx, 5000, 100)
        .getMany(new MultiGet(new KeyBatch("notes", List.of("a")), false), RID)
        .compose(
            result -> {
              ctx.verify(() -> assertThat(result.found()).containsOnlyKeys("a"));
              return db.drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls()).as("no database read").isEmpty();
                          assertThat(registry.get("troupe_request_cache_faults").counter().count())
                              .isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "an encoded getMany passes the cache's envelope text through untouched and encodes what the database read")
  void encodedPassesCachedTextThrough(Vertx vertx, VertxTestContext ctx) {
    Document fromDb =
        new Document(
            DocKey.of("notes", "b"),
            4,
            Instant.parse("2026-01-02T00:00:00Z"),
            new JsonObject().put("n", 2));
    // Not how cache-service would encode it (extra spaces): proof that the text is not re-encoded.
    String cachedText =
        "{ \"collection\":\"notes\",\"id\":\"a\",\"version\":3,\"updatedAt\":\"2026-01-01T00:00:00Z\",\"data\":{} }";
    cache.reply(
        CacheContract.GET_MANY.name(),
        CacheWire.toJson(new CachedLookups(Map.of("a", cachedText), Map.of("gone", 5L))));
    cache.reply(CacheContract.FILL_MANY.name(), new JsonObject().put("stored", 1));
    db.reply(
        DbContract.GET_MANY.name(),
        BatchWire.toJson(
            new LookupBatch(
                List.of(Lookup.found(fromDb), Lookup.absent(DocKey.of("notes", "never"), 0)))));

    pipeline(vertx, 5000)
        .getManyEncoded(
            new MultiGet(new KeyBatch("notes", List.of("never", "a", "gone", "b")), false, true),
            RID)
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.found())
                              .as("found in the order asked")
                              .containsExactly(
                                  entry("a", cachedText),
                                  entry("b", DocWire.toJson(fromDb).encode()));
                          assertThat(result.missing()).containsExactly("never", "gone");
                          assertThat(db.calls())
                              .as("one database query, for the ids the cache did not hold")
                              .containsExactly(
                                  new Call(
                                      DbContract.GET_MANY.name(),
                                      BatchWire.toJson(
                                          new KeyBatch("notes", List.of("never", "b"))),
                                      RID));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a plain getMany answers the same read with documents parsed from the cache's text")
  void plainParsesCachedText(Vertx vertx, VertxTestContext ctx) {
    Document cached =
        new Document(
            DocKey.of("notes", "a"),
            3,
            Instant.parse("2026-01-01T00:00:00Z"),
            new JsonObject().put("n", 1));
    cache.reply(
        CacheContract.GET_MANY.name(),
        CacheWire.toJson(
            new CachedLookups(Map.of("a", DocWire.toJson(cached).encode()), Map.of("gone", 5L))));

    pipeline(vertx, 5000)
        .getMany(new MultiGet(new KeyBatch("notes", List.of("gone", "a")), false), RID)
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.found()).containsExactly(entry("a", cached));
                          assertThat(result.missing()).containsExactly("gone");
                          assertThat(db.calls())
                              .as("the cache held every id (one as an absence)")
                              .isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a cache-service of the build before (a LookupBatch answer) counts as a cache fault: the database answers")
  void earlierCacheAnswerFallsBackToTheDatabase(Vertx vertx, VertxTestContext ctx) {
    Document doc =
        new Document(
            DocKey.of("notes", "a"), 2, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject());
    cache.reply(
        CacheContract.GET_MANY.name(),
        BatchWire.toJson(new LookupBatch(List.of(Lookup.found(doc)))));
    db.reply(
        DbContract.GET_MANY.name(), BatchWire.toJson(new LookupBatch(List.of(Lookup.found(doc)))));

    pipeline(vertx, 5000)
        .getManyEncoded(new MultiGet(new KeyBatch("notes", List.of("a")), false, true), RID)
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.found())
                              .containsExactly(entry("a", DocWire.toJson(doc).encode()));
                          assertThat(db.calls()).hasSize(1);
                          assertThat(registry.get("troupe_request_cache_faults").counter().count())
                              .isEqualTo(1.0);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a batch write whose database call times out fails with TIMEOUT and evicts every key: it may have been committed")
  void timeoutEvictsTheBatch(Vertx vertx, VertxTestContext ctx) {
    db.silent(DbContract.PUT_MANY.name());
    cache.reply(CacheContract.EVICT_MANY.name(), new JsonObject());

    FakeService.failureOf(pipeline(vertx, 200).putMany(PUT, RID))
        .compose(
            failure -> {
              ctx.verify(() -> assertThat(Failures.code(failure)).isEqualTo(ErrorCode.TIMEOUT));
              return cache.drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(CacheContract.EVICT_MANY.name(), KEYS, RID));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a batch write refused with PRECONDITION_FAILED evicts every key, which may hold what the client read")
  void preconditionFailedEvictsTheBatch(Vertx vertx, VertxTestContext ctx) {
    db.fail(DbContract.PUT_MANY.name(), ErrorCode.PRECONDITION_FAILED);
    cache.fail(CacheContract.EVICT_MANY.name(), ErrorCode.UNAVAILABLE);

    FakeService.failureOf(pipeline(vertx, 5000).putMany(PUT, RID))
        .compose(
            failure -> {
              ctx.verify(
                  () ->
                      assertThat(Failures.code(failure))
                          .as("the write's failure, not the evict's")
                          .isEqualTo(ErrorCode.PRECONDITION_FAILED));
              return cache.drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cache.calls())
                              .containsExactly(
                                  new Call(CacheContract.EVICT_MANY.name(), KEYS, RID));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a batch write refused as invalid leaves the cache alone: nothing was written")
  void invalidLeavesTheCacheAlone(Vertx vertx, VertxTestContext ctx) {
    db.fail(DbContract.PUT_MANY.name(), ErrorCode.BAD_REQUEST);

    FakeService.failureOf(pipeline(vertx, 5000).putMany(PUT, RID))
        .compose(
            failure -> {
              ctx.verify(() -> assertThat(Failures.code(failure)).isEqualTo(ErrorCode.BAD_REQUEST));
              return cache.drained(vertx);
            })
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(cache.calls()).isEmpty();
                          ctx.completeNow();
                        })));
  }
}
