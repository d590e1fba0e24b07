package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link WritePlan} on its own, no database: a single put and an {@code _mput} batch go through one
 * path, and differ only in their answer and in a failed precondition naming its item.
 */
@DisplayName("WritePlan: a put is a batch of one")
class WritePlanTest {
  private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");
  private static final DocKey A = DocKey.of("notes", "a");
  private static final DocKey B = DocKey.of("notes", "b");

  private static WritePlan judge(Write<?> write, Map<DocKey, WritePlan.Stored> locked) {
    return WritePlan.judge(List.of(write), locked, Map.of(), NOW);
  }

  @Test
  @DisplayName("a single put's failed precondition is 412 and does not name an item")
  void singlePutRefused() {
    WritePlan plan =
        judge(
            new Write.Put(new PutDoc(A, new JsonObject(), Precondition.ifMatch(3))),
            Map.of(A, new WritePlan.Stored(2, false)));

    assertThat(plan.outcomes().get(0))
        .isInstanceOfSatisfying(
            TroupeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
              assertThat(e.getMessage()).isEqualTo("notes/a is at version 2, not 3");
            });
    assertThat(plan.updates()).isEmpty();
    assertThat(plan.changes()).isEmpty();
  }

  @Test
  @DisplayName("a batch's failed precondition is 412 naming its item, and nothing of it is written")
  void batchRefusedWhole() {
    PutMany batch =
        new PutMany(
            "notes",
            List.of(
                new PutMany.Item("a", new JsonObject(), null),
                new PutMany.Item("b", new JsonObject(), Precondition.ifMatch(5))));
    WritePlan plan =
        judge(
            new Write.Batch(batch),
            Map.of(A, new WritePlan.Stored(1, false), B, new WritePlan.Stored(2, false)));

    assertThat(plan.outcomes().get(0))
        .isInstanceOfSatisfying(
            TroupeException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.PRECONDITION_FAILED);
              assertThat(e.getMessage()).isEqualTo("item 1: notes/b is at version 2, not 5");
            });
    assertThat(plan.inserts()).isEmpty();
    assertThat(plan.updates()).isEmpty();
    assertThat(plan.changes()).isEmpty();
  }

  @Test
  @DisplayName("a put and a batch of one that hold write the same row and answer the same result")
  void putAndBatchOfOneAgree() {
    JsonObject data = new JsonObject().put("n", 1);
    Map<DocKey, WritePlan.Stored> locked = Map.of(A, new WritePlan.Stored(4, false));
    WritePlan single = judge(new Write.Put(new PutDoc(A, data, Precondition.ifMatch(4))), locked);
    WritePlan batch =
        judge(
            new Write.Batch(
                new PutMany(
                    "notes", List.of(new PutMany.Item("a", data, Precondition.ifMatch(4))))),
            locked);

    PutResult put = (PutResult) single.outcomes().get(0);
    PutManyResult many = (PutManyResult) batch.outcomes().get(0);
    assertThat(put.document().version()).isEqualTo(5);
    assertThat(put.created()).isFalse();
    assertThat(many.items()).containsExactly(put);
    assertThat(batch.updates()).isEqualTo(single.updates()).hasSize(1);
    assertThat(batch.changes()).isEqualTo(single.changes()).hasSize(1);
  }
}
