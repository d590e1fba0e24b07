package dev.troupe.shared.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.ReleaseChunk;
import dev.troupe.shared.contract.TroupeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A user job type registered on a Vert.x that no Troupe node started, as a {@code troupe-client}
 * lite member's is, against a stand-in job store: its handler's chunks run, and the jobs metrics go
 * to Micrometer's global registry.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("JobTypes on a Vert.x without a Troupe node")
class JobTypesLocalTest {
  private static final String JOB = "fedcba9876543210fedcba9876543210";
  private static final String TYPE = "lite-counts";

  private final SimpleMeterRegistry global = new SimpleMeterRegistry();

  @AfterEach
  void dropRegistry() {
    Metrics.removeRegistry(global);
  }

  private double chunks(String outcome) {
    Counter counter =
        global.find("troupe_jobs_chunks").tag("type", TYPE).tag("outcome", outcome).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @DisplayName(
      "the handler's output completes its chunk, a refused input fails its job at once, and both chunks are counted in the global registry")
  void runsAndRecords(Vertx vertx, VertxTestContext ctx) {
    Metrics.addRegistry(global);
    FakeJobStore store = new FakeJobStore();
    store.queue.add(
        new JobChunk(JOB, TYPE, "texts", 0, 1, 3, "{\"w\":2}\nnot json\n{\"w\":5}\n", 1));
    store.queue.add(new JobChunk(JOB, TYPE, "texts", 1, 4, 1, "{\"refuse\":true}\n", 2));
    JobHandler handler =
        work -> {
          if (work.items().stream().anyMatch(i -> i.data().containsKey("refuse"))) {
            return Future.failedFuture(TroupeException.badRequest("cannot count that"));
          }
          return Future.succeededFuture(
              ChunkResult.output(
                  work.items().stream()
                      .map(
                          i ->
                              new JsonObject()
                                  .put("n", i.number())
                                  .put("w", i.data().getValue("w")))
                      .toList()));
        };
    store
        .serve(vertx)
        .compose(served -> JobTypes.register(vertx, TYPE, JobTypeOptions.defaults(), handler))
        .compose(registration -> store.drained.future().compose(d -> registration.unregister()))
        .onComplete(
            ctx.succeeding(
                unregistered ->
                    ctx.verify(
                        () -> {
                          assertThat(store.claims.get(0).types()).containsExactly(TYPE);
                          assertThat(store.claims.get(0).owner()).startsWith(TYPE + "@");
                          ChunkOutcome done = store.completed.get(0);
                          assertThat(store.completed).hasSize(1);
                          assertThat(done.processed()).isEqualTo(3);
                          assertThat(done.errors())
                              .containsExactly(new LineError(2, "not a JSON object"));
                          assertThat(done.result())
                              .isEqualTo("{\"n\":1,\"w\":2}\n{\"n\":3,\"w\":5}\n");
                          assertThat(store.released)
                              .extracting(
                                  ReleaseChunk::seq, ReleaseChunk::error, ReleaseChunk::fatal)
                              .containsExactly(
                                  org.assertj.core.api.Assertions.tuple(
                                      1, "cannot count that", true));
                          assertThat(store.released.get(0).maxAttempts()).isEqualTo(5);
                          assertThat(chunks("done")).isEqualTo(1);
                          assertThat(chunks("failed")).isEqualTo(1);
                          assertThat(global.find("troupe_jobs_items").tag("type", TYPE).counter())
                              .extracting(Counter::count)
                              .isEqualTo(3.0);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("a name that is no user type's is refused before anything is deployed")
  void refusesBuiltInNames(Vertx vertx, VertxTestContext ctx) {
    JobTypes.register(
            vertx, "import", work -> Future.succeededFuture(ChunkResult.output(List.of())))
        .onComplete(
            ctx.failing(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure).isInstanceOf(TroupeException.class);
                          assertThat(vertx.deploymentIDs()).isEmpty();
                          ctx.completeNow();
                        })));
  }
}
