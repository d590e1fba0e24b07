package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static dev.troupe.db.TestDatabase.failureOf;
import static dev.troupe.shared.contract.JobsContract.BUILT_IN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ChunkOutcome.LineError;
import dev.troupe.shared.contract.ChunkUpload;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link JobStore}: the durable job queue with leases, the same on every backend. */
abstract class JobStoreContract extends DatabaseContract {
  private static final long LEASE_MS = 1_000;

  private final MovableClock clock = new MovableClock();
  private Pool pool;
  private JobStore jobs;

  @BeforeEach
  final void openStore(Vertx vertx, VertxTestContext ctx) {
    pool = backend.pool(vertx);
    jobs = new JobStore(pool, backend::sql, clock);
    db.reset(pool).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  final void closeStore(VertxTestContext ctx) {
    pool.close().onComplete(ctx.succeedingThenComplete());
  }

  private static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** An import job of {@code chunks} chunks of two lines each, queued. */
  private Future<String> queuedImport(int chunks) {
    String id = newId();
    Future<?> chain = jobs.create(id, "import", "notes", false);
    for (int seq = 0; seq < chunks; seq++) {
      ChunkUpload chunk =
          new ChunkUpload(id, seq, 1 + 2L * seq, 2, "{\"id\":\"a\",\"data\":{}}\n{}\n");
      chain = chain.compose(v -> jobs.append(chunk));
    }
    return chain.compose(v -> jobs.submit(id, chunks, 2L * chunks)).map(id);
  }

  private static ChunkOutcome done(JobChunk chunk, String owner, List<LineError> errors) {
    return new ChunkOutcome(chunk.jobId(), chunk.seq(), owner, chunk.lines(), errors, null, null);
  }

  @Test
  @DisplayName(
      "each chunk of a queued import is claimed once; the completions record progress and errors, the last finishes the job")
  void claimsAndCompletes(VertxTestContext ctx) {
    queuedImport(2)
        .compose(
            id ->
                jobs.get(id)
                    .compose(
                        queued -> {
                          ctx.verify(
                              () -> {
                                assertThat(queued.state()).isEqualTo(JobStatus.QUEUED);
                                assertThat(queued.total()).isEqualTo(4);
                              });
                          return Future.all(
                                  jobs.claim("w1", LEASE_MS, BUILT_IN),
                                  jobs.claim("w2", LEASE_MS, BUILT_IN))
                              .compose(
                                  both ->
                                      jobs.claim("w3", LEASE_MS, BUILT_IN)
                                          .map(
                                              third -> {
                                                ctx.verify(
                                                    () ->
                                                        assertThat(third)
                                                            .as("no third chunk")
                                                            .isNull());
                                                return both;
                                              }));
                        }))
        .compose(
            both -> {
              JobChunk first = both.resultAt(0);
              JobChunk second = both.resultAt(1);
              ctx.verify(
                  () -> {
                    assertThat(List.of(first.seq(), second.seq())).containsExactlyInAnyOrder(0, 1);
                    assertThat(first.type()).isEqualTo("import");
                    assertThat(first.collection()).isEqualTo("notes");
                    assertThat(first.attempts()).isEqualTo(1);
                    assertThat(first.payload()).startsWith("{\"id\":\"a\"");
                  });
              return jobs.complete(
                      done(
                          first,
                          "w1",
                          List.of(new LineError(first.firstLine() + 1, "id must be a string"))))
                  .compose(
                      half -> {
                        ctx.verify(
                            () -> {
                              assertThat(half.state()).isEqualTo(JobStatus.RUNNING);
                              assertThat(half.done()).isEqualTo(2);
                              assertThat(half.startedAt()).isNotNull();
                            });
                        return jobs.complete(
                            done(
                                second,
                                "w2",
                                List.of(new LineError(second.firstLine() + 1, "bad"))));
                      });
            })
        .compose(
            finished -> {
              ctx.verify(
                  () -> {
                    assertThat(finished.state()).isEqualTo(JobStatus.SUCCEEDED);
                    assertThat(finished.done()).isEqualTo(4);
                    assertThat(finished.failed()).isEqualTo(2);
                    assertThat(finished.finishedAt()).isNotNull();
                  });
              return jobs.errors(finished.id(), 0, 1);
            })
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          assertThat(page.getJsonArray("items")).hasSize(1);
                          assertThat(page.getJsonArray("items").getJsonObject(0).getLong("line"))
                              .isEqualTo(2);
                          assertThat(page.getLong("next")).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a claimed chunk is nobody else's while its lease holds; once expired another owner takes it, and the first owner's late outcome is ignored")
  void leasesExpire(VertxTestContext ctx) {
    queuedImport(1)
        .compose(id -> jobs.claim("crashed", LEASE_MS, BUILT_IN))
        .compose(
            claimed ->
                jobs.claim("other", LEASE_MS, BUILT_IN)
                    .compose(
                        none -> {
                          ctx.verify(() -> assertThat(none).as("claimable while leased").isNull());
                          return jobs.renew(claimed.jobId(), claimed.seq(), "crashed", LEASE_MS);
                        })
                    .compose(
                        renewed -> {
                          ctx.verify(() -> assertThat(renewed).isTrue());
                          clock.advance(LEASE_MS + 1);
                          return jobs.claim("other", LEASE_MS, BUILT_IN);
                        })
                    .compose(
                        takenOver -> {
                          ctx.verify(
                              () -> {
                                assertThat(takenOver.seq()).isEqualTo(claimed.seq());
                                assertThat(takenOver.attempts()).isEqualTo(2);
                              });
                          return jobs.renew(claimed.jobId(), claimed.seq(), "crashed", LEASE_MS)
                              .compose(
                                  renewed -> {
                                    ctx.verify(
                                        () ->
                                            assertThat(renewed)
                                                .as("the old owner's renewal")
                                                .isFalse());
                                    return jobs.complete(done(claimed, "crashed", List.of()));
                                  })
                              .compose(
                                  ignored -> {
                                    ctx.verify(
                                        () ->
                                            assertThat(ignored.done())
                                                .as("the old owner's outcome")
                                                .isZero());
                                    return jobs.complete(done(takenOver, "other", List.of()));
                                  });
                        }))
        .onComplete(
            ctx.succeeding(
                job ->
                    ctx.verify(
                        () -> {
                          assertThat(job.state()).isEqualTo(JobStatus.SUCCEEDED);
                          assertThat(job.done()).isEqualTo(2);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a cancelled job's chunks are not claimed any more, and a finished job stays as it is when cancelled")
  void cancel(VertxTestContext ctx) {
    queuedImport(2)
        .compose(id -> jobs.stop(id, JobState.CANCELLED, null))
        .compose(
            cancelled -> {
              ctx.verify(() -> assertThat(cancelled.state()).isEqualTo(JobStatus.CANCELLED));
              return jobs.claim("w", LEASE_MS, BUILT_IN);
            })
        .compose(
            none -> {
              ctx.verify(() -> assertThat(none).isNull());
              return queuedImport(1);
            })
        .compose(id -> jobs.claim("w", LEASE_MS, BUILT_IN))
        .compose(chunk -> jobs.complete(done(chunk, "w", List.of())))
        .compose(finished -> jobs.stop(finished.id(), JobState.CANCELLED, null))
        .onComplete(
            ctx.succeeding(
                job ->
                    ctx.verify(
                        () -> {
                          assertThat(job.state()).isEqualTo(JobStatus.SUCCEEDED);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a released chunk is claimable again until it was tried maxAttempts times; then its job fails naming the error")
  void releaseUntilMaxAttempts(VertxTestContext ctx) {
    queuedImport(1)
        .compose(id -> jobs.claim("w", LEASE_MS, BUILT_IN))
        .compose(chunk -> jobs.release(chunk.jobId(), chunk.seq(), "w", "database away", false, 2))
        .compose(
            requeued -> {
              ctx.verify(() -> assertThat(requeued.state()).isEqualTo(JobStatus.RUNNING));
              return jobs.claim("w", LEASE_MS, BUILT_IN);
            })
        .compose(
            again -> {
              ctx.verify(() -> assertThat(again.attempts()).isEqualTo(2));
              return jobs.release(again.jobId(), again.seq(), "w", "database away", false, 2);
            })
        .onComplete(
            ctx.succeeding(
                job ->
                    ctx.verify(
                        () -> {
                          assertThat(job.state()).isEqualTo(JobStatus.FAILED);
                          assertThat(job.error()).contains("database away");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a page job chains its chunks through their outcomes and keeps its result parts in order")
  void pagesAndResults(VertxTestContext ctx) {
    String id = newId();
    jobs.create(id, "export", "notes", true)
        .compose(
            created -> {
              ctx.verify(
                  () -> {
                    assertThat(created.state()).isEqualTo(JobStatus.QUEUED);
                    assertThat(created.total()).isZero();
                  });
              return jobs.claim("w", LEASE_MS, BUILT_IN);
            })
        .compose(
            first -> {
              ctx.verify(() -> assertThat(first.payload()).isEmpty());
              return jobs.complete(
                  new ChunkOutcome(id, first.seq(), "w", 2, List.of(), "one\n", "k2"));
            })
        .compose(running -> jobs.claim("w", LEASE_MS, BUILT_IN))
        .compose(
            second -> {
              ctx.verify(() -> assertThat(second.payload()).isEqualTo("k2"));
              return jobs.complete(
                  new ChunkOutcome(id, second.seq(), "w", 1, List.of(), "two\n", null));
            })
        .compose(
            finished -> {
              ctx.verify(
                  () -> {
                    assertThat(finished.state()).isEqualTo(JobStatus.SUCCEEDED);
                    assertThat(finished.done()).isEqualTo(3);
                  });
              return Future.all(
                  jobs.result(id, 0), jobs.result(id, 1), failureOf(jobs.result(id, 2)));
            })
        .onComplete(
            ctx.succeeding(
                parts ->
                    ctx.verify(
                        () -> {
                          io.vertx.core.json.JsonObject p0 = parts.resultAt(0);
                          io.vertx.core.json.JsonObject p1 = parts.resultAt(1);
                          assertThat(p0.getString("payload")).isEqualTo("one\n");
                          assertThat(p0.getInteger("next")).isEqualTo(1);
                          assertThat(p1.getString("payload")).isEqualTo("two\n");
                          assertThat(p1.getValue("next")).isNull();
                          assertCode(parts.resultAt(2), ErrorCode.NOT_FOUND);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "lines for an unknown job are 404, for a queued one 409; a submit whose counts differ from what was stored is 409")
  void appendAndSubmitChecks(VertxTestContext ctx) {
    String unknown = newId();
    queuedImport(1)
        .compose(
            queued ->
                Future.all(
                    failureOf(jobs.append(new ChunkUpload(unknown, 0, 1, 1, "{}\n"))),
                    failureOf(jobs.append(new ChunkUpload(queued, 5, 1, 1, "{}\n")))))
        .compose(
            failures -> {
              ctx.verify(
                  () -> {
                    assertCode(failures.resultAt(0), ErrorCode.NOT_FOUND);
                    assertCode(failures.resultAt(1), ErrorCode.CONFLICT);
                  });
              String id = newId();
              return jobs.create(id, "import", "notes", false)
                  .compose(v -> jobs.append(new ChunkUpload(id, 0, 1, 2, "{}\n{}\n")))
                  .compose(v -> failureOf(jobs.submit(id, 1, 3)));
            })
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertCode(failure, ErrorCode.CONFLICT);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "an import that stored no lines for the idle time fails as an abandoned upload; one still receiving lines does not")
  void abandonedUploadsExpire(VertxTestContext ctx) {
    String abandoned = newId();
    String active = newId();
    jobs.create(abandoned, "import", "notes", false)
        .compose(v -> jobs.create(active, "import", "notes", false))
        .compose(
            v -> {
              clock.advance(LEASE_MS);
              return jobs.append(new ChunkUpload(active, 0, 1, 1, "{}\n"));
            })
        .compose(
            v -> {
              clock.advance(LEASE_MS / 2);
              return jobs.expireUploads(LEASE_MS);
            })
        .compose(
            expired -> {
              ctx.verify(() -> assertThat(expired).isEqualTo(1));
              return Future.all(jobs.get(abandoned), jobs.get(active));
            })
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          JobStatus gone = both.resultAt(0);
                          JobStatus receiving = both.resultAt(1);
                          assertThat(gone.state()).isEqualTo(JobStatus.FAILED);
                          assertThat(gone.error()).contains("upload stopped");
                          assertThat(receiving.state()).isEqualTo(JobStatus.RECEIVING);
                          ctx.completeNow();
                        })));
  }

  /** A clock the test moves forward, so a lease expires without waiting for it. */
  private static final class MovableClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());

    void advance(long millis) {
      now.updateAndGet(i -> i.plusMillis(millis));
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
