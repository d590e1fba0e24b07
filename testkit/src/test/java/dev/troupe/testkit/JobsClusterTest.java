package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Background jobs through a two-node cluster (gateway, request and cache on node 0, the database on
 * node 1): imports streamed in as NDJSON, their progress, bad lines, cancel, export and warmup.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Background jobs (import, export, warmup) on a two-node cluster")
class JobsClusterTest {
  private static final int MAX_BODY = 4_000_000;
  private static final int WORKERS = 2;
  private static final int CHUNK = 1000;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "request", "cache")
              .node("db")
              .setting("TROUPE_JOBS_MAX_BODY_BYTES", String.valueOf(MAX_BODY))
              .setting("TROUPE_JOBS_WORKERS", String.valueOf(WORKERS))
              .setting("TROUPE_JOBS_CHUNK_SIZE", String.valueOf(CHUNK))
              .setting("TROUPE_JOBS_POLL_MS", "100")
              .setting("TROUPE_CACHE_TIMEOUT_MS", "5000")
              .setting("TROUPE_ACCESS_LOG", "false"));

  private Http http;

  @BeforeEach
  void client(Vertx vertx) {
    http = new Http(vertx, TROUPE.cluster().httpPort(0));
  }

  private static String line(String prefix, int i) {
    return "{\"id\":\"" + id(prefix, i) + "\",\"data\":{\"n\":" + i + "}}";
  }

  private static String id(String prefix, int i) {
    return String.format("%s-%06d", prefix, i);
  }

  private Future<Jobs.Answer> importLines(
      Vertx vertx, String collection, int lines, java.util.function.IntFunction<String> line) {
    return Jobs.upload(
        vertx, http.port(), "/api/v1/jobs?type=import&collection=" + collection, lines, line);
  }

  private Future<HttpResponse<Buffer>> post(String uri) {
    return http.send(HttpMethod.POST, uri, null, null);
  }

  private static double importedItems() {
    Counter counter =
        TROUPE
            .cluster()
            .node(0)
            .runtime()
            .registry()
            .find("troupe_jobs_items")
            .tag("type", "import")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  @Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "an import of 100,000 documents answers 202 with the job, succeeds with done = total, and the documents read back")
  void import100k(Vertx vertx, VertxTestContext ctx) {
    int lines = 100_000;
    double itemsBefore = importedItems();
    importLines(vertx, "bulk", lines, i -> line("b", i))
        .compose(
            answer -> {
              ctx.verify(
                  () -> {
                    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202);
                    assertThat(answer.location())
                        .isEqualTo("/api/v1/jobs/" + answer.json().getString("id"));
                    assertThat(answer.json().getString("type")).isEqualTo("import");
                    assertThat(answer.json().getString("state"))
                        .isIn("queued", "running", "succeeded");
                    assertThat(answer.json().getLong("total")).isEqualTo(lines);
                  });
              return Jobs.awaitFinished(vertx, http, answer.json().getString("id"), 240_000);
            })
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    assertThat(job.getString("state")).as(job.encode()).isEqualTo("succeeded");
                    assertThat(job.getLong("done")).isEqualTo(lines);
                    assertThat(job.getLong("total")).isEqualTo(lines);
                    assertThat(job.getLong("failed")).isZero();
                    assertThat(job.getDouble("ratePerSec")).isPositive();
                    assertThat(job.getLong("etaSec")).isZero();
                    assertThat(job.getString("finishedAt")).isNotNull();
                    assertThat(importedItems() - itemsBefore).isGreaterThanOrEqualTo(lines);
                  });
              List<Integer> sample =
                  IntStream.iterate(0, i -> i < lines, i -> i + 4_999)
                      .boxed()
                      .collect(Collectors.toList());
              sample.add(lines - 1);
              List<Future<HttpResponse<Buffer>>> reads = new ArrayList<>();
              sample.forEach(i -> reads.add(http.get("/api/v1/docs/bulk/" + id("b", i))));
              return Future.all(reads)
                  .map(
                      all -> {
                        ctx.verify(
                            () -> {
                              for (int k = 0; k < sample.size(); k++) {
                                HttpResponse<Buffer> r = all.resultAt(k);
                                assertThat(r.statusCode()).isEqualTo(200);
                                assertThat(
                                        r.bodyAsJsonObject().getJsonObject("data").getInteger("n"))
                                    .isEqualTo(sample.get(k));
                              }
                            });
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "lines without a valid id or data are not written and the result names them by line number; the good lines are, the later of two with one id winning")
  void badLines(Vertx vertx, VertxTestContext ctx) {
    // A line that is not a JSON object at all fails the whole import (StrictJsonEntriesTest).
    List<String> body =
        List.of(
            "{\"id\":\"a\",\"data\":{\"v\":1}}",
            "{\"id\":\"bad id!\",\"data\":{}}",
            "{\"id\":\"nodata\"}",
            "",
            "{\"id\":\"b\",\"data\":{\"v\":2}}",
            "{\"id\":\"a\",\"data\":[1,2]}",
            "{\"id\":\"a\",\"data\":{\"v\":8}}");
    importLines(vertx, "mixed", body.size(), body::get)
        .compose(answer -> Jobs.awaitFinished(vertx, http, answer.json().getString("id"), 60_000))
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    assertThat(job.getString("state")).as(job.encode()).isEqualTo("succeeded");
                    assertThat(job.getLong("total")).isEqualTo(7);
                    assertThat(job.getLong("done")).isEqualTo(7);
                    assertThat(job.getLong("failed")).isEqualTo(3);
                  });
              return http.get("/api/v1/jobs/" + job.getString("id") + "/result");
            })
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.statusCode()).isEqualTo(200);
                    assertThat(result.getHeader("Content-Type")).isEqualTo("application/json");
                    JsonObject summary = result.bodyAsJsonObject();
                    assertThat(summary.getLong("failed")).isEqualTo(3);
                    assertThat(
                            summary.getJsonArray("errors").stream()
                                .map(e -> ((JsonObject) e).getLong("line")))
                        .containsExactly(2L, 3L, 6L);
                    assertThat(summary.getJsonArray("errors").getJsonObject(0).getString("error"))
                        .contains("id must be");
                  });
              return Future.all(
                  http.get("/api/v1/docs/mixed/a"),
                  http.get("/api/v1/docs/mixed/b"),
                  http.get("/api/v1/docs/mixed/nodata"));
            })
        .onComplete(
            ctx.succeeding(
                reads ->
                    ctx.verify(
                        () -> {
                          assertThat(
                                  ((HttpResponse<Buffer>) reads.resultAt(0))
                                      .bodyAsJsonObject()
                                      .getJsonObject("data")
                                      .getInteger("v"))
                              .isEqualTo(8);
                          assertThat(
                                  ((HttpResponse<Buffer>) reads.resultAt(1))
                                      .bodyAsJsonObject()
                                      .getJsonObject("data")
                                      .getInteger("v"))
                              .isEqualTo(2);
                          assertThat(((HttpResponse<Buffer>) reads.resultAt(2)).statusCode())
                              .isEqualTo(404);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "an unknown job is 404, a malformed id or a bad type or collection 400, a non-NDJSON import 415, an empty one 400, a too large one 413, each as problem+json")
  void badRequests(Vertx vertx, VertxTestContext ctx) {
    String tooLarge = "x".repeat(MAX_BODY + 1);
    Future.all(
            List.of(
                http.get("/api/v1/jobs/0123456789abcdef0123456789abcdef"),
                http.get("/api/v1/jobs/not-a-job"),
                post("/api/v1/jobs?type=reindex&collection=books"),
                post("/api/v1/jobs?type=export"),
                http.send(
                    HttpMethod.POST,
                    "/api/v1/jobs?type=import&collection=books",
                    Http.headers("Content-Type", "application/xml"),
                    "<doc/>"),
                http.send(
                    HttpMethod.POST,
                    "/api/v1/jobs?type=import&collection=books",
                    Http.headers("Content-Type", "application/x-ndjson"),
                    ""),
                http.send(
                    HttpMethod.POST,
                    "/api/v1/jobs?type=import&collection=books",
                    Http.headers("Content-Type", "application/x-ndjson"),
                    tooLarge),
                http.delete("/api/v1/jobs/0123456789abcdef0123456789abcdef")))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          int[] expected = {404, 400, 400, 400, 415, 400, 413, 404};
                          for (int i = 0; i < expected.length; i++) {
                            HttpResponse<Buffer> r = all.resultAt(i);
                            assertThat(r.statusCode())
                                .as("call %d: %s", i, r.bodyAsString())
                                .isEqualTo(expected[i]);
                            assertThat(r.getHeader("Content-Type"))
                                .isEqualTo("application/problem+json");
                          }
                          assertThat(
                                  ((HttpResponse<Buffer>) all.resultAt(2))
                                      .bodyAsJsonObject()
                                      .getString("detail"))
                              .as("a type's name, but no service registered it")
                              .contains("no service registered the job type reindex");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "an import streamed past TROUPE_JOBS_MAX_BODY_BYTES without a Content-Length is cut off with 413, and its job fails")
  void streamedTooLarge(Vertx vertx, VertxTestContext ctx) {
    int lines = MAX_BODY / 30 + 1_000;
    importLines(vertx, "huge", lines, i -> line("h", i))
        .onComplete(
            ctx.succeeding(
                answer ->
                    ctx.verify(
                        () -> {
                          assertThat(answer.status()).as(answer.body().toString()).isEqualTo(413);
                          assertThat(answer.json().getString("detail"))
                              .contains("TROUPE_JOBS_MAX_BODY_BYTES");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "a cancelled import stops: it stays cancelled, its progress freezes, and no chunk starts after the cancel")
  void cancel(Vertx vertx, VertxTestContext ctx) {
    int lines = 50_000;
    Checkpoint cancelled = ctx.checkpoint();
    Checkpoint stopped = ctx.checkpoint();
    importLines(vertx, "cancelme", lines, i -> line("c", i))
        .compose(answer -> http.delete("/api/v1/jobs/" + answer.json().getString("id")))
        .compose(
            r -> {
              JsonObject job = r.bodyAsJsonObject();
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(job.getString("state")).isEqualTo("cancelled");
                    assertThat(job.getLong("done")).isLessThan(lines);
                    assertThat(job.getString("finishedAt")).isNotNull();
                    cancelled.flag();
                  });
              // Once a later job went through the same workers, whatever they held at the cancel is
              // written.
              return importLines(vertx, "aftercancel", 10, i -> line("z", i))
                  .compose(a -> Jobs.awaitFinished(vertx, http, a.json().getString("id"), 60_000))
                  .compose(after -> http.get("/api/v1/jobs/" + job.getString("id")))
                  .compose(
                      again ->
                          Jobs.ids(http, "cancelme")
                              .map(
                                  ids -> {
                                    ctx.verify(
                                        () -> {
                                          JsonObject now = again.bodyAsJsonObject();
                                          assertThat(now.getString("state")).isEqualTo("cancelled");
                                          assertThat(now.getLong("done"))
                                              .isEqualTo(job.getLong("done"));
                                          // The chunks in work at the cancel may still finish; no
                                          // other starts.
                                          assertThat((long) ids.size())
                                              .isLessThanOrEqualTo(
                                                  job.getLong("done") + (long) WORKERS * CHUNK);
                                          assertThat(ids.size()).isLessThan(lines);
                                          stopped.flag();
                                        });
                                    return null;
                                  }));
            })
        .onFailure(ctx::failNow);
  }

  @Test
  @Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "an export's result is exactly the NDJSON that was imported, in id order; a warmup reads every document")
  void exportAndWarmup(Vertx vertx, VertxTestContext ctx) {
    int lines = 2_500;
    String imported =
        IntStream.range(0, lines).mapToObj(i -> line("e", i) + "\n").collect(Collectors.joining());
    importLines(vertx, "exports", lines, i -> line("e", i))
        .compose(answer -> Jobs.awaitFinished(vertx, http, answer.json().getString("id"), 60_000))
        .compose(done -> post("/api/v1/jobs?type=export&collection=exports"))
        .compose(
            answer -> {
              ctx.verify(
                  () -> {
                    assertThat(answer.statusCode()).isEqualTo(202);
                    assertThat(answer.getHeader("Location")).startsWith("/api/v1/jobs/");
                  });
              return Jobs.awaitFinished(
                  vertx, http, answer.bodyAsJsonObject().getString("id"), 60_000);
            })
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    assertThat(job.getString("state")).as(job.encode()).isEqualTo("succeeded");
                    assertThat(job.getLong("total")).isEqualTo(lines);
                    assertThat(job.getLong("done")).isEqualTo(lines);
                  });
              return http.get("/api/v1/jobs/" + job.getString("id") + "/result");
            })
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.statusCode()).isEqualTo(200);
                    assertThat(result.getHeader("Content-Type")).isEqualTo("application/x-ndjson");
                    assertThat(result.bodyAsString()).isEqualTo(imported);
                  });
              return post("/api/v1/jobs?type=warmup&collection=exports");
            })
        .compose(
            answer ->
                Jobs.awaitFinished(vertx, http, answer.bodyAsJsonObject().getString("id"), 60_000))
        .onComplete(
            ctx.succeeding(
                job ->
                    ctx.verify(
                        () -> {
                          assertThat(job.getString("type")).isEqualTo("warmup");
                          assertThat(job.getString("state")).isEqualTo("succeeded");
                          assertThat(job.getLong("done")).isEqualTo(lines);
                          ctx.completeNow();
                        })));
  }
}
