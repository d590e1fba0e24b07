package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static dev.troupe.db.TestDatabase.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reads, writes, preconditions, tombstones, the change log and migrations of {@link DocumentStore}:
 * the same on every backend.
 */
abstract class DocumentStoreContract extends StoreContract {
  private static final DocKey KEY = DocKey.of("notes", "n-1");

  private static PutDoc put(DocKey key, JsonObject data) {
    return new PutDoc(key, data, Precondition.NONE);
  }

  private static PutDoc put(DocKey key, JsonObject data, Precondition precondition) {
    return new PutDoc(key, data, precondition);
  }

  // ---- get / put
  // ---------------------------------------------------------------------------------

  @Test
  @DisplayName("get of a key never written is an absence at version 0")
  void getOfAbsentKey(VertxTestContext ctx) {
    store
        .get(KEY)
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(Lookup.absent(KEY, 0));
                          assertThat(lookup.exists()).isFalse();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "put creates version 1 (created), a second put replaces it as version 2 (not created)")
  void putCreatesThenReplaces(VertxTestContext ctx) {
    Checkpoint created = ctx.checkpoint();
    Checkpoint replaced = ctx.checkpoint();
    Checkpoint read = ctx.checkpoint();
    JsonObject first = new JsonObject().put("title", "first");
    JsonObject second = new JsonObject().put("title", "second");

    store
        .put(put(KEY, first))
        .compose(
            r1 -> {
              ctx.verify(
                  () -> {
                    assertThat(r1.created()).isTrue();
                    assertThat(r1.document().version()).isEqualTo(1);
                    assertThat(r1.document().key()).isEqualTo(KEY);
                    assertThat(r1.document().data()).isEqualTo(first);
                    created.flag();
                  });
              return store.put(put(KEY, second));
            })
        .compose(
            r2 -> {
              ctx.verify(
                  () -> {
                    assertThat(r2.created()).isFalse();
                    assertThat(r2.document().version()).isEqualTo(2);
                    assertThat(r2.document().data()).isEqualTo(second);
                    replaced.flag();
                  });
              return store
                  .get(KEY)
                  .map(
                      lookup -> {
                        ctx.verify(
                            () -> {
                              assertThat(lookup.exists()).isTrue();
                              assertThat(lookup.version()).isEqualTo(2);
                              assertThat(lookup.document()).isEqualTo(r2.document());
                              read.flag();
                            });
                        return lookup;
                      });
            })
        .onFailure(ctx::failNow);
  }

