package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkUpload;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.JobsContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link JobStore} with user job types: a claim names the types its worker runs, and gets chunks of
 * those types only, the same on every backend.
 */
abstract class JobTypeClaimsContract extends DatabaseContract {
  private static final long LEASE_MS = 60_000;

  private Pool pool;
  private JobStore jobs;

  @BeforeEach
  final void openStore(Vertx vertx, VertxTestContext ctx) {
    pool = backend.pool(vertx);
    jobs = new JobStore(pool, backend::sql, Clock.systemUTC());
    db.reset(pool).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  final void closeStore(VertxTestContext ctx) {
    pool.close().onComplete(ctx.succeedingThenComplete());
  }

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  @Test
  @DisplayName(
      "a claim gets chunks of the types it names only: built-in workers never take a user type's chunk, nor a worker of another type")
  void claimsOnlyNamedTypes(VertxTestContext ctx) {
    String thumbs = newId();
    String export = newId();
    jobs.create(thumbs, "thumbnail", "photos", true)
        .compose(v -> jobs.create(export, JobsContract.EXPORT, "photos", true))
        .compose(v -> jobs.claim("builtin", LEASE_MS, JobsContract.BUILT_IN))
        .compose(
            builtin -> {
              ctx.verify(() -> assertThat(builtin.jobId()).isEqualTo(export));
              return jobs.claim("builtin", LEASE_MS, JobsContract.BUILT_IN);
            })
        .compose(
            none -> {
              ctx.verify(() -> assertThat(none).as("the thumbnail chunk is not theirs").isNull());
              return jobs.claim("resizer", LEASE_MS, List.of("resize"));
            })
        .compose(
            none -> {
              ctx.verify(() -> assertThat(none).as("nor a resize worker's").isNull());
              return jobs.claim("thumbnailer", LEASE_MS, List.of("resize", "thumbnail"));
            })
        .onComplete(
            ctx.succeeding(
                chunk ->
                    ctx.verify(
                        () -> {
                          assertThat(chunk.jobId()).isEqualTo(thumbs);
                          assertThat(chunk.type()).isEqualTo("thumbnail");
                          assertThat(chunk.collection()).isEqualTo("photos");
                          assertThat(chunk.payload()).as("the first page").isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a user type's NDJSON job is claimed chunk by chunk by its type's worker and finishes with its output parts in order")
  void ndjsonJobOfAUserType(VertxTestContext ctx) {
    String id = newId();
    jobs.create(id, "wordcount", "texts", false)
        .compose(v -> jobs.append(new ChunkUpload(id, 0, 1, 2, "{\"t\":\"a b\"}\n{\"t\":\"c\"}\n")))
        .compose(v -> jobs.append(new ChunkUpload(id, 1, 3, 1, "{\"t\":\"d\"}\n")))
        .compose(v -> jobs.submit(id, 2, 3))
        .compose(v -> jobs.claim("builtin", LEASE_MS, JobsContract.BUILT_IN))
        .compose(
            none -> {
              ctx.verify(() -> assertThat(none).isNull());
              return Future.all(
                  jobs.claim("w1", LEASE_MS, List.of("wordcount")),
                  jobs.claim("w2", LEASE_MS, List.of("wordcount")));
            })
        .compose(
            both -> {
              JobChunk first = both.resultAt(0);
              JobChunk second = both.resultAt(1);
              boolean firstIsLow = first.seq() == 0;
              JobChunk low = firstIsLow ? first : second;
              JobChunk high = firstIsLow ? second : first;
              String lowOwner = firstIsLow ? "w1" : "w2";
              String highOwner = firstIsLow ? "w2" : "w1";
              return jobs.complete(outcome(high, highOwner, "{\"n\":1}\n"))
                  .compose(v -> jobs.complete(outcome(low, lowOwner, "{\"n\":2}\n{\"n\":1}\n")));
            })
        .compose(
            finished -> {
              ctx.verify(
                  () -> {
                    assertThat(finished.state()).isEqualTo(JobStatus.SUCCEEDED);
                    assertThat(finished.done()).isEqualTo(3);
                    assertThat(finished.total()).isEqualTo(3);
                  });
              return Future.all(jobs.result(id, 0), jobs.result(id, 1));
            })
        .onComplete(
            ctx.succeeding(
                parts ->
                    ctx.verify(
                        () -> {
                          assertThat(
                                  List.of(
                                      parts.<JsonObject>resultAt(0).getString("payload"),
                                      parts.<JsonObject>resultAt(1).getString("payload")))
                              .as("parts in the order their chunks completed")
                              .containsExactly("{\"n\":1}\n", "{\"n\":2}\n{\"n\":1}\n");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "cancelling a user type's job ends its lease: the renewal is refused and the late outcome changes nothing")
  void cancel(VertxTestContext ctx) {
    String id = newId();
    jobs.create(id, "thumbnail", "photos", true)
        .compose(v -> jobs.claim("w", LEASE_MS, List.of("thumbnail")))
        .compose(
            chunk ->
                jobs.stop(id, JobState.CANCELLED, null)
                    .compose(v -> jobs.renew(id, chunk.seq(), "w", LEASE_MS))
                    .compose(
                        renewed -> {
                          ctx.verify(() -> assertThat(renewed).isFalse());
                          return jobs.complete(outcome(chunk, "w", "{}\n"));
                        }))
        .onComplete(
            ctx.succeeding(
                job ->
                    ctx.verify(
                        () -> {
                          assertThat(job.state()).isEqualTo(JobStatus.CANCELLED);
                          assertThat(job.done()).isZero();
                          ctx.completeNow();
                        })));
  }

  private static ChunkOutcome outcome(JobChunk chunk, String owner, String result) {
    return new ChunkOutcome(
        chunk.jobId(), chunk.seq(), owner, chunk.lines(), List.of(), result, null);
  }
}
