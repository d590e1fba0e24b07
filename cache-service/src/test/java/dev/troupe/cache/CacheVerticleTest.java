package dev.troupe.cache;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.LoopbackCluster;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.BatchWire;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.LookupBatch;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * cache-service deployed by name on a single-node loopback cluster, spoken to over the event bus.
 * Every test uses keys of its own, so tests do not see each other's entries.
 */
@ExtendWith(VertxExtension.class)
class CacheVerticleTest {
  private static final Instant UPDATED = Instant.parse("2024-05-06T07:08:09.010Z");

  /**
   * Absences live two seconds, documents far longer than any test. Hazelcast keeps expiry times in
   * whole seconds (rounded down), so a one-second absence can expire a millisecond after its fill;
   * with two it lives at least one second, long enough to be read back before the wait for its
   * expiry.
   */
  private static final Map<String, String> CACHE_SETTINGS =
      Map.of(
          "TROUPE_CACHE_NEGATIVE_TTL_SECONDS", "2",
          "TROUPE_CACHE_TTL_SECONDS", "3600",
          "TROUPE_CACHE_COLLECTION_TTLS", "ephemeral=2");

  private static final long EXPIRY_WAIT_MS = 10_000;
  private static final long POLL_INTERVAL_MS = 100;
  private static final AtomicInteger IDS = new AtomicInteger();

  private static NodeRuntime node;
  private static Bus bus;

