package dev.troupe.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Readiness probes of node processes, and waiting for a condition that a probe proves. */
final class ReadyProbe {
  private static final long PROBE_INTERVAL_MS = 200;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ReadyProbe() {}

  /** GET /health/ready of {@code node}. */
  static HttpResponse<String> health(NodeProcess node) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/health/ready"))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The Hazelcast members a ready (or unready) answer reports, or -1 when it names none. */
  static int members(String readyBody) {
    JsonArray checks = new JsonObject(readyBody).getJsonArray("checks", new JsonArray());
    for (int i = 0; i < checks.size(); i++) {
      JsonObject check = checks.getJsonObject(i);
      if ("cluster".equals(check.getString("id")) && check.getJsonObject("data") != null) {
        return check.getJsonObject("data").getInteger("members", -1);
      }
    }
    return -1;
  }

  /** The node answers 200 on /health/ready and sees {@code members} members. */
  static boolean readyWith(NodeProcess node, int members) {
    try {
      HttpResponse<String> r = health(node);
      return r.statusCode() == 200 && members(r.body()) == members;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Completes when {@code condition} (a real probe: an HTTP call, a counter) holds, checked every
   * 200 ms; fails naming {@code what} after {@code seconds}.
   */
  @SuppressWarnings(
      "FutureReturnValueIgnored") // the probe ends with its executor (finally); its failures
  // complete met
  static void await(String what, BooleanSupplier condition, long seconds) throws Exception {
    CompletableFuture<Void> met = new CompletableFuture<>();
    ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor();
    try {
      probe.scheduleWithFixedDelay(
          () -> {
            try {
              if (condition.getAsBoolean()) {
                met.complete(null);
              }
            } catch (RuntimeException e) {
              met.completeExceptionally(e);
            }
          },
          0,
          PROBE_INTERVAL_MS,
          TimeUnit.MILLISECONDS);
      met.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("not within " + seconds + " s: " + what);
    } catch (ExecutionException e) {
      throw new IllegalStateException("probing failed: " + what, e.getCause());
    } finally {
      probe.shutdownNow();
    }
  }
}
