package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.JobInput;
import dev.troupe.shared.jobs.ChunkResult;
import dev.troupe.shared.jobs.JobHandler;
import dev.troupe.shared.jobs.JobItem;
import dev.troupe.shared.jobs.JobTypeOptions;
import dev.troupe.shared.jobs.JobTypeRegistration;
import dev.troupe.shared.jobs.JobTypes;
import dev.troupe.shared.jobs.JobWork;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * User job types on a cluster: node 0 runs Troupe's services (its job workers run the built-in
 * types only), nodes 1 and 2 are bare members on which the tests register types with {@link
 * JobTypes}, as a service of its own would.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("User job types across a cluster")
class JobTypesClusterTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "db", "cache", "request")
              .node()
              .node()
              .setting("TROUPE_JOBS_CHUNK_SIZE", "3")
              .setting("TROUPE_JOBS_POLL_MS", "100")
              .setting("TROUPE_ACCESS_LOG", "false"));

  private static final JobTypeOptions FAST = JobTypeOptions.defaults().pollMs(100).pageSize(2);

  private static Vertx node(int index) {
    return TROUPE.cluster().node(index).vertx();
  }

  /**
   * A handler that answers each item with its number, id and the node it ran on; an NDJSON line
   * without a string id is an item error.
   */
  private static Future<ChunkResult> echo(String node, JobWork work) {
    List<JsonObject> out = new ArrayList<>();
    List<ChunkResult.ItemError> errors = new ArrayList<>();
    for (JobItem item : work.items()) {
      Object id = item.id() != null ? item.id() : item.data().getValue("id");
      if (!(id instanceof String)) {
        errors.add(new ChunkResult.ItemError(item.number(), "id must be a string"));
        continue;
      }
      out.add(new JsonObject().put("n", item.number()).put("id", id).put("node", node));
    }
    return Future.succeededFuture(new ChunkResult(errors, out));
  }

  private static String ndjson(String prefix, int lines) {
    return IntStream.range(0, lines)
            .mapToObj(i -> "{\"id\":\"" + prefix + i + "\",\"data\":{}}")
            .collect(Collectors.joining("\n"))
        + "\n";
  }

  private static Future<JsonObject> submit(Http http, String query, String body) {
    return http.send(
            HttpMethod.POST,
            "/api/v1/jobs?" + query,
            Http.headers("Content-Type", "application/x-ndjson"),
            body)
        .map(
            r -> {
              if (r.statusCode() != 202) {
                throw new AssertionError(
                    "submit answered " + r.statusCode() + ": " + r.bodyAsString());
              }
              return r.bodyAsJsonObject();
            });
  }

  /**
   * Submits a job of {@code type} over {@code collection} whose input is the NDJSON {@code body}.
   */
  private static Future<JsonObject> submitLines(
      Http http, String type, String collection, String body) {
    return submit(http, "type=" + type + "&collection=" + collection + "&input=ndjson", body);
  }

  private static Http http(Vertx vertx) {
    return new Http(vertx, TROUPE.cluster().httpPort(0));
  }

  /** The job {@code job} (as submitted) once it has finished. */
  private static Future<JsonObject> finished(Vertx vertx, Http http, JsonObject job) {
    return Jobs.awaitFinished(vertx, http, job.getString("id"), 60_000);
  }

  /** {@code /api/v1/jobs/<id><suffix>} for the job {@code job}. */
  private static Future<HttpResponse<Buffer>> getJob(Http http, JsonObject job, String suffix) {
    return http.get("/api/v1/jobs/" + job.getString("id") + suffix);
  }

  private static List<JsonObject> lines(String ndjson) {
    return ndjson.lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
  }

  /** The NDJSON lines of the {@code index}-th response in {@code answers}. */
  private static List<JsonObject> lines(CompositeFuture answers, int index) {
    return lines(answers.<HttpResponse<Buffer>>resultAt(index).bodyAsString());
  }

  /** {@link #echo} as node {@code node}, counting its calls under {@code name}. */
  private static JobHandler counting(Map<String, AtomicInteger> calls, String name, String node) {
    return work -> {
      calls.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      return echo(node, work);
    };
  }

  @Test
  @Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "a registered type runs over a collection and over an NDJSON body: progress counts every item, the output is the result, refused items are its errors")
  void runsOverCollectionAndNdjson(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    Future<Void> docs = Future.succeededFuture();
    for (int i = 1; i <= 5; i++) {
      String uri = "/api/v1/docs/photos/p" + i;
      docs = docs.compose(v -> http.putJson(uri, "{\"w\":1}").mapEmpty());
    }
    docs.compose(v -> JobTypes.register(node(1), "sizes", FAST, work -> echo("n1", work)))
        .compose(reg -> submit(http, "type=sizes&collection=photos", null))
        .compose(job -> finished(vertx, http, job))
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    assertThat(job.getString("state")).isEqualTo("succeeded");
                    assertThat(job.getString("type")).isEqualTo("sizes");
                    assertThat(job.getLong("done")).isEqualTo(5);
                    assertThat(job.getLong("total")).isEqualTo(5);
                    assertThat(job.getLong("etaSec")).isZero();
                    assertThat(job.getValue("ratePerSec")).isNotNull();
                  });
              return getJob(http, job, "/result");
            })
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.getHeader("Content-Type")).startsWith("application/x-ndjson");
                    assertThat(lines(result.bodyAsString()))
                        .extracting(l -> l.getString("id") + "#" + l.getLong("n"))
                        .containsExactly("p1#1", "p2#2", "p3#3", "p4#4", "p5#5");
                  });
              return submitLines(
                  http,
                  "sizes",
                  "photos",
                  "{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":3}\n{\"id\":\"c\"}\n");
            })
        .compose(job -> finished(vertx, http, job))
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    assertThat(job.getString("state")).isEqualTo("succeeded");
                    assertThat(job.getLong("done")).isEqualTo(4);
                    assertThat(job.getLong("total")).isEqualTo(4);
                    assertThat(job.getLong("failed")).isEqualTo(1);
                  });
              return getJob(http, job, "/errors");
            })
        .onComplete(
            ctx.succeeding(
                errors ->
                    ctx.verify(
                        () -> {
                          assertThat(errors.statusCode()).isEqualTo(200);
                          assertThat(errors.bodyAsJsonObject().getJsonArray("errors").encode())
                              .isEqualTo("[{\"line\":3,\"error\":\"id must be a string\"}]");
                          // The jobs metrics of the node the type runs on, as for a built-in type:
                          // three pages of the collection and two chunks of the body.
                          MeterRegistry registry = TROUPE.cluster().node(1).runtime().registry();
                          Counter done =
                              registry
                                  .find("troupe_jobs_chunks")
                                  .tag("type", "sizes")
                                  .tag("outcome", "done")
                                  .counter();
                          assertThat(done).as("troupe_jobs_chunks of the user type").isNotNull();
                          assertThat(done.count()).isGreaterThanOrEqualTo(5);
                          assertThat(
                                  registry
                                      .find("troupe_jobs_items")
                                      .tag("type", "sizes")
                                      .counter()
                                      .count())
                              .isEqualTo(9);
                          assertThat(
                                  registry
                                      .find("troupe_jobs_chunk_seconds")
                                      .tag("type", "sizes")
                                      .timer()
                                      .count())
                              .isGreaterThanOrEqualTo((long) done.count());
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a type nobody registered, a name that is no type's, and an input the type does not take are 400 problems at submit time")
  void unknownTypesAreRefused(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    JobTypeOptions ndjsonOnly = FAST.inputs(JobInput.NDJSON);
    http.send(HttpMethod.POST, "/api/v1/jobs?type=nosuch&collection=photos", null, null)
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).isEqualTo(400);
                    assertThat(r.getHeader("Content-Type")).startsWith("application/problem+json");
                    assertThat(r.bodyAsJsonObject().getString("detail"))
                        .contains("no service registered the job type nosuch");
                  });
              return http.send(
                  HttpMethod.POST, "/api/v1/jobs?type=No%20Such&collection=photos", null, null);
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).isEqualTo(400));
              return JobTypes.register(node(2), "lines-only", ndjsonOnly, work -> echo("n2", work));
            })
        .compose(
            reg ->
                http.send(
                        HttpMethod.POST,
                        "/api/v1/jobs?type=lines-only&collection=photos",
                        null,
                        null)
                    .compose(r -> reg.unregister().map(r)))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).isEqualTo(400);
                          assertThat(r.bodyAsJsonObject().getString("detail"))
                              .contains("reads ndjson, not collection");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "a type's chunks run only on the nodes that registered it: neither another type's node nor Troupe's own job workers take one")
  void onlyNodesWithTheHandlerClaim(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    Future<JobTypeRegistration> alpha =
        JobTypes.register(node(1), "alpha", FAST.concurrency(2), counting(calls, "alpha@n1", "n1"));
    Future<JobTypeRegistration> beta =
        JobTypes.register(node(2), "beta", FAST, counting(calls, "beta@n2", "n2"));
    Future.all(alpha, beta)
        // The lines look like an import's: a built-in worker claiming them would write documents.
        .compose(
            regs ->
                Future.all(
                    submitLines(http, "alpha", "alphas", ndjson("a", 12)),
                    submitLines(http, "beta", "betas", ndjson("b", 12))))
        .compose(
            jobs ->
                Future.all(
                    finished(vertx, http, jobs.resultAt(0)),
                    finished(vertx, http, jobs.resultAt(1))))
        .compose(
            done ->
                Future.all(
                    getJob(http, done.resultAt(0), "/result"),
                    getJob(http, done.resultAt(1), "/result"),
                    http.get("/api/v1/docs/alphas/a0")))
        .onComplete(
            ctx.succeeding(
                answers ->
                    ctx.verify(
                        () -> {
                          List<JsonObject> a = lines(answers, 0);
                          List<JsonObject> b = lines(answers, 1);
                          assertThat(a).hasSize(12).allMatch(l -> "n1".equals(l.getString("node")));
                          assertThat(b).hasSize(12).allMatch(l -> "n2".equals(l.getString("node")));
                          assertThat(calls.keySet())
                              .containsExactlyInAnyOrder("alpha@n1", "beta@n2");
                          assertThat(calls.get("alpha@n1").get()).isEqualTo(4);
                          assertThat(answers.<HttpResponse<Buffer>>resultAt(2).statusCode())
                              .as("no built-in import ran the alpha lines")
                              .isEqualTo(404);
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 2, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "cancelling a running job of a user type: the handler sees its chunk lost, and its late outcome changes nothing")
  void cancel(Vertx vertx, VertxTestContext ctx) {
    Http http = http(vertx);
    Promise<JobWork> started = Promise.promise();
    Promise<ChunkResult> finish = Promise.promise();
    JobTypes.register(
            node(1),
            "stuck",
            FAST.leaseMs(300),
            work -> {
              started.tryComplete(work);
              return finish.future();
            })
        .compose(reg -> submitLines(http, "stuck", "stuck", ndjson("s", 3)))
        .compose(job -> started.future().map(job.getString("id")))
        .compose(
            id ->
                http.delete("/api/v1/jobs/" + id)
                    .map(
                        r -> {
                          ctx.verify(
                              () -> {
                                assertThat(r.statusCode()).isEqualTo(200);
                                assertThat(r.bodyAsJsonObject().getString("state"))
                                    .isEqualTo("cancelled");
                              });
                          return id;
                        }))
        .compose(
            id ->
                awaitLost(vertx, started.future().result(), System.currentTimeMillis() + 10_000)
                    .map(id))
        .compose(
            id -> {
              finish.complete(ChunkResult.output(List.of(new JsonObject().put("late", true))));
              // The worker runs one chunk at a time: once a second job of the type has finished,
              // the first chunk's late outcome has reached the store.
              return submitLines(http, "stuck", "stuck", ndjson("t", 3))
                  .compose(next -> finished(vertx, http, next))
                  .compose(
                      next ->
                          Future.all(
                              http.get("/api/v1/jobs/" + id),
                              http.get("/api/v1/jobs/" + id + "/result")));
            })
        .onComplete(
            ctx.succeeding(
                answers ->
                    ctx.verify(
                        () -> {
                          JsonObject job =
                              answers.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject();
                          assertThat(job.getString("state")).isEqualTo("cancelled");
                          assertThat(job.getLong("done")).isZero();
                          HttpResponse<Buffer> result = answers.resultAt(1);
                          assertThat(result.statusCode()).isEqualTo(200);
                          assertThat(result.bodyAsString())
                              .as("the late output is not the job's")
                              .isNullOrEmpty();
                          ctx.completeNow();
                        })));
  }

  private static Future<Void> awaitLost(Vertx vertx, JobWork work, long deadline) {
    if (work.lost()) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture(new AssertionError("the handler never saw its chunk lost"));
    }
    return vertx.timer(20).compose(t -> awaitLost(vertx, work, deadline));
  }
}