  @Test
  @DisplayName(
      "document data round-trips exactly: nesting, arrays, unicode, emoji, quotes, NUL, big integers, key order")
  void dataRoundTripsExactly(VertxTestContext ctx) {
    JsonObject data =
        new JsonObject()
            .put("zeta", "last letter first")
            .put(
                "alpha",
                new JsonObject()
                    .put(
                        "nested",
                        new JsonObject()
                            .put("deeper", new JsonArray().add(1).add("two").add(3.5).addNull()))
                    .put("empty", new JsonObject())
                    .put("emptyList", new JsonArray()))
            .put("unicode", "Grüße, 東京, Ελληνικά, emoji 😀👍🏽")
            .put("quotes", "she said \"hi\" and left a back\\slash")
            .put("nul", "before\u0000after")
            .put("controls", "tab\tnewline\ncr\r")
            .put("big", 9007199254740993L)
            .put("negative", -42)
            .put("flag", false)
            .put("nothing", (Object) null)
            .put(
                "mixed",
                new JsonArray()
                    .add(new JsonObject().put("b", 2).put("a", 1))
                    .add(new JsonArray().add(true)));
    String expected = data.encode();

    store
        .put(put(KEY, data.copy()))
        .compose(written -> store.get(KEY))
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.exists()).isTrue();
                          JsonObject stored = lookup.document().data();
                          assertThat(stored.encode()).isEqualTo(expected);
                          assertThat(stored.getLong("big")).isEqualTo(9007199254740993L);
                          assertThat(stored.getString("nul"))
                              .isEqualTo("before\u0000after")
                              .hasSize(12);
                          assertThat(stored.getString("unicode"))
                              .isEqualTo("Grüße, 東京, Ελληνικά, emoji 😀👍🏽");
                          assertThat(stored.fieldNames())
                              .containsExactly(
                                  "zeta",
                                  "alpha",
                                  "unicode",
                                  "quotes",
                                  "nul",
                                  "controls",
                                  "big",
                                  "negative",
                                  "flag",
                                  "nothing",
                                  "mixed");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "JSON text round-trips exactly: long fractions, 1e400, trailing zeros, huge integers, NUL, emoji, key order")
  void exactNumbersAndTextRoundTrip(VertxTestContext ctx) {
    String text =
        "{\"z\":\"first key\",\"tenth\":0.1000000000000000055511151231257827,\"huge\":1e400,"
            + "\"money\":1.50,\"big\":123456789012345678901234567890,\"neg\":-5,"
            + "\"nul\":\"a\\u0000b\",\"emoji\":\"\ud83d\ude00 \ud83d\udc4d\ud83c\udffd\",\"a\":[1.0,-0.0,2E-310,{\"y\":1,\"x\":2}]}";
    JsonObject input = new JsonObject(text);
    String expected = new JsonObject(text).encode();
    Checkpoint written = ctx.checkpoint();
    Checkpoint read = ctx.checkpoint();
    Checkpoint listed = ctx.checkpoint();

    store
        .put(put(KEY, input))
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.document().data().encode()).isEqualTo(expected);
                    written.flag();
                  });
              return store.get(KEY);
            })
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    JsonObject stored = lookup.document().data();
                    assertThat(stored.encode()).isEqualTo(expected);
                    assertThat(stored.getValue("tenth"))
                        .isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
                    assertThat(stored.getValue("huge")).isEqualTo(new BigDecimal("1e400"));
                    assertThat(stored.getValue("money")).isEqualTo(new BigDecimal("1.50"));
                    assertThat(stored.getValue("big"))
                        .isEqualTo(new BigInteger("123456789012345678901234567890"));
                    assertThat(stored.getValue("neg")).isEqualTo(-5);
                    assertThat(stored.getString("nul")).isEqualTo("a\u0000b").hasSize(3);
                    assertThat(stored.getString("emoji"))
                        .isEqualTo("\ud83d\ude00 \ud83d\udc4d\ud83c\udffd");
                    assertThat(stored.fieldNames())
                        .containsExactly(
                            "z", "tenth", "huge", "money", "big", "neg", "nul", "emoji", "a");
                    assertThat(stored.getJsonArray("a").getJsonObject(3).fieldNames())
                        .containsExactly("y", "x");
                    read.flag();
                  });
              return store.list(new ListDocs(KEY.collection(), 10, null));
            })
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertThat(page.items()).hasSize(1);
                          assertThat(page.items().get(0).data().encode()).isEqualTo(expected);
                          listed.flag();
                        })));
  }

  @Test
  @DisplayName(
      "updatedAt is the store clock truncated to milliseconds, and a read returns the same instant")
  void updatedAtComesFromTheClock(VertxTestContext ctx) {
    Instant at = Instant.parse("2024-02-29T23:59:58.123456789Z");
    DocumentStore fixed = store(Clock.fixed(at, ZoneOffset.UTC));
    Instant expected = Instant.parse("2024-02-29T23:59:58.123Z");
    Checkpoint written = ctx.checkpoint();
    Checkpoint read = ctx.checkpoint();

    fixed
        .put(put(KEY, new JsonObject().put("x", 1)))
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.document().updatedAt()).isEqualTo(expected);
                    written.flag();
                  });
              return fixed.get(KEY);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.document().updatedAt()).isEqualTo(expected);
                          read.flag();
                        })));
  }

  @Test
  @DisplayName("a document in another collection with the same id is a different document")
  void collectionsAreSeparate(VertxTestContext ctx) {
    DocKey other = DocKey.of("tasks", KEY.id());
    store
        .put(put(KEY, new JsonObject().put("in", "notes")))
        .compose(r -> store.get(other))
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(Lookup.absent(other, 0));
                          ctx.completeNow();
                        })));
  }

  // ---- preconditions
  // -----------------------------------------------------------------------------

  @Test
  @DisplayName("put with a stale If-Match fails PRECONDITION_FAILED and changes nothing")
  void staleIfMatchRejected(VertxTestContext ctx) {
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint unchanged = ctx.checkpoint();
    Checkpoint noChangeLogged = ctx.checkpoint();
    JsonObject current = new JsonObject().put("v", 2);

    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.put(put(KEY, current)))
        .compose(
            r ->
                failureOf(
                    store.put(
                        put(KEY, new JsonObject().put("v", "lost"), Precondition.ifMatch(1)))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.PRECONDITION_FAILED);
                    rejected.flag();
                  });
              return store.get(KEY);
            })
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup.version()).isEqualTo(2);
                    assertThat(lookup.document().data()).isEqualTo(current);
                    unchanged.flag();
                  });
              return db.changes(pool, KEY);
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).containsExactly("put@1", "put@2");
                          noChangeLogged.flag();
                        })));
  }

  @Test
  @DisplayName("put with the current If-Match version succeeds as the next version")
  void currentIfMatchAccepted(VertxTestContext ctx) {
    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.put(put(KEY, new JsonObject().put("v", 2), Precondition.ifMatch(1))))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.document().version()).isEqualTo(2);
                          assertThat(result.created()).isFalse();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "put with If-Match on a key never written fails PRECONDITION_FAILED and creates nothing")
  void ifMatchOnAbsentRejected(VertxTestContext ctx) {
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint nothingCreated = ctx.checkpoint();
    failureOf(store.put(put(KEY, new JsonObject(), Precondition.ifMatch(1))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.PRECONDITION_FAILED);
                    rejected.flag();
                  });
              return store.get(KEY);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(Lookup.absent(KEY, 0));
                          nothingCreated.flag();
                        })));
  }

  @Test
  @DisplayName("put with If-Match: * (must exist) on a key never written fails PRECONDITION_FAILED")
  void mustExistOnAbsentRejected(VertxTestContext ctx) {
    failureOf(store.put(put(KEY, new JsonObject(), new Precondition(null, true, false))))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertCode(failure, ErrorCode.PRECONDITION_FAILED);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "put with If-None-Match: * creates an absent document and fails PRECONDITION_FAILED once it exists")
  void ifNoneMatchAny(VertxTestContext ctx) {
    Checkpoint created = ctx.checkpoint();
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint unchanged = ctx.checkpoint();
    JsonObject original = new JsonObject().put("v", "original");

    store
        .put(put(KEY, original, Precondition.ifNoneMatchAny()))
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.created()).isTrue();
                    assertThat(result.document().version()).isEqualTo(1);
                    created.flag();
                  });
              return failureOf(
                  store.put(
                      put(
                          KEY,
                          new JsonObject().put("v", "second"),
                          Precondition.ifNoneMatchAny())));
            })
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.PRECONDITION_FAILED);
                    rejected.flag();
                  });
              return store.get(KEY);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.version()).isEqualTo(1);
                          assertThat(lookup.document().data()).isEqualTo(original);
                          unchanged.flag();
                        })));
  }

  // ---- delete
  // ------------------------------------------------------------------------------------

  @Test
  @DisplayName(
      "delete takes the next version, leaves a tombstone, a second delete is NOT_FOUND, re-creation continues the versions")
  void deleteLifecycle(VertxTestContext ctx) {
    Checkpoint deleted = ctx.checkpoint();
    Checkpoint tombstone = ctx.checkpoint();
    Checkpoint deletedTwice = ctx.checkpoint();
    Checkpoint recreated = ctx.checkpoint();
    Checkpoint logged = ctx.checkpoint();

    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.put(put(KEY, new JsonObject().put("v", 2))))
        .compose(r -> store.delete(new DeleteDoc(KEY, Precondition.NONE)))
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.key()).isEqualTo(KEY);
                    assertThat(result.version()).isEqualTo(3);
                    deleted.flag();
                  });
              return store.get(KEY);
            })
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup).isEqualTo(Lookup.absent(KEY, 3));
                    tombstone.flag();
                  });
              return failureOf(store.delete(new DeleteDoc(KEY, Precondition.NONE)));
            })
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.NOT_FOUND);
                    deletedTwice.flag();
                  });
              return store.put(put(KEY, new JsonObject().put("v", "again")));
            })
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.created()).isTrue();
                    assertThat(result.document().version()).isEqualTo(4);
                    recreated.flag();
                  });
              return db.changes(pool, KEY);
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes)
                              .containsExactly("put@1", "put@2", "delete@3", "put@4");
                          logged.flag();
                        })));
  }

  @Test
  @DisplayName("delete of a key never written is NOT_FOUND and logs no change")
  void deleteAbsent(VertxTestContext ctx) {
    Checkpoint notFound = ctx.checkpoint();
    Checkpoint nothingLogged = ctx.checkpoint();
    failureOf(store.delete(new DeleteDoc(KEY, Precondition.NONE)))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.NOT_FOUND);
                    notFound.flag();
                  });
              return db.changes(pool, KEY);
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).isEmpty();
                          nothingLogged.flag();
                        })));
  }

  @Test
  @DisplayName("delete with a stale If-Match fails PRECONDITION_FAILED and keeps the document")
  void deleteWithStaleIfMatch(VertxTestContext ctx) {
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint kept = ctx.checkpoint();
    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.put(put(KEY, new JsonObject().put("v", 2))))
        .compose(r -> failureOf(store.delete(new DeleteDoc(KEY, Precondition.ifMatch(1)))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.PRECONDITION_FAILED);
                    rejected.flag();
                  });
              return store.get(KEY);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.exists()).isTrue();
                          assertThat(lookup.version()).isEqualTo(2);
                          kept.flag();
                        })));
  }

  @Test
  @DisplayName("delete with the current If-Match version deletes the document")
  void deleteWithCurrentIfMatch(VertxTestContext ctx) {
    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.delete(new DeleteDoc(KEY, Precondition.ifMatch(1))))
        .compose(
            result ->
                store
                    .get(KEY)
                    .map(
                        lookup -> {
                          ctx.verify(() -> assertThat(result.version()).isEqualTo(2));
                          return lookup;
                        }))
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(Lookup.absent(KEY, 2));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("If-None-Match: * on a deleted document succeeds, since a tombstone does not exist")
  void ifNoneMatchOnTombstone(VertxTestContext ctx) {
    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.delete(new DeleteDoc(KEY, Precondition.NONE)))
        .compose(
            r ->
                store.put(
                    put(KEY, new JsonObject().put("v", "reborn"), Precondition.ifNoneMatchAny())))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.created()).isTrue();
                          assertThat(result.document().version()).isEqualTo(3);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("If-Match with a deleted document's old version fails PRECONDITION_FAILED")
  void ifMatchOnTombstone(VertxTestContext ctx) {
    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.delete(new DeleteDoc(KEY, Precondition.NONE)))
        .compose(r -> failureOf(store.put(put(KEY, new JsonObject(), Precondition.ifMatch(1)))))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertCode(failure, ErrorCode.PRECONDITION_FAILED);
                          ctx.completeNow();
                        })));
  }

  // ---- change log and migrations
  // -----------------------------------------------------------------

  @Test
  @DisplayName("every committed put and delete appends one change row with its op, key and version")
  void changeLog(VertxTestContext ctx) {
    DocKey other = DocKey.of("tasks", "t-1");
    Checkpoint keyLog = ctx.checkpoint();
    Checkpoint otherLog = ctx.checkpoint();
    store
        .put(put(KEY, new JsonObject().put("v", 1)))
        .compose(r -> store.put(put(other, new JsonObject())))
        .compose(r -> store.put(put(KEY, new JsonObject().put("v", 2))))
        .compose(r -> store.delete(new DeleteDoc(KEY, Precondition.NONE)))
        .compose(r -> failureOf(store.put(put(KEY, new JsonObject(), Precondition.ifMatch(99)))))
        .compose(r -> db.changes(pool, KEY))
        .compose(
            changes -> {
              ctx.verify(
                  () -> {
                    assertThat(changes).containsExactly("put@1", "put@2", "delete@3");
                    keyLog.flag();
                  });
              return db.changes(pool, other);
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).containsExactly("put@1");
                          otherLog.flag();
                        })));
  }

  @Test
  @DisplayName(
      "migrating a fresh database applies the scripts once; migrating it again applies none")
  void migrationsAreIdempotent(Vertx vertx, VertxTestContext ctx) {
    Checkpoint first = ctx.checkpoint();
    Checkpoint second = ctx.checkpoint();
    ctx.verify(
        () -> {
          assertThat(firstMigration.migrationsExecuted).isEqualTo(TestDatabase.MIGRATIONS);
          assertThat(firstMigration.success).isTrue();
          first.flag();
        });
    vertx
        .executeBlocking(db::migrate)
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          assertThat(result.success).isTrue();
                          assertThat(result.migrationsExecuted).isZero();
                          assertThat(result.initialSchemaVersion)
                              .isEqualTo(TestDatabase.LATEST_VERSION);
                          second.flag();
                        })));
  }
}
