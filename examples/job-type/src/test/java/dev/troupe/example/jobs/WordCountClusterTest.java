package dev.troupe.example.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.jobs.JobTypeOptions;
import dev.troupe.shared.jobs.JobTypes;
import dev.troupe.testkit.JvmProcess;
import dev.troupe.testkit.TroupeCluster;
import dev.troupe.testkit.TroupeClusterExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The example job type across two nodes: the test's own JVM (a Troupe node from the test kit, with
 * {@link WordCount} registered on it) and the example service as a process of its own ({@link
 * Main}, a lite member). The process is killed with SIGKILL in the middle of a chunk; its lease
 * expires and the test's node runs that chunk again.
 *
 * <p>The guarantee checked: every line's count is in the job's result exactly once, although the
 * chunk the process died in ran twice (execution is at least once; the recorded outcome exactly
 * once, because the outcome of a worker that lost its lease is ignored).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The example job type wordcount on a Troupe cluster")
class WordCountClusterTest {
  private static final int LINES = 120;
  private static final long LEASE_MS = 1_500;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_JOBS_CHUNK_SIZE", "10")
              .setting("TROUPE_JOBS_POLL_MS", "100")
              .setting("TROUPE_ACCESS_LOG", "false"));

  private JvmProcess service;

  @AfterEach
  void stopService() {
    if (service != null) {
      service.destroy();
    }
  }

  /** Line i (from 0) has i % 7 + 1 words. */
  private static String text(int i) {
    return IntStream.rangeClosed(0, i % 7).mapToObj(w -> "w" + w).collect(Collectors.joining(" "));
  }

  private static Buffer body() {
    Buffer body = Buffer.buffer();
    for (int i = 0; i < LINES; i++) {
      body.appendString(new JsonObject().put("text", text(i)).encode()).appendString("\n");
    }
    return body;
  }

  @Test
  @Timeout(value = 3, timeUnit = TimeUnit.MINUTES)
  @DisplayName(
      "a job runs on both nodes, survives the service process's kill -9 mid-chunk, and its result has every line's count exactly once")
  void survivesAKilledNode(Vertx vertx, VertxTestContext ctx) throws Exception {
    TroupeCluster cluster = TROUPE.cluster();
    WebClient http = WebClient.create(vertx);
    int port = cluster.httpPort(0);
    service =
        JvmProcess.start(
            "wordcount-service",
            Main.class.getName(),
            Map.of(
                "TROUPE_CLUSTER_NAME", cluster.name(),
                "TROUPE_CLUSTER_MEMBERS", cluster.node(0).memberAddress(),
                "WORDCOUNT_NODE", "service",
                "WORDCOUNT_DELAY_MS", "400",
                "WORDCOUNT_LEASE_MS", String.valueOf(LEASE_MS)),
            Path.of("target", "job-type-logs"));
    // The test's node works more slowly, so the service gets chunks of its own.
    Vertx node = cluster.node(0).vertx();
    JobTypeOptions options = JobTypeOptions.defaults().leaseMs(LEASE_MS).pollMs(100);
    String[] killedIn = new String[1];
    service
        .line(l -> l.startsWith(Main.PREFIX + "ready"))
        .compose(
            ready ->
                JobTypes.register(
                    node, WordCount.TYPE, options, new WordCount(node, "test", 600, e -> {})))
        .compose(
            registered ->
                http.post(port, "127.0.0.1", "/api/v1/jobs?type=wordcount&collection=texts&input=ndjson")
                    .putHeader("Content-Type", "application/x-ndjson")
                    .sendBuffer(body()))
        .compose(
            submitted -> {
              ctx.verify(() -> assertThat(submitted.statusCode()).isEqualTo(202));
              String id = submitted.bodyAsJsonObject().getString("id");
              // Once the service finished a chunk, kill it as it starts its next one.
              return service
                  .line(l -> l.startsWith(Main.PREFIX + "done " + id))
                  .compose(
                      done -> {
                        int seen = service.lines().size();
                        return service.line(
                            l ->
                                l.startsWith(Main.PREFIX + "start " + id)
                                    && service.lines().indexOf(l) >= seen);
                      })
                  .compose(
                      started -> {
                        killedIn[0] = started.substring(started.lastIndexOf(' ') + 1);
                        return vertx.executeBlocking(
                            () -> {
                              service.kill();
                              return id;
                            });
                      });
            })
        .compose(id -> finished(vertx, http, port, id, System.currentTimeMillis() + 120_000))
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    assertThat(job.getString("state")).isEqualTo("succeeded");
                    assertThat(job.getLong("done")).isEqualTo(LINES);
                    assertThat(job.getLong("total")).isEqualTo(LINES);
                    assertThat(job.getLong("failed")).isZero();
                  });
              return http.get(port, "127.0.0.1", "/api/v1/jobs/" + job.getString("id") + "/result")
                  .send();
            })
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          List<JsonObject> lines = lines(result);
                          assertThat(lines)
                              .extracting(l -> l.getLong("item"))
                              .as("every line once")
                              .containsExactlyInAnyOrderElementsOf(
                                  IntStream.rangeClosed(1, LINES).mapToObj(i -> (long) i).toList());
                          for (JsonObject line : lines) {
                            int i = (int) (line.getLong("item") - 1);
                            assertThat(line.getInteger("words")).isEqualTo(i % 7 + 1);
                          }
                          Map<String, Long> byNode =
                              lines.stream()
                                  .collect(
                                      Collectors.groupingBy(
                                          l -> l.getString("node"), Collectors.counting()));
                          assertThat(byNode.keySet())
                              .as("chunks ran on both nodes")
                              .isEqualTo(Set.of("service", "test"));
                          // The chunk the service died in was run again by the test's node.
                          int seq = Integer.parseInt(killedIn[0]);
                          assertThat(lines)
                              .filteredOn(l -> (l.getLong("item") - 1) / 10 == seq)
                              .hasSize(10)
                              .extracting(l -> l.getString("node"))
                              .containsOnly("test");
                          ctx.completeNow();
                        })));
  }

  private static List<JsonObject> lines(HttpResponse<Buffer> result) {
    return result.bodyAsString().lines().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
  }

  /** The job once it has finished, asking every 100 ms until {@code deadline}. */
  private static Future<JsonObject> finished(
      Vertx vertx, WebClient http, int port, String id, long deadline) {
    return http.get(port, "127.0.0.1", "/api/v1/jobs/" + id)
        .send()
        .map(HttpResponse::bodyAsJsonObject)
        .compose(
            job -> {
              if (Set.of("succeeded", "failed", "cancelled").contains(job.getString("state"))) {
                return Future.succeededFuture(job);
              }
              if (System.currentTimeMillis() > deadline) {
                return Future.failedFuture(new AssertionError("job not finished in time: " + job));
              }
              return vertx.timer(100).compose(t -> finished(vertx, http, port, id, deadline));
            });
  }

}
