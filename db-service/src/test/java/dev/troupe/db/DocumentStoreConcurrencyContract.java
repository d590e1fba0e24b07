package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Writers racing on one key serialise in the database, whichever it is: every version is won by
 * exactly one writer.
 */
abstract class DocumentStoreConcurrencyContract extends StoreContract {
  private static final int WRITERS = 20;

  /** Starts all writes at once and completes, when every one has completed, with all of them. */
  private static Future<List<Future<PutResult>>> race(IntFunction<Future<PutResult>> writer) {
    List<Future<PutResult>> writes = IntStream.range(0, WRITERS).mapToObj(writer).toList();
    return Future.join(writes).transform(ar -> Future.succeededFuture(writes));
  }

  private static List<PutResult> winners(List<Future<PutResult>> writes) {
    return writes.stream().filter(Future::succeeded).map(Future::result).toList();
  }

  private static List<Throwable> losers(List<Future<PutResult>> writes) {
    return writes.stream().filter(Future::failed).map(Future::cause).toList();
  }

  private static ErrorCode code(Throwable t) {
    return t instanceof TroupeException te ? te.code() : null;
  }

  @Test
  @DisplayName(
      "20 concurrent puts with If-Match: 1 on version 1: exactly one wins version 2, 19 fail PRECONDITION_FAILED")
  void conditionalWritersRace(VertxTestContext ctx) {
    DocKey key = DocKey.of("race", "conditional");
    Checkpoint oneWinner = ctx.checkpoint();
    Checkpoint stored = ctx.checkpoint();
    Checkpoint logged = ctx.checkpoint();

    store
        .put(new PutDoc(key, new JsonObject().put("writer", -1), Precondition.NONE))
        .compose(
            first ->
                race(
                    i ->
                        store.put(
                            new PutDoc(
                                key,
                                new JsonObject().put("writer", i),
                                Precondition.ifMatch(first.document().version())))))
        .compose(
            writes -> {
              List<PutResult> winners = winners(writes);
              ctx.verify(
                  () -> {
                    assertThat(losers(writes))
                        .hasSize(WRITERS - 1)
                        .allSatisfy(
                            t ->
                                assertThat(code(t))
                                    .as("failure %s", t)
                                    .isEqualTo(ErrorCode.PRECONDITION_FAILED));
                    assertThat(winners).hasSize(1);
                    assertThat(winners.get(0).document().version()).isEqualTo(2);
                    assertThat(winners.get(0).created()).isFalse();
                    oneWinner.flag();
                  });
              return store
                  .get(key)
                  .map(
                      lookup -> {
                        ctx.verify(
                            () -> {
                              assertThat(lookup.version()).isEqualTo(2);
                              assertThat(lookup.document().data())
                                  .isEqualTo(winners.get(0).document().data());
                              stored.flag();
                            });
                        return lookup;
                      });
            })
        .compose(lookup -> db.changes(pool, key))
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes).containsExactly("put@1", "put@2");
                          logged.flag();
                        })));
  }

  @Test
  @DisplayName(
      "20 concurrent unconditional puts on a new key all succeed with versions 1..20, exactly one of them creating it")
  void unconditionalCreatorsRace(VertxTestContext ctx) {
    DocKey key = DocKey.of("race", "fresh");
    Checkpoint allWon = ctx.checkpoint();
    Checkpoint stored = ctx.checkpoint();
    Checkpoint logged = ctx.checkpoint();
    Long[] everyVersion = LongStream.rangeClosed(1, WRITERS).boxed().toArray(Long[]::new);

    race(i -> store.put(new PutDoc(key, new JsonObject().put("writer", i), Precondition.NONE)))
        .compose(
            writes -> {
              ctx.verify(
                  () -> {
                    assertThat(losers(writes)).isEmpty();
                    List<PutResult> results = winners(writes);
                    assertThat(results)
                        .extracting(r -> r.document().version())
                        .containsExactlyInAnyOrder(everyVersion);
                    assertThat(results)
                        .filteredOn(PutResult::created)
                        .hasSize(1)
                        .allSatisfy(r -> assertThat(r.document().version()).isEqualTo(1));
                    allWon.flag();
                  });
              return store.get(key);
            })
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup.version()).isEqualTo(WRITERS);
                    stored.flag();
                  });
              return db.changes(pool, key);
            })
        .onComplete(
            ctx.succeeding(
                changes ->
                    ctx.verify(
                        () -> {
                          assertThat(changes)
                              .containsExactlyElementsOf(
                                  LongStream.rangeClosed(1, WRITERS)
                                      .mapToObj(v -> "put@" + v)
                                      .toList());
                          logged.flag();
                        })));
  }

  @Test
  @DisplayName(
      "20 concurrent If-None-Match: * creates of a new key: exactly one creates version 1, 19 fail PRECONDITION_FAILED")
  void exclusiveCreatorsRace(VertxTestContext ctx) {
    DocKey key = DocKey.of("race", "exclusive");
    Checkpoint oneWinner = ctx.checkpoint();
    Checkpoint stored = ctx.checkpoint();

    race(i ->
            store.put(
                new PutDoc(key, new JsonObject().put("writer", i), Precondition.ifNoneMatchAny())))
        .compose(
            writes -> {
              List<PutResult> winners = winners(writes);
              ctx.verify(
                  () -> {
                    assertThat(losers(writes))
                        .hasSize(WRITERS - 1)
                        .allSatisfy(
                            t ->
                                assertThat(code(t))
                                    .as("failure %s", t)
                                    .isEqualTo(ErrorCode.PRECONDITION_FAILED));
                    assertThat(winners).hasSize(1);
                    assertThat(winners.get(0).created()).isTrue();
                    assertThat(winners.get(0).document().version()).isEqualTo(1);
                    oneWinner.flag();
                  });
              return store
                  .get(key)
                  .map(
                      lookup -> {
                        ctx.verify(
                            () -> {
                              assertThat(lookup.version()).isEqualTo(1);
                              assertThat(lookup.document().data())
                                  .isEqualTo(winners.get(0).document().data());
                              stored.flag();
                            });
                        return lookup;
                      });
            })
        .onFailure(ctx::failNow);
  }
}
