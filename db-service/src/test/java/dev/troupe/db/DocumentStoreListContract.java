package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Keyset listing of {@link DocumentStore}: the same pages, in the same order, on every backend. */
abstract class DocumentStoreListContract extends StoreContract {
  private static final String NOTES = "notes";

  /** Writes the documents one after another; each holds its own id as data. */
  private Future<Void> putAll(String collection, List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (String id : ids) {
      chain =
          chain.compose(
              v ->
                  store
                      .put(
                          new PutDoc(
                              DocKey.of(collection, id),
                              new JsonObject().put("id", id),
                              Precondition.NONE))
                      .mapEmpty());
    }
    return chain;
  }

  private Future<Void> delete(String collection, String id) {
    return store.delete(new DeleteDoc(DocKey.of(collection, id), Precondition.NONE)).mapEmpty();
  }

  private static List<String> ids(DocPage page) {
    return page.items().stream().map(d -> d.key().id()).toList();
  }

  @Test
  @DisplayName("an empty collection lists as one empty page with no next")
  void emptyCollection(VertxTestContext ctx) {
    store
        .list(new ListDocs(NOTES, 10, null))
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertThat(page.items()).isEmpty();
                          assertThat(page.next()).isNull();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "list pages by id in order; next is the last id of a full page followed by more, null on the last page")
  void keysetPages(VertxTestContext ctx) {
    Checkpoint firstPage = ctx.checkpoint();
    Checkpoint secondPage = ctx.checkpoint();
    Checkpoint lastPage = ctx.checkpoint();

    putAll(NOTES, List.of("e", "a", "d", "b", "c"))
        .compose(v -> store.list(new ListDocs(NOTES, 2, null)))
        .compose(
            page -> {
              ctx.verify(
                  () -> {
                    assertThat(ids(page)).containsExactly("a", "b");
                    assertThat(page.next()).isEqualTo("b");
                    firstPage.flag();
                  });
              return store.list(new ListDocs(NOTES, 2, page.next()));
            })
        .compose(
            page -> {
              ctx.verify(
                  () -> {
                    assertThat(ids(page)).containsExactly("c", "d");
                    assertThat(page.next()).isEqualTo("d");
                    secondPage.flag();
                  });
              return store.list(new ListDocs(NOTES, 2, page.next()));
            })
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertThat(ids(page)).containsExactly("e");
                          assertThat(page.next()).isNull();
                          lastPage.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a final page of exactly limit documents has next null, but a full page with more after it does not")
  void exactlyLimitSizedFinalPage(VertxTestContext ctx) {
    Checkpoint fullWithMore = ctx.checkpoint();
    Checkpoint exactlyLast = ctx.checkpoint();
    Checkpoint whole = ctx.checkpoint();

    putAll(NOTES, List.of("a", "b", "c", "d"))
        .compose(v -> store.list(new ListDocs(NOTES, 3, null)))
        .compose(
            page -> {
              ctx.verify(
                  () -> {
                    assertThat(ids(page)).containsExactly("a", "b", "c");
                    assertThat(page.next()).isEqualTo("c");
                    fullWithMore.flag();
                  });
              return store.list(new ListDocs(NOTES, 1, "c"));
            })
        .compose(
            page -> {
              ctx.verify(
                  () -> {
                    assertThat(ids(page)).containsExactly("d");
                    assertThat(page.next()).isNull();
                    exactlyLast.flag();
                  });
              return store.list(new ListDocs(NOTES, 4, null));
            })
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertThat(ids(page)).containsExactly("a", "b", "c", "d");
                          assertThat(page.next()).isNull();
                          whole.flag();
                        })));
  }

  @Test
  @DisplayName("list leaves out deleted documents and documents of other collections")
  void excludesTombstonesAndOtherCollections(VertxTestContext ctx) {
    Checkpoint listed = ctx.checkpoint();
    Checkpoint exactFit = ctx.checkpoint();

    putAll(NOTES, List.of("a", "b", "c", "d"))
        .compose(v -> putAll("tasks", List.of("a", "bb", "z")))
        .compose(v -> delete(NOTES, "b"))
        .compose(v -> delete(NOTES, "d"))
        .compose(v -> store.list(new ListDocs(NOTES, 10, null)))
        .compose(
            page -> {
              ctx.verify(
                  () -> {
                    assertThat(ids(page)).containsExactly("a", "c");
                    assertThat(page.items())
                        .allSatisfy(d -> assertThat(d.key().collection()).isEqualTo(NOTES));
                    assertThat(page.next()).isNull();
                    listed.flag();
                  });
              // Two live documents and a tombstone after them: a page of two is the last page.
              return store.list(new ListDocs(NOTES, 2, null));
            })
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertThat(ids(page)).containsExactly("a", "c");
                          assertThat(page.next()).isNull();
                          exactFit.flag();
                        })));
  }

  @Test
  @DisplayName("list items carry the stored version, timestamp and data of each document")
  void itemsAreCompleteDocuments(VertxTestContext ctx) {
    DocKey key = DocKey.of(NOTES, "a");
    store
        .put(new PutDoc(key, new JsonObject().put("v", 1), Precondition.NONE))
        .compose(
            r ->
                store.put(
                    new PutDoc(
                        key, new JsonObject().put("v", 2).put("tags", "x"), Precondition.NONE)))
        .compose(
            written ->
                store
                    .list(new ListDocs(NOTES, 10, null))
                    .map(
                        page -> {
                          ctx.verify(
                              () -> assertThat(page.items()).containsExactly(written.document()));
                          return page;
                        }))
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          Document doc = page.items().get(0);
                          assertThat(doc.version()).isEqualTo(2);
                          assertThat(doc.data())
                              .isEqualTo(new JsonObject().put("v", 2).put("tags", "x"));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "following next from page to page visits every live document exactly once, in id order")
  void walkEveryPage(VertxTestContext ctx) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      all.add(String.format("doc-%02d", i));
    }
    List<String> mixed = List.of("A", "Z", "a.b", "a_b", "a~b", "a-b", "0", "9");
    List<String> written = new ArrayList<>(all);
    written.addAll(mixed);
    List<String> expected = new ArrayList<>(written);
    expected.remove("doc-07");
    expected.sort(null);

    List<String> seen = new ArrayList<>();
    Function<String, Future<String>> page =
        after ->
            store
                .list(new ListDocs(NOTES, 4, after))
                .map(
                    p -> {
                      seen.addAll(ids(p));
                      return p.next();
                    });

    putAll(NOTES, written)
        .compose(v -> delete(NOTES, "doc-07"))
        .compose(v -> walk(page, null, 0))
        .onComplete(
            ctx.succeeding(
                pages ->
                    ctx.verify(
                        () -> {
                          assertThat(seen).containsExactlyElementsOf(expected);
                          assertThat(pages).isEqualTo((expected.size() + 3) / 4);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "ids mixing upper and lower case, digits and ._~- list in code-point order (\"B\" before \"a\"), page by page")
  void codePointOrder(VertxTestContext ctx) {
    List<String> written =
        List.of(
            "b", "B", "a", "A", "a-1", "a.1", "a_1", "a~1", "a1", "aB", "ab", "Ab", "10", "9", "2",
            "_x", "~x", "-x", ".x", "Z", "z", "a-", "a--", "0", "00", "B0", "b.", "~", "-");
    List<String> expected =
        List.of(
            "-", "-x", ".x", "0", "00", "10", "2", "9", "A", "Ab", "B", "B0", "Z", "_x", "a", "a-",
            "a--", "a-1", "a.1", "a1", "aB", "a_1", "ab", "a~1", "b", "b.", "z", "~", "~x");
    Checkpoint sorted = ctx.checkpoint();
    Checkpoint oneQuery = ctx.checkpoint();
    Checkpoint paged = ctx.checkpoint();
    ctx.verify(
        () -> {
          // The expectation itself is code-point order (Java's String order is that for ASCII).
          assertThat(expected).containsExactlyInAnyOrderElementsOf(written).isSorted();
          sorted.flag();
        });

    List<String> seen = new ArrayList<>();
    Function<String, Future<String>> page =
        after ->
            store
                .list(new ListDocs(NOTES, 3, after))
                .map(
                    p -> {
                      seen.addAll(ids(p));
                      return p.next();
                    });
    putAll(NOTES, written)
        .compose(v -> store.list(new ListDocs(NOTES, 100, null)))
        .compose(
            all -> {
              ctx.verify(
                  () -> {
                    assertThat(ids(all)).containsExactlyElementsOf(expected);
                    assertThat(all.next()).isNull();
                    oneQuery.flag();
                  });
              return walk(page, null, 0);
            })
        .onComplete(
            ctx.succeeding(
                pages ->
                    ctx.verify(
                        () -> {
                          assertThat(seen).containsExactlyElementsOf(expected);
                          assertThat(pages).isEqualTo((expected.size() + 2) / 3);
                          paged.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a page starting after an id that was never written begins at the next id in code-point order")
  void afterAnUnwrittenId(VertxTestContext ctx) {
    putAll(NOTES, List.of("a", "B", "b", "_", "Z"))
        .compose(v -> store.list(new ListDocs(NOTES, 10, "Y")))
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertThat(ids(page)).containsExactly("Z", "_", "a", "b");
                          assertThat(page.next()).isNull();
                          ctx.completeNow();
                        })));
  }

  /** Fetches pages until next is null; completes with the number of pages fetched. */
  private static Future<Integer> walk(
      Function<String, Future<String>> page, String after, int fetched) {
    if (fetched > 100) {
      return Future.failedFuture(new AssertionError("paging does not end"));
    }
    return page.apply(after)
        .compose(
            next ->
                next == null ? Future.succeededFuture(fetched + 1) : walk(page, next, fetched + 1));
  }
}
