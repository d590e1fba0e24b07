package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Writes with an idempotency key are applied once, on every backend. */
abstract class DocumentStoreIdempotencyContract extends StoreContract {
  private static final DocKey KEY = DocKey.of("notes", "once");

  private static PutDoc put(int value, Precondition precondition, String idempotencyKey) {
    return new PutDoc(KEY, new JsonObject().put("v", value), precondition, idempotencyKey);
  }

  @Test
  @DisplayName("a put replayed with its key answers the first result and writes nothing more")
  void putAppliedOnce(VertxTestContext ctx) {
    store
        .put(put(1, Precondition.NONE, "k-put"))
        .compose(
            first ->
                store.put(put(1, Precondition.NONE, "k-put")).map(second -> List.of(first, second)))
        .compose(
            both ->
                db.changes(pool, KEY)
                    .map(
                        changes -> {
                          ctx.verify(
                              () -> {
                                assertThat(both.get(1)).isEqualTo(both.get(0));
                                assertThat(both.get(1).created()).isTrue();
                                assertThat(both.get(1).document().version()).isEqualTo(1);
                                assertThat(changes).containsExactly("put@1");
                              });
                          return changes;
                        }))
        .compose(checked -> store.get(KEY))
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.version()).isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a conditional put whose answer was lost is replayed as its success, not judged again as stale")
  void conditionalReplayIsTheOriginalSuccess(VertxTestContext ctx) {
    store
        .put(put(1, Precondition.NONE, null))
        .compose(v1 -> store.put(put(2, Precondition.ifMatch(1), "k-cas")))
        .compose(
            first ->
                store
                    .put(put(2, Precondition.ifMatch(1), "k-cas"))
                    .map(second -> List.of(first, second)))
        .compose(
            both ->
                db.changes(pool, KEY)
                    .map(
                        changes -> {
                          ctx.verify(
                              () -> {
                                assertThat(both.get(1)).isEqualTo(both.get(0));
                                assertThat(both.get(1).document().version()).isEqualTo(2);
                                assertThat(changes).containsExactly("put@1", "put@2");
                              });
                          return changes;
                        }))
        // Without the key, the same stale write is judged again and refused.
        .compose(checked -> store.put(put(2, Precondition.ifMatch(1), null)))
        .onComplete(
            ctx.failing(
                stale ->
                    ctx.verify(
                        () -> {
                          assertCode(stale, ErrorCode.PRECONDITION_FAILED);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("two puts racing with one key are applied once, and both answer that one write")
  void racingAttemptsApplyOnce(VertxTestContext ctx) {
    Future<?> a = store.put(put(7, Precondition.NONE, "k-race"));
    Future<?> b = store.put(put(7, Precondition.NONE, "k-race"));
    Future.all(a, b)
        .compose(both -> db.changes(pool, KEY))
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(a.result()).isEqualTo(b.result());
                          assertThat(changes).containsExactly("put@1");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a delete replayed with its key answers the first result instead of 404")
  void deleteAppliedOnce(VertxTestContext ctx) {
    store
        .put(put(1, Precondition.NONE, null))
        .compose(created -> store.delete(new DeleteDoc(KEY, Precondition.NONE, "k-del")))
        .compose(
            first ->
                store
                    .delete(new DeleteDoc(KEY, Precondition.NONE, "k-del"))
                    .map(second -> List.of(first, second)))
        .compose(both -> db.changes(pool, KEY).map(changes -> List.of(both, changes)))
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          List<?> both = (List<?>) result.get(0);
                          assertThat(both.get(1)).isEqualTo(both.get(0));
                          assertThat(result.get(1)).isEqualTo(List.of("put@1", "delete@2"));
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a putMany replayed with its key answers the first result and writes the batch once")
  void putManyAppliedOnce(VertxTestContext ctx) {
    PutMany batch =
        new PutMany(
            "notes",
            List.of(
                new PutMany.Item(
                    "once", new JsonObject().put("v", 1), Precondition.ifNoneMatchAny()),
                new PutMany.Item("twice", new JsonObject().put("v", 2), Precondition.NONE)),
            "k-batch");
    store
        .putMany(batch)
        .compose(first -> store.putMany(batch).map(second -> List.of(first, second)))
        .compose(
            both ->
                db.changes(pool, KEY)
                    .map(
                        changes -> {
                          ctx.verify(
                              () -> {
                                assertThat(both.get(1)).isEqualTo(both.get(0));
                                assertThat(changes).containsExactly("put@1");
                              });
                          return changes;
                        }))
        .onComplete(ctx.succeeding(done -> ctx.completeNow()));
  }

  @Test
  @DisplayName(
      "a key reused for another request is refused with CONFLICT, and the first write stands")
  void keyReusedElsewhere(VertxTestContext ctx) {
    store
        .put(put(1, Precondition.NONE, "k-reused"))
        .compose(
            first ->
                store.put(
                    new PutDoc(
                        DocKey.of("notes", "other"),
                        new JsonObject(),
                        Precondition.NONE,
                        "k-reused")))
        .onComplete(
            ctx.failing(
                conflict ->
                    ctx.verify(
                        () -> {
                          assertCode(conflict, ErrorCode.CONFLICT);
                          assertThat(conflict.getMessage())
                              .contains("k-reused")
                              .contains("put notes/once");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a failed write stores no key: sent again once its precondition holds, it is applied")
  void failureIsNotRemembered(VertxTestContext ctx) {
    store
        .put(put(1, Precondition.ifMatch(5), "k-fail"))
        .recover(
            stale ->
                store
                    .put(put(1, Precondition.NONE, null))
                    .compose(v1 -> store.put(put(2, Precondition.ifMatch(1), "k-fail"))))
        .onComplete(
            ctx.succeeding(
                applied ->
                    ctx.verify(
                        () -> {
                          assertThat(applied.document().version()).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("expired keys are deleted: the write replayed afterwards is applied again")
  void expiredKeysAreForgotten(VertxTestContext ctx) {
    store
        .put(put(1, Precondition.NONE, "k-old"))
        .compose(first -> store.expireIdempotencyKeys(Instant.now().plusSeconds(60)))
        .compose(
            expired -> {
              ctx.verify(() -> assertThat(expired).isEqualTo(1));
              return store.put(put(1, Precondition.NONE, "k-old"));
            })
        .onComplete(
            ctx.succeeding(
                again ->
                    ctx.verify(
                        () -> {
                          assertThat(again.document().version()).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }
}