  @BeforeAll
  static void startNode() throws Exception {
    Settings settings = LoopbackCluster.create().nodeSettings("cache", null, CACHE_SETTINGS);
    node =
        ClusterBootstrap.start(settings).toCompletionStage().toCompletableFuture().get(60, SECONDS);
    node.vertx()
        .deployVerticle(
            CacheVerticle.class.getName(), new DeploymentOptions().setConfig(settings.toJson()))
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

  // ---- helpers
  // -----------------------------------------------------------------------------------

  private static DocKey newKey() {
    return DocKey.of("notes", "n-" + IDS.incrementAndGet());
  }

  private static Document document(DocKey key, long version) {
    return new Document(
        key, version, UPDATED, new JsonObject().put("title", "v" + version).put("n", version));
  }

  private static Future<CacheLookup> get(DocKey key) {
    return bus.request(CacheContract.ADDRESS, CacheContract.GET.name(), DocWire.toJson(key), null)
        .map(CacheWire::cacheLookup);
  }

  private static Future<JsonObject> fill(Lookup lookup) {
    return bus.request(
        CacheContract.ADDRESS, CacheContract.FILL.name(), CacheWire.toJson(lookup), null);
  }

  private static Future<JsonObject> evict(DocKey key) {
    return bus.request(
        CacheContract.ADDRESS, CacheContract.EVICT.name(), DocWire.toJson(key), null);
  }

  private static JsonObject stored(boolean stored) {
    return new JsonObject().put("stored", stored);
  }

  private static double count(String counter) {
    return node.registry().find(counter).counter().count();
  }

  private static Future<Throwable> failureOf(Future<?> future) {
    return future.transform(
        ar ->
            ar.succeeded()
                ? Future.failedFuture(
                    new AssertionError("expected a failure, but it succeeded with " + ar.result()))
                : Future.succeededFuture(ar.cause()));
  }

  private static void assertReplyFailure(Throwable failure, ErrorCode code) {
    assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failure;
    assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(reply.failureCode()).as("failure code of %s", reply).isEqualTo(code.code());
  }

  /**
   * Gets {@code key} until it is a miss, retrying on a timer; fails once {@code deadlineNanos} has
   * passed.
   */
  private static Future<CacheLookup> untilMiss(Vertx vertx, DocKey key, long deadlineNanos) {
    return get(key)
        .compose(
            lookup -> {
              if (!lookup.hit()) {
                return Future.succeededFuture(lookup);
              }
              if (System.nanoTime() - deadlineNanos > 0) {
                return Future.failedFuture(
                    new AssertionError(
                        key
                            + " is still cached after "
                            + EXPIRY_WAIT_MS
                            + " ms: "
                            + CacheWire.toJson(lookup)));
              }
              Promise<Void> tick = Promise.promise();
              vertx.setTimer(POLL_INTERVAL_MS, id -> tick.complete());
              return tick.future().compose(v -> untilMiss(vertx, key, deadlineNanos));
            });
  }

  // ---- tests
  // -------------------------------------------------------------------------------------

  @Test
  @DisplayName("get of a key never filled is a miss")
  void getOnEmptyCacheIsMiss(VertxTestContext ctx) {
    DocKey key = newKey();
    bus.request(CacheContract.ADDRESS, CacheContract.GET.name(), DocWire.toJson(key), null)
        .onComplete(
            ctx.succeeding(
                reply ->
                    ctx.verify(
                        () -> {
                          assertThat(reply).isEqualTo(new JsonObject().put("hit", false));
                          assertThat(CacheWire.cacheLookup(reply).hit()).isFalse();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a filled document is stored and get returns it as a hit with the same envelope")
  void fillThenGetIsHit(VertxTestContext ctx) {
    DocKey key = newKey();
    Document doc = document(key, 2);
    Checkpoint filled = ctx.checkpoint();
    Checkpoint hit = ctx.checkpoint();

    fill(Lookup.found(doc))
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(stored(true));
                    filled.flag();
                  });
              return get(key);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.hit()).isTrue();
                          assertThat(lookup).isEqualTo(CacheLookup.of(Lookup.found(doc)));
                          assertThat(DocWire.toJson(lookup.document().document()))
                              .isEqualTo(DocWire.toJson(doc));
                          hit.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a fill older than the cached version is not stored and get still returns the newer document")
  void olderFillDoesNotReplaceNewer(VertxTestContext ctx) {
    DocKey key = newKey();
    Document newer = document(key, 5);
    Checkpoint newerStored = ctx.checkpoint();
    Checkpoint olderRejected = ctx.checkpoint();
    Checkpoint newerKept = ctx.checkpoint();

    fill(Lookup.found(newer))
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(stored(true));
                    newerStored.flag();
                  });
              return fill(Lookup.found(document(key, 4)));
            })
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(stored(false));
                    olderRejected.flag();
                  });
              return get(key);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(CacheLookup.of(Lookup.found(newer)));
                          newerKept.flag();
                        })));
  }

  @Test
  @DisplayName("a fill of the cached version itself is not stored")
  void equalVersionFillIsNotStored(VertxTestContext ctx) {
    DocKey key = newKey();
    Document cached = document(key, 3);
    Document sameVersion = new Document(key, 3, UPDATED, new JsonObject().put("title", "other"));
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint kept = ctx.checkpoint();

    fill(Lookup.found(cached))
        .compose(reply -> fill(Lookup.found(sameVersion)))
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(stored(false));
                    rejected.flag();
                  });
              return get(key);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(CacheLookup.of(Lookup.found(cached)));
                          kept.flag();
                        })));
  }

  @Test
  @DisplayName("a filled absence is a hit that does not exist, at the absence's version")
  void fillAbsenceThenGetIsHit(VertxTestContext ctx) {
    DocKey key = newKey();
    Checkpoint filled = ctx.checkpoint();
    Checkpoint hit = ctx.checkpoint();

    fill(Lookup.absent(key, 3))
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(stored(true));
                    filled.flag();
                  });
              return get(key);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.hit()).isTrue();
                          assertThat(lookup.exists()).isFalse();
                          assertThat(lookup.version()).isEqualTo(3);
                          assertThat(lookup).isEqualTo(CacheLookup.of(Lookup.absent(key, 3)));
                          hit.flag();
                        })));
  }

  @Test
  @DisplayName("evict removes a cached document, so the next get is a miss")
  void evictThenGetIsMiss(VertxTestContext ctx) {
    DocKey key = newKey();
    Checkpoint cachedBefore = ctx.checkpoint();
    Checkpoint evicted = ctx.checkpoint();
    Checkpoint missAfter = ctx.checkpoint();

    fill(Lookup.found(document(key, 1)))
        .compose(reply -> get(key))
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup.hit()).isTrue();
                    cachedBefore.flag();
                  });
              return evict(key);
            })
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(new JsonObject());
                    evicted.flag();
                  });
              return get(key);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.hit()).isFalse();
                          missAfter.flag();
                        })));
  }

  @Test
  @DisplayName(
      "an absence expires after the negative time to live, while a document filled with it is still cached")
  void absenceExpiresButDocumentDoesNot(VertxTestContext ctx) {
    Vertx vertx = node.vertx();
    DocKey absentKey = newKey();
    DocKey documentKey = newKey();
    Document doc = document(documentKey, 1);
    Checkpoint absenceCached = ctx.checkpoint();
    Checkpoint absenceExpired = ctx.checkpoint();
    Checkpoint documentKept = ctx.checkpoint();

    fill(Lookup.found(doc))
        .compose(reply -> fill(Lookup.absent(absentKey, 2)))
        .compose(reply -> get(absentKey))
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup)
                        .as("the absence right after the fill")
                        .isEqualTo(CacheLookup.of(Lookup.absent(absentKey, 2)));
                    absenceCached.flag();
                  });
              return untilMiss(
                  vertx,
                  absentKey,
                  System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXPIRY_WAIT_MS));
            })
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup.hit()).isFalse();
                    absenceExpired.flag();
                  });
              return get(documentKey);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup)
                              .as("the document, filled before the absence")
                              .isEqualTo(CacheLookup.of(Lookup.found(doc)));
                          documentKept.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a document of a collection with its own TTL expires by it, one of another collection stays")
  void collectionTtl(VertxTestContext ctx) {
    DocKey ephemeral = DocKey.of("ephemeral", "e-" + IDS.incrementAndGet());
    DocKey lasting = newKey();
    Checkpoint expired = ctx.checkpoint();
    Checkpoint kept = ctx.checkpoint();
    fill(Lookup.found(document(ephemeral, 1)))
        .compose(r -> fill(Lookup.found(document(lasting, 1))))
        .compose(
            r ->
                untilMiss(
                    node.vertx(),
                    ephemeral,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXPIRY_WAIT_MS)))
        .compose(
            miss -> {
              expired.flag();
              return get(lasting);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.hit()).isTrue();
                          kept.flag();
                        })));
  }

  @Test
  @DisplayName(
      "getMany answers the entries held, fillMany stores only what is newer, evictMany removes")
  void batches(VertxTestContext ctx) {
    DocKey a = newKey();
    DocKey b = newKey();
    DocKey c = DocKey.of(a.collection(), "never-" + IDS.incrementAndGet());
    DocKey gone = DocKey.of(a.collection(), "gone-" + IDS.incrementAndGet());
    Checkpoint filled = ctx.checkpoint();
    Checkpoint read = ctx.checkpoint();
    Checkpoint evicted = ctx.checkpoint();
    KeyBatch all = new KeyBatch(a.collection(), List.of(a.id(), b.id(), c.id(), gone.id()));
    fill(Lookup.found(document(b, 5)))
        .compose(r -> fill(Lookup.absent(gone, 2)))
        .compose(
            r ->
                bus.request(
                    CacheContract.ADDRESS,
                    CacheContract.FILL_MANY.name(),
                    BatchWire.toJson(
                        new LookupBatch(
                            List.of(Lookup.found(document(a, 1)), Lookup.found(document(b, 4))))),
                    null))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.getLong("stored"))
                        .as("a stored, b's older version not")
                        .isEqualTo(1L);
                    filled.flag();
                  });
              return bus.request(
                      CacheContract.ADDRESS,
                      CacheContract.GET_MANY.name(),
                      BatchWire.toJson(all),
                      null)
                  .map(CacheWire::cachedLookups);
            })
        .compose(
            held -> {
              ctx.verify(
                  () -> {
                    assertThat(held.envelopes())
                        .as("the envelopes as stored, in the order asked")
                        .containsExactly(
                            entry(a.id(), DocWire.toJson(document(a, 1)).encode()),
                            entry(b.id(), DocWire.toJson(document(b, 5)).encode()));
                    assertThat(held.absent())
                        .as("an absence with its version; c, never cached, in neither")
                        .containsExactly(entry(gone.id(), 2L));
                    read.flag();
                  });
              return bus.request(
                      CacheContract.ADDRESS,
                      CacheContract.EVICT_MANY.name(),
                      BatchWire.toJson(all),
                      null)
                  .compose(
                      r ->
                          bus.request(
                              CacheContract.ADDRESS,
                              CacheContract.GET_MANY.name(),
                              BatchWire.toJson(all),
                              null))
                  .map(CacheWire::cachedLookups);
            })
        .onComplete(
            ctx.succeeding(
                held ->
                    ctx.verify(
                        () -> {
                          assertThat(held.envelopes()).isEmpty();
                          assertThat(held.absent()).isEmpty();
                          evicted.flag();
                        })));
  }

  @Test
  @DisplayName("an unknown action is a BAD_REQUEST reply failure")
  void unknownActionIsBadRequest(VertxTestContext ctx) {
    failureOf(bus.request(CacheContract.ADDRESS, "frobnicate", DocWire.toJson(newKey()), null))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("get, fill and evict of a body without an id are BAD_REQUEST reply failures")
  void missingIdIsBadRequest(VertxTestContext ctx) {
    JsonObject noId = new JsonObject().put("collection", "notes").put("version", 1);
    Checkpoint getRejected = ctx.checkpoint();
    Checkpoint fillRejected = ctx.checkpoint();
    Checkpoint evictRejected = ctx.checkpoint();

    failureOf(bus.request(CacheContract.ADDRESS, CacheContract.GET.name(), noId, null))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                    getRejected.flag();
                  });
              return failureOf(
                  bus.request(CacheContract.ADDRESS, CacheContract.FILL.name(), noId, null));
            })
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                    fillRejected.flag();
                  });
              return failureOf(
                  bus.request(CacheContract.ADDRESS, CacheContract.EVICT.name(), noId, null));
            })
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                          evictRejected.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a miss, a hit and a stored fill each count once; a fill that is not stored counts nothing")
  void countersFollowOutcomes(VertxTestContext ctx) {
    DocKey key = newKey();
    double hits = count("troupe_cache_hits");
    double misses = count("troupe_cache_misses");
    double fills = count("troupe_cache_fills");
    Checkpoint missCounted = ctx.checkpoint();
    Checkpoint fillCounted = ctx.checkpoint();
    Checkpoint rejectedFillNotCounted = ctx.checkpoint();
    Checkpoint hitCounted = ctx.checkpoint();

    get(key)
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup.hit()).isFalse();
                    assertThat(count("troupe_cache_misses")).isEqualTo(misses + 1);
                    assertThat(count("troupe_cache_hits")).isEqualTo(hits);
                    missCounted.flag();
                  });
              return fill(Lookup.found(document(key, 2)));
            })
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(stored(true));
                    assertThat(count("troupe_cache_fills")).isEqualTo(fills + 1);
                    fillCounted.flag();
                  });
              return fill(Lookup.found(document(key, 1)));
            })
        .compose(
            reply -> {
              ctx.verify(
                  () -> {
                    assertThat(reply).isEqualTo(stored(false));
                    assertThat(count("troupe_cache_fills")).isEqualTo(fills + 1);
                    rejectedFillNotCounted.flag();
                  });
              return get(key);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.hit()).isTrue();
                          assertThat(count("troupe_cache_hits")).isEqualTo(hits + 1);
                          assertThat(count("troupe_cache_misses")).isEqualTo(misses + 1);
                          hitCounted.flag();
                        })));
  }
}
