package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The retry bound of {@link GroupCommitter}, with a writer that reports a unique violation (another
 * transaction created one of the group's rows first) a given number of times before it commits.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("GroupCommitter retries a group that meets rows created meanwhile")
class GroupCommitterTest {

  /** Fails its first {@code violations} commits with SQLSTATE 23505, then judges against empty tables. */
  private static final class CreatedMeanwhile implements GroupWriter {
    private int violations;
    int commits;

    CreatedMeanwhile(int violations) {
      this.violations = violations;
    }

    @Override
    public Future<WritePlan> commit(List<Write<?>> group) {
      commits++;
      if (violations-- > 0) {
        return Future.failedFuture(new SQLIntegrityConstraintViolationException("duplicate key", "23505"));
      }
      return Future.succeededFuture(WritePlan.judge(group, Map.of(), Map.of(), Instant.now()));
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }
  }

  /** Puts {@code keys} new documents, queued together (call on the committer's context). */
  private static List<Future<PutResult>> putKeys(GroupCommitter committer, int keys) {
    List<Future<PutResult>> writes = new ArrayList<>();
    IntStream.range(0, keys).forEach(i -> writes.add(committer.submit(new Write.Put(
        new PutDoc(DocKey.of("notes", "k-" + i), new JsonObject(), Precondition.NONE)))));
    return writes;
  }

  @Test
  @DisplayName("a group of 5 new keys meeting a different creator on each of 5 attempts commits on the 6th")
  void retriesOncePerKey(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    CreatedMeanwhile writer = new CreatedMeanwhile(5);
    GroupCommitter committer = new GroupCommitter(vertx, owner, writer, 64, 0, 512, new SimpleMeterRegistry());
    owner.runOnContext(v -> {
      List<Future<PutResult>> writes = putKeys(committer, 5);
      Future.all(writes).onComplete(ctx.succeeding(done -> ctx.verify(() -> {
        assertThat(writer.commits).isEqualTo(6);
        assertThat(writes).allSatisfy(w -> assertThat(w.result().created()).isTrue());
        ctx.completeNow();
      })));
    });
  }

  @Test
  @DisplayName("a group still meeting violations after one attempt more than it has keys fails every write with CONFLICT")
  void givesUpAfterOneAttemptPerKey(Vertx vertx, VertxTestContext ctx) {
    Context owner = vertx.getOrCreateContext();
    CreatedMeanwhile writer = new CreatedMeanwhile(Integer.MAX_VALUE);
    GroupCommitter committer = new GroupCommitter(vertx, owner, writer, 64, 0, 512, new SimpleMeterRegistry());
    owner.runOnContext(v -> {
      List<Future<PutResult>> writes = putKeys(committer, 2);
      Future.join(writes).onComplete(done -> ctx.verify(() -> {
        assertThat(writer.commits).isEqualTo(3);
        assertThat(writes).allSatisfy(w -> assertCode(w.cause(), ErrorCode.CONFLICT));
        ctx.completeNow();
      }));
    });
  }
}
