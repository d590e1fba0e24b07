package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static dev.troupe.db.TestDatabase.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutResult;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** getMany and putMany of {@link DocumentStore}: the same on every backend. */
abstract class DocumentStoreBatchContract extends StoreContract {
  private static final String NOTES = "notes";

  private static PutMany.Item item(String id, int value) {
    return new PutMany.Item(id, new JsonObject().put("v", value), Precondition.NONE);
  }

  @ParameterizedTest(name = "{0} ids")
  @ValueSource(ints = {1, 2, 3, 7, 64, 65, 1000})
  @DisplayName("getMany answers one lookup per id in the order asked, whatever the batch size")
  void getManyKeepsOrder(int size, VertxTestContext ctx) {
    List<String> ids = IntStream.range(0, size).mapToObj(i -> "d-" + (size - i)).toList();
    List<PutMany.Item> even =
        IntStream.range(0, size)
            .filter(i -> i % 2 == 0)
            .mapToObj(i -> item(ids.get(i), i))
            .toList();
    store
        .putMany(new PutMany(NOTES, even))
        .compose(written -> store.getMany(new KeyBatch(NOTES, ids)))
        .onComplete(
            ctx.succeeding(
                batch ->
                    ctx.verify(
                        () -> {
                          assertThat(batch.items()).hasSize(size);
                          for (int i = 0; i < size; i++) {
                            Lookup lookup = batch.items().get(i);
                            assertThat(lookup.key()).isEqualTo(DocKey.of(NOTES, ids.get(i)));
                            assertThat(lookup.exists())
                                .as("%s exists", ids.get(i))
                                .isEqualTo(i % 2 == 0);
                            if (lookup.exists()) {
                              assertThat(lookup.document().data().getInteger("v")).isEqualTo(i);
                            }
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "getMany reports a deleted document as absent at its delete's version, other collections unseen")
  void getManyTombstonesAndCollections(VertxTestContext ctx) {
    DocKey gone = DocKey.of(NOTES, "gone");
    store
        .put(new PutDoc(gone, new JsonObject(), Precondition.NONE))
        .compose(r -> store.delete(new DeleteDoc(gone, Precondition.NONE)))
        .compose(
            r ->
                store.put(
                    new PutDoc(DocKey.of("tasks", "other"), new JsonObject(), Precondition.NONE)))
        .compose(r -> store.getMany(new KeyBatch(NOTES, List.of("gone", "other"))))
        .onComplete(
            ctx.succeeding(
                batch ->
                    ctx.verify(
                        () -> {
                          assertThat(batch.items())
                              .containsExactly(
                                  Lookup.absent(gone, 2),
                                  Lookup.absent(DocKey.of(NOTES, "other"), 0));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("putMany commits every item, created or replaced, each with its own version")
  void putManyCommitsAll(VertxTestContext ctx) {
    Checkpoint results = ctx.checkpoint();
    Checkpoint stored = ctx.checkpoint();
    store
        .put(new PutDoc(DocKey.of(NOTES, "b"), new JsonObject(), Precondition.NONE))
        .compose(
            r ->
                store.putMany(
                    new PutMany(
                        NOTES,
                        List.of(
                            item("a", 1),
                            item("b", 2),
                            new PutMany.Item(
                                "c", new JsonObject(), Precondition.ifNoneMatchAny())))))
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.items())
                        .extracting(PutResult::created)
                        .containsExactly(true, false, true);
                    assertThat(result.items())
                        .extracting(r -> r.document().version())
                        .containsExactly(1L, 2L, 1L);
                    results.flag();
                  });
              return store.getMany(new KeyBatch(NOTES, List.of("a", "b", "c")));
            })
        .compose(
            batch -> {
              ctx.verify(
                  () -> {
                    assertThat(batch.items())
                        .extracting(Lookup::version)
                        .containsExactly(1L, 2L, 1L);
                    assertThat(batch.items().get(1).document().data().getInteger("v")).isEqualTo(2);
                  });
              return db.changes(pool, DocKey.of(NOTES, "b"));
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
  @DisplayName("putMany whose last precondition fails commits nothing and names the item")
  void putManyIsAllOrNothing(VertxTestContext ctx) {
    Checkpoint failed = ctx.checkpoint();
    Checkpoint untouched = ctx.checkpoint();
    store
        .put(
            new PutDoc(DocKey.of(NOTES, "exists"), new JsonObject().put("v", 0), Precondition.NONE))
        .compose(
            r ->
                failureOf(
                    store.putMany(
                        new PutMany(
                            NOTES,
                            List.of(
                                item("new-1", 1),
                                item("exists", 1),
                                new PutMany.Item(
                                    "stale", new JsonObject(), Precondition.ifMatch(3)))))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.PRECONDITION_FAILED);
                    assertThat(failure)
                        .hasMessageContaining("item 2")
                        .hasMessageContaining("stale");
                    failed.flag();
                  });
              return store.getMany(new KeyBatch(NOTES, List.of("new-1", "exists", "stale")));
            })
        .compose(
            batch -> {
              ctx.verify(
                  () ->
                      assertThat(batch.items())
                          .extracting(Lookup::version)
                          .containsExactly(0L, 1L, 0L));
              return db.changes(pool, DocKey.of(NOTES, "new-1"));
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).isEmpty();
                          untouched.flag();
                        })));
  }
}
