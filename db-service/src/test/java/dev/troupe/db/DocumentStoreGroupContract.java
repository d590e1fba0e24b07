package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Group commit, the same on every backend: writes submitted in one turn of the store's context
 * queue together and share one transaction, yet each is judged and answered on its own, in arrival
 * order. Every test checks (with {@link DocumentStore#groups()}) that its writes really shared a
 * group.
 */
abstract class DocumentStoreGroupContract extends StoreContract {
  private static final String NOTES = "notes";

  /** The context each store made by {@link #committers} groups on. */
  private final Map<DocumentStore, Context> owners = new IdentityHashMap<>();

  private static DocKey key(String id) {
    return DocKey.of(NOTES, id);
  }

  private static PutDoc put(String id, int value, Precondition precondition) {
    return new PutDoc(key(id), new JsonObject().put("v", value), precondition);
  }

  private static PutDoc put(String id, int value) {
    return put(id, value, Precondition.NONE);
  }

  /**
   * Submits the writes {@code writes} makes in one turn of {@code owner} (so they queue together
   * before the group starts), and completes with them once every one has completed.
   */
  private static Future<List<Future<?>>> oneTurn(Context owner, Supplier<List<Future<?>>> writes) {
    Promise<List<Future<?>>> submitted = Promise.promise();
    owner.runOnContext(v -> submitted.complete(writes.get()));
    return submitted
        .future()
        .compose(list -> Future.join(list).transform(done -> Future.succeededFuture(list)));
  }

  private Future<List<Future<?>>> oneTurn(Supplier<List<Future<?>>> writes) {
    return oneTurn(context, writes);
  }

  @SuppressWarnings("unchecked")
  private <T> T result(Future<?> write) {
    assertThat(write.succeeded()).as("write succeeded: %s", write.cause()).isTrue();
    return (T) write.result();
  }

  private static void failed(Future<?> write, ErrorCode code) {
    assertThat(write.failed()).as("write failed, but got %s", write.result()).isTrue();
    assertCode(write.cause(), code);
  }

  @Test
  @DisplayName(
      "200 puts to distinct keys queued at once all succeed, in 4 groups of at most 64 documents")
  void manyKeysFewGroups(VertxTestContext ctx) {
    int writes = 200;
    oneTurn(
            () ->
                IntStream.range(0, writes)
                    .<Future<?>>mapToObj(i -> store.put(put("k-" + i, i)))
                    .toList())
        .compose(
            done -> {
              ctx.verify(
                  () -> {
                    assertThat(done)
                        .allSatisfy(
                            write -> {
                              PutResult r = result(write);
                              assertThat(r.created()).isTrue();
                              assertThat(r.document().version()).isEqualTo(1);
                            });
                    assertThat(store.groups()).isEqualTo(4);
                  });
              return store.getMany(
                  new KeyBatch(NOTES, IntStream.range(0, writes).mapToObj(i -> "k-" + i).toList()));
            })
        .onComplete(
            ctx.succeeding(
                batch ->
                    ctx.verify(
                        () -> {
                          assertThat(batch.items())
                              .allSatisfy(lookup -> assertThat(lookup.version()).isEqualTo(1));
                          assertThat(batch.items().get(199).document().data().getInteger("v"))
                              .isEqualTo(199);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "in one group, a failed If-Match and a delete of a missing document fail alone; their neighbours commit")
  void oneFailureFailsOnlyItself(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();
    Checkpoint stored = ctx.checkpoint();
    store
        .put(put("a", 0))
        .compose(
            v1 ->
                oneTurn(
                    () ->
                        List.of(
                            store.put(put("b", 1)),
                            store.put(put("a", 2, Precondition.ifMatch(5))),
                            store.delete(new DeleteDoc(key("missing"), Precondition.NONE)),
                            store.put(put("c", 3)),
                            store.put(put("a", 4, Precondition.ifMatch(1))))))
        .compose(
            done -> {
              ctx.verify(
                  () -> {
                    assertThat(store.groups())
                        .as("groups: the first put, then the five together")
                        .isEqualTo(2);
                    assertThat(this.<PutResult>result(done.get(0)).document().version())
                        .isEqualTo(1);
                    failed(done.get(1), ErrorCode.PRECONDITION_FAILED);
                    failed(done.get(2), ErrorCode.NOT_FOUND);
                    assertThat(this.<PutResult>result(done.get(3)).created()).isTrue();
                    assertThat(this.<PutResult>result(done.get(4)).document().version())
                        .isEqualTo(2);
                    answered.flag();
                  });
              return store.getMany(new KeyBatch(NOTES, List.of("a", "b", "c", "missing")));
            })
        .compose(
            batch -> {
              ctx.verify(
                  () -> {
                    assertThat(batch.items())
                        .extracting(Lookup::version)
                        .containsExactly(2L, 1L, 1L, 0L);
                    assertThat(batch.items().get(0).document().data().getInteger("v")).isEqualTo(4);
                  });
              return db.changes(pool, key("a"));
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).containsExactly("put@1", "put@2");
                          stored.flag();
                        })));
  }

  @Test
  @DisplayName(
      "writes of one key in one group apply in arrival order, each judged against the version the one before left")
  void oneKeyInOrder(VertxTestContext ctx) {
    oneTurn(
            () ->
                List.of(
                    store.put(put("k", 1)),
                    store.put(put("k", 2, Precondition.ifMatch(1))),
                    store.put(put("k", 3, Precondition.ifNoneMatchAny())),
                    store.put(put("k", 4, Precondition.ifMatch(1))),
                    store.put(put("k", 5, Precondition.ifMatch(2)))))
        .compose(
            done -> {
              ctx.verify(
                  () -> {
                    assertThat(store.groups()).isEqualTo(1);
                    PutResult first = result(done.get(0));
                    assertThat(first.created()).isTrue();
                    assertThat(first.document().version()).isEqualTo(1);
                    PutResult second = result(done.get(1));
                    assertThat(second.created()).isFalse();
                    assertThat(second.document().version()).isEqualTo(2);
                    failed(done.get(2), ErrorCode.PRECONDITION_FAILED);
                    failed(done.get(3), ErrorCode.PRECONDITION_FAILED);
                    assertThat(this.<PutResult>result(done.get(4)).document().version())
                        .isEqualTo(3);
                  });
              return store.get(key("k"));
            })
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup.version()).isEqualTo(3);
                    assertThat(lookup.document().data().getInteger("v")).isEqualTo(5);
                  });
              return db.changes(pool, key("k"));
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).containsExactly("put@1", "put@2", "put@3");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "deletes and puts of one key in one group: tombstone, re-create, delete, then 404; a key created and deleted in one group stays a tombstone")
  void deleteAndPutInOneGroup(VertxTestContext ctx) {
    store
        .put(put("old", 0))
        .compose(
            v1 ->
                oneTurn(
                    () ->
                        List.of(
                            store.delete(new DeleteDoc(key("old"), Precondition.NONE)),
                            store.put(put("old", 1, Precondition.ifNoneMatchAny())),
                            store.delete(new DeleteDoc(key("old"), Precondition.ifMatch(3))),
                            store.delete(new DeleteDoc(key("old"), Precondition.NONE)),
                            store.put(put("new", 2)),
                            store.delete(new DeleteDoc(key("new"), Precondition.ifMatch(1))))))
        .compose(
            done -> {
              ctx.verify(
                  () -> {
                    assertThat(store.groups()).isEqualTo(2);
                    assertThat(this.<DeleteResult>result(done.get(0)).version()).isEqualTo(2);
                    PutResult recreated = result(done.get(1));
                    assertThat(recreated.created()).isTrue();
                    assertThat(recreated.document().version()).isEqualTo(3);
                    assertThat(this.<DeleteResult>result(done.get(2)).version()).isEqualTo(4);
                    failed(done.get(3), ErrorCode.NOT_FOUND);
                    assertThat(this.<PutResult>result(done.get(4)).document().version())
                        .isEqualTo(1);
                    assertThat(this.<DeleteResult>result(done.get(5)).version()).isEqualTo(2);
                  });
              return store.getMany(new KeyBatch(NOTES, List.of("old", "new")));
            })
        .compose(
            batch -> {
              ctx.verify(
                  () ->
                      assertThat(batch.items())
                          .containsExactly(
                              Lookup.absent(key("old"), 4), Lookup.absent(key("new"), 2)));
              // The tombstone keeps the version: the next write continues from it.
              return store.put(put("new", 3));
            })
        .compose(
            again -> {
              ctx.verify(
                  () -> {
                    assertThat(again.created()).isTrue();
                    assertThat(again.document().version()).isEqualTo(3);
                  });
              return Future.all(db.changes(pool, key("old")), db.changes(pool, key("new")));
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes.<List<String>>resultAt(0))
                              .containsExactly("put@1", "delete@2", "put@3", "delete@4");
                          assertThat(changes.<List<String>>resultAt(1))
                              .containsExactly("put@1", "delete@2", "put@3");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "idempotency keys in one group: a repeat answers the first result, a reuse elsewhere is CONFLICT, a failed write is not remembered")
  void idempotencyInOneGroup(VertxTestContext ctx) {
    store
        .put(new PutDoc(key("before"), new JsonObject().put("v", 0), Precondition.NONE, "i-before"))
        .compose(
            earlier ->
                oneTurn(
                        () ->
                            List.of(
                                store.put(
                                    new PutDoc(
                                        key("x"),
                                        new JsonObject().put("v", 1),
                                        Precondition.NONE,
                                        "i-1")),
                                store.put(
                                    new PutDoc(
                                        key("x"),
                                        new JsonObject().put("v", 1),
                                        Precondition.NONE,
                                        "i-1")),
                                store.put(
                                    new PutDoc(
                                        key("y"),
                                        new JsonObject().put("v", 1),
                                        Precondition.NONE,
                                        "i-1")),
                                store.put(
                                    new PutDoc(
                                        key("z"),
                                        new JsonObject().put("v", 2),
                                        Precondition.ifMatch(9),
                                        "i-2")),
                                store.put(
                                    new PutDoc(
                                        key("z"),
                                        new JsonObject().put("v", 2),
                                        Precondition.NONE,
                                        "i-2")),
                                store.put(
                                    new PutDoc(
                                        key("before"),
                                        new JsonObject().put("v", 0),
                                        Precondition.NONE,
                                        "i-before")),
                                store.delete(new DeleteDoc(key("x"), Precondition.NONE, "i-3")),
                                store.delete(new DeleteDoc(key("x"), Precondition.NONE, "i-3"))))
                    .map(done -> Map.entry(earlier, done)))
        .compose(
            both -> {
              List<Future<?>> done = both.getValue();
              ctx.verify(
                  () -> {
                    assertThat(store.groups()).isEqualTo(2);
                    PutResult first = result(done.get(0));
                    assertThat(first.document().version()).isEqualTo(1);
                    assertThat((PutResult) result(done.get(1))).isEqualTo(first);
                    failed(done.get(2), ErrorCode.CONFLICT);
                    failed(done.get(3), ErrorCode.PRECONDITION_FAILED);
                    assertThat(this.<PutResult>result(done.get(4)).document().version())
                        .isEqualTo(1);
                    assertThat((PutResult) result(done.get(5))).isEqualTo(both.getKey());
                    DeleteResult deleted = result(done.get(6));
                    assertThat(deleted.version()).isEqualTo(2);
                    assertThat((DeleteResult) result(done.get(7))).isEqualTo(deleted);
                  });
              return Future.all(
                  db.changes(pool, key("x")),
                  db.changes(pool, key("y")),
                  db.changes(pool, key("before")));
            })
        .compose(
            changes -> {
              ctx.verify(
                  () -> {
                    assertThat(changes.<List<String>>resultAt(0))
                        .containsExactly("put@1", "delete@2");
                    assertThat(changes.<List<String>>resultAt(1)).isEmpty();
                    assertThat(changes.<List<String>>resultAt(2)).containsExactly("put@1");
                  });
              // What the group stored under its keys answers later repeats too.
              return store.put(
                  new PutDoc(key("z"), new JsonObject().put("v", 2), Precondition.NONE, "i-2"));
            })
        .onComplete(
            ctx.succeeding(
                replayed ->
                    ctx.verify(
                        () -> {
                          assertThat(replayed.document().version()).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "an _mput whose precondition fails commits none of its items and fails none of its neighbours in the group")
  void failingBatchFailsAlone(VertxTestContext ctx) {
    oneTurn(
            () ->
                List.of(
                    store.put(put("x", 1)),
                    store.putMany(
                        new PutMany(
                            NOTES,
                            List.of(
                                new PutMany.Item("a", new JsonObject(), Precondition.NONE),
                                new PutMany.Item("x", new JsonObject(), Precondition.ifMatch(3))))),
                    store.put(put("y", 2)),
                    store.putMany(
                        new PutMany(
                            NOTES,
                            List.of(
                                new PutMany.Item("c", new JsonObject(), Precondition.NONE),
                                new PutMany.Item(
                                    "x", new JsonObject().put("v", 9), Precondition.ifMatch(1)))))))
        .compose(
            done -> {
              ctx.verify(
                  () -> {
                    assertThat(store.groups()).isEqualTo(1);
                    assertThat(this.<PutResult>result(done.get(0)).document().version())
                        .isEqualTo(1);
                    failed(done.get(1), ErrorCode.PRECONDITION_FAILED);
                    assertThat(done.get(1).cause()).hasMessageContaining("item 1");
                    assertThat(this.<PutResult>result(done.get(2)).created()).isTrue();
                    PutManyResult batch = result(done.get(3));
                    assertThat(batch.items())
                        .extracting(r -> r.document().version())
                        .containsExactly(1L, 2L);
                  });
              return store.getMany(new KeyBatch(NOTES, List.of("x", "a", "y", "c")));
            })
        .onComplete(
            ctx.succeeding(
                batch ->
                    ctx.verify(
                        () -> {
                          assertThat(batch.items())
                              .extracting(Lookup::version)
                              .containsExactly(2L, 0L, 1L, 1L);
                          assertThat(batch.items().get(0).document().data().getInteger("v"))
                              .isEqualTo(9);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "4 committers (as 4 db verticle instances), 10 If-Match writers each on one key: exactly one wins")
  void casRaceAcrossCommitters(VertxTestContext ctx) {
    List<DocumentStore> stores = committers(4);
    store
        .put(put("cas", 0))
        .compose(
            v1 ->
                Future.join(
                    stores.stream()
                        .map(
                            s ->
                                oneTurn(
                                    owner(s),
                                    () ->
                                        IntStream.range(0, 10)
                                            .<Future<?>>mapToObj(
                                                i -> s.put(put("cas", i, Precondition.ifMatch(1))))
                                            .toList()))
                        .toList()))
        .compose(
            all -> {
              List<Future<?>> writes = new ArrayList<>();
              for (int i = 0; i < stores.size(); i++) {
                writes.addAll(all.<List<Future<?>>>resultAt(i));
              }
              ctx.verify(
                  () -> {
                    assertThat(writes.stream().filter(Future::succeeded).toList()).hasSize(1);
                    assertThat(writes.stream().filter(Future::failed).toList())
                        .hasSize(39)
                        .allSatisfy(
                            write -> assertCode(write.cause(), ErrorCode.PRECONDITION_FAILED));
                  });
              return db.changes(pool, key("cas"));
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).containsExactly("put@1", "put@2");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "4 committers creating one new key at once, 10 writes each: all 40 apply, versions 1..40, exactly one creates it")
  void creatorsRaceAcrossCommitters(VertxTestContext ctx) {
    List<DocumentStore> stores = committers(4);
    Future.join(
            stores.stream()
                .map(
                    s ->
                        oneTurn(
                            owner(s),
                            () ->
                                IntStream.range(0, 10)
                                    .<Future<?>>mapToObj(i -> s.put(put("fresh", i)))
                                    .toList()))
                .toList())
        .compose(
            all -> {
              List<Future<?>> writes = new ArrayList<>();
              for (int i = 0; i < stores.size(); i++) {
                writes.addAll(all.<List<Future<?>>>resultAt(i));
              }
              ctx.verify(
                  () -> {
                    List<PutResult> results =
                        writes.stream().map(w -> this.<PutResult>result(w)).toList();
                    assertThat(results)
                        .extracting(r -> r.document().version())
                        .containsExactlyInAnyOrder(
                            LongStream.rangeClosed(1, 40).boxed().toArray(Long[]::new));
                    assertThat(results).filteredOn(PutResult::created).hasSize(1);
                  });
              return db.changes(pool, key("fresh"));
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes)
                              .containsExactlyElementsOf(
                                  LongStream.rangeClosed(1, 40).mapToObj(v -> "put@" + v).toList());
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "writes beyond the queue bound are refused at once with OVERLOADED (load, not a fault); those queued commit")
  void fullQueueRefuses(VertxTestContext ctx) {
    DocumentStore bounded =
        store(db.backend(Map.of("TROUPE_DB_MAX_IN_FLIGHT", "8")), context, Clock.systemUTC());
    oneTurn(
            () ->
                IntStream.range(0, 12)
                    .<Future<?>>mapToObj(i -> bounded.put(put("q-" + i, i)))
                    .toList())
        .onComplete(
            ctx.succeeding(
                done ->
                    ctx.verify(
                        () -> {
                          assertThat(done.subList(0, 8))
                              .allSatisfy(write -> assertThat(write.succeeded()).isTrue());
                          assertThat(done.subList(8, 12))
                              .allSatisfy(write -> failed(write, ErrorCode.OVERLOADED));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("with a wait bound, a write arriving in a later turn still joins the waiting group")
  void waitBoundGathersLaterWrites(VertxTestContext ctx) {
    DocumentStore waiting =
        store(
            db.backend(Map.of("TROUPE_DB_GROUP_MAX_WAIT_MS", "1000")), context, Clock.systemUTC());
    oneTurn(
            () -> {
              Promise<PutResult> later = Promise.promise();
              context.runOnContext(v -> waiting.put(put("w-2", 2)).onComplete(later));
              return List.of(waiting.put(put("w-1", 1)), later.future());
            })
        .onComplete(
            ctx.succeeding(
                done ->
                    ctx.verify(
                        () -> {
                          assertThat(done)
                              .allSatisfy(write -> assertThat(write.succeeded()).isTrue());
                          assertThat(waiting.groups()).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  /** {@code n} stores over this test's pool, each grouping on an event-loop context of its own. */
  private List<DocumentStore> committers(int n) {
    List<DocumentStore> stores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Context own = ((VertxInternal) vertx).createEventLoopContext();
      DocumentStore s = store(backend, own, Clock.systemUTC());
      owners.put(s, own);
      stores.add(s);
    }
    return stores;
  }

  private Context owner(DocumentStore s) {
    return owners.get(s);
  }
}
