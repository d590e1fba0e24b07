package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job outlives the node running it: node 0 holds the gateway, the database and the cache, nodes 1
 * and 2 run request-service with one job worker each. Node 1 is stopped in the middle of an import;
 * node 2 takes over the chunks node 1 held once their leases expire, and the job succeeds with
 * every document present exactly once.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Background jobs survive the node running them")
class JobsFailoverTest {
  private static final int LINES = 20_000;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway", "db", "cache")
              .node("request")
              .node("request")
              .setting("TROUPE_JOBS_WORKERS", "1")
              .setting("TROUPE_JOBS_CHUNK_SIZE", "200")
              .setting("TROUPE_JOBS_LEASE_MS", "1500")
              .setting("TROUPE_JOBS_POLL_MS", "100")
              .setting("TROUPE_CACHE_TIMEOUT_MS", "5000")
              .setting("TROUPE_ACCESS_LOG", "false"));

  private static double chunksDone(int node) {
    MeterRegistry registry = TROUPE.cluster().node(node).runtime().registry();
    Counter counter =
        registry.find("troupe_jobs_chunks").tag("type", "import").tag("outcome", "done").counter();
    return counter == null ? 0 : counter.count();
  }

  /**
   * Completes once node {@code node} has finished {@code chunks} import chunks, asking every 20 ms.
   */
  private static Future<Void> awaitChunks(Vertx vertx, int node, double chunks, long deadline) {
    if (chunksDone(node) >= chunks) {
      return Future.succeededFuture();
    }
    if (System.currentTimeMillis() > deadline) {
      return Future.failedFuture(
          new AssertionError("node " + node + " finished only " + chunksDone(node) + " chunks"));
    }
    return vertx.timer(20).compose(t -> awaitChunks(vertx, node, chunks, deadline));
  }

  @Test
  @Timeout(value = 4, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "stopping the node working on an import mid-job: another node finishes it, state succeeded, every document present exactly once")
  void importSurvivesTheWorkerNode(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Set<String> expected =
        IntStream.range(0, LINES)
            .mapToObj(i -> String.format("f-%06d", i))
            .collect(Collectors.toSet());
    double survivorBefore = chunksDone(2);
    String[] jobId = new String[1];
    Jobs.upload(
            vertx,
            http.port(),
            "/api/v1/jobs?type=import&collection=failover",
            LINES,
            i -> "{\"id\":\"" + String.format("f-%06d", i) + "\",\"data\":{\"n\":" + i + "}}")
        .compose(
            answer -> {
              ctx.verify(
                  () -> assertThat(answer.status()).as(answer.body().toString()).isEqualTo(202));
              jobId[0] = answer.json().getString("id");
              return awaitChunks(vertx, 1, 3, System.currentTimeMillis() + 120_000);
            })
        .compose(working -> http.get("/api/v1/jobs/" + jobId[0]))
        .compose(
            midway -> {
              ctx.verify(
                  () ->
                      assertThat(midway.bodyAsJsonObject().getString("state"))
                          .as("the job is still running when its node stops")
                          .isEqualTo("running"));
              return TROUPE.cluster().stopNode(1);
            })
        .compose(stopped -> Jobs.awaitFinished(vertx, http, jobId[0], 180_000))
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    assertThat(job.getString("state")).as(job.encode()).isEqualTo("succeeded");
                    assertThat(job.getLong("done")).isEqualTo(LINES);
                    assertThat(job.getLong("failed")).isZero();
                    assertThat(chunksDone(2) - survivorBefore)
                        .as("chunks the surviving node finished")
                        .isPositive();
                  });
              return Jobs.ids(http, "failover");
            })
        .onComplete(
            ctx.succeeding(
                ids ->
                    ctx.verify(
                        () -> {
                          assertThat(ids).hasSize(LINES);
                          assertThat(ids).isEqualTo(expected);
                          ctx.completeNow();
                        })));
  }
}
