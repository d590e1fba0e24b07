package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Malformed requests, written as raw bytes so that broken HTTP reaches the server as sent. Every
 * answer must be a 4xx problem+json whose {@code requestId} is the {@code X-Request-Id} header (the
 * client's own id when it sent a sane one), or a closed connection: never a 2xx or 3xx, never a
 * 5xx, never a hang. Nothing may be stored, and the gateway stays ready. The cases are generated
 * from a fixed seed ({@code -Dtroupe.fuzz.seed} picks another), so a failure is reproducible.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Gateway under malformed input")
class GatewayFuzzTest {
  private static final int CASES = Integer.getInteger("troupe.fuzz.cases", 2_400);
  private static final int CONCURRENCY = 16;
  private static final long SEED = Long.getLong("troupe.fuzz.seed", 20261129L);

  /** Longer than the server's idle timeout (2 s), which must cut any stalled request. */
  private static final long HANG_MS = 15_000;

  /**
   * The node lives in this JVM. Whatever the fuzzing leaves behind (buffers, connections, contexts)
   * must be collectable: the heap retained after a full collection may grow by no more than this.
   */
  private static final long MAX_RETAINED_GROWTH = 64L << 20;

  /**
   * Heap in use after a full collection (G1 runs one for System.gc()); called off the event loops.
   */
  private static long retainedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway", "chat")
              .setting("TROUPE_HTTP_MAX_BODY_BYTES", "65536")
              .setting("TROUPE_ACCESS_LOG", "false")
              // Stalled bodies (a chunk that never comes) are cut by the idle timeout, as slow
              // clients must be.
              .setting("TROUPE_HTTP_IDLE_TIMEOUT_SECONDS", "2"));

  @Test
  @Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "2,400 malformed requests get only 4xx problems with their request id or a closed connection; nothing is stored, the gateway stays ready and its memory bounded")
  void malformedInput(Vertx vertx, VertxTestContext ctx) {
    int port = TROUPE.cluster().httpPort(0);
    long heapBefore = retainedHeap();
    NetClient net =
        vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000).setIdleTimeout(20));
    Random random = new Random(SEED);
    List<byte[]> cases = new ArrayList<>(CASES);
    for (int i = 0; i < CASES; i++) {
      cases.add(Malformed.request(random, i));
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    Map<String, Integer> byFamily = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    long started = System.nanoTime();
    Http http = new Http(vertx, port);
    run(
            vertx,
            CONCURRENCY,
            CASES,
            i ->
                send(vertx, net, port, cases.get(i))
                    .map(
                        answer -> {
                          synchronized (outcomes) {
                            outcomes.merge(answer.kind(), 1, Integer::sum);
                            byFamily.merge(
                                Malformed.family(i) + ":" + answer.kind(), 1, Integer::sum);
                            String violation = answer.violation();
                            if (violation == null
                                && answer.kind().startsWith("closed")
                                && !Malformed.mayClose(i)) {
                              violation =
                                  "closed without an answer, though the request could be read";
                            }
                            if (violation != null) {
                              violations.add(
                                  "case "
                                      + i
                                      + ": "
                                      + violation
                                      + "\n  sent: "
                                      + Malformed.show(cases.get(i)));
                            }
                          }
                          return null;
                        }))
        .compose(
            v -> {
              System.out.printf(
                  "fuzz: %d cases in %d ms%n", CASES, (System.nanoTime() - started) / 1_000_000);
              return http.get("/api/v1/docs/" + Malformed.COLLECTION + "?limit=1000");
            })
        .compose(
            stored -> {
              ctx.verify(
                  () -> {
                    assertThat(stored.statusCode()).as(stored.bodyAsString()).isEqualTo(200);
                    assertThat(stored.bodyAsJsonObject().getJsonArray("items"))
                        .as("documents the fuzzing stored")
                        .isEmpty();
                  });
              return vertx.executeBlocking(GatewayFuzzTest::retainedHeap);
            })
        .compose(
            heapAfter -> {
              System.out.printf(
                  "fuzz retained heap: %d MiB before, %d MiB after%n",
                  heapBefore >> 20, heapAfter >> 20);
              ctx.verify(
                  () ->
                      assertThat(heapAfter - heapBefore)
                          .as(
                              "heap retained after the fuzzing grew from %d MiB to %d MiB",
                              heapBefore >> 20, heapAfter >> 20)
                          .isLessThan(MAX_RETAINED_GROWTH));
              return http.get("/health/ready");
            })
        .onComplete(
            ctx.succeeding(
                ready ->
                    ctx.verify(
                        () -> {
                          System.out.println("fuzz outcomes: " + outcomes);
                          System.out.println("fuzz outcomes by family: " + byFamily);
                          assertThat(violations)
                              .as(
                                  "answers that were not a 4xx problem with its request id, or a closed connection")
                              .isEmpty();
                          assertThat(outcomes.values().stream().mapToInt(Integer::intValue).sum())
                              .isEqualTo(CASES);
                          assertThat(outcomes.keySet())
                              .as("most cases are answered, not just dropped")
                              .anyMatch(k -> k.startsWith("4"));
                          assertThat(ready.statusCode())
                              .as("ready after the fuzzing")
                              .isEqualTo(200);
                          ctx.completeNow();
                        })));
  }

  /**
   * Runs {@code total} tasks, at most {@code width} at a time. Tasks complete on their connections'
   * event loops; the bookkeeping hops onto one context so the counters are never raced.
   */
  private static Future<Void> run(
      Vertx vertx, int width, int total, IntFunction<Future<Void>> task) {
    Promise<Void> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    int[] next = {0};
    int[] finished = {0};
    Runnable[] launch = new Runnable[1];
    launch[0] =
        () -> {
          int i = next[0]++;
          if (i >= total) {
            return;
          }
          task.apply(i)
              .onComplete(
                  ar ->
                      context.runOnContext(
                          v -> {
                            if (ar.failed()) {
                              done.tryFail(ar.cause());
                              return;
                            }
                            if (++finished[0] == total) {
                              done.tryComplete();
                            } else {
                              launch[0].run();
                            }
                          }));
        };
    context.runOnContext(
        v -> {
          for (int i = 0; i < width; i++) {
            launch[0].run();
          }
        });
    return done.future();
  }

  private record Answer(String kind, String violation) {}

  /** Sends raw bytes, reads until the server closes or a full response arrives, and judges it. */
  private static Future<Answer> send(Vertx vertx, NetClient net, int port, byte[] request) {
    Promise<Answer> answer = Promise.promise();
    long deadline =
        vertx.setTimer(
            HANG_MS,
            t ->
                answer.tryComplete(
                    new Answer("hung", "no answer and no close within " + HANG_MS + " ms")));
    answer.future().onComplete(done -> vertx.cancelTimer(deadline));
    net.connect(port, "127.0.0.1")
        .onComplete(
            ar -> {
              if (ar.failed()) {
                answer.complete(new Answer("connect-failed", "could not connect: " + ar.cause()));
                return;
              }
              var socket = ar.result();
              Buffer received = Buffer.buffer();
              boolean head =
                  new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1)
                      .equals("HEAD ");
              socket.handler(
                  chunk -> {
                    received.appendBuffer(chunk);
                    Response response = Response.parse(received, head);
                    if (response != null) {
                      answer.tryComplete(judge(response, Malformed.sentId(request)));
                      socket.close();
                    }
                  });
              socket.closeHandler(
                  v ->
                      answer.tryComplete(
                          received.length() == 0
                              ? new Answer("closed", null)
                              : judgePartial(received, Malformed.sentId(request))));
              socket.exceptionHandler(e -> answer.tryComplete(new Answer("closed", null)));
              socket.write(Buffer.buffer(request));
            });
    return answer.future();
  }

  private static final java.util.regex.Pattern SANE_ID =
      java.util.regex.Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");

  private static Answer judge(Response r, String sentId) {
    String kind = String.valueOf(r.status());
    if (r.status() >= 500) {
      return new Answer(kind, "status " + r.status() + ": " + r.body());
    }
    if (r.status() < 400) {
      return new Answer(
          kind, "a malformed request was served: status " + r.status() + ": " + r.body());
    }
    String id = r.requestId();
    if (id == null || id.isEmpty()) {
      return new Answer(kind, "no " + Malformed.ID_HEADER + " header");
    }
    if (r.body().isEmpty()) {
      // A HEAD request: the status is all a client gets.
      return new Answer(kind + "-head", null);
    }
    if (!r.contentType().startsWith("application/problem+json")) {
      return new Answer(kind, "4xx without problem+json: " + r.contentType() + " " + r.body());
    }
    JsonObject problem = new JsonObject(r.body());
    if (problem.getInteger("status") != r.status() || problem.getString("detail") == null) {
      return new Answer(kind, "malformed problem: " + r.body());
    }
    if (!id.equals(problem.getString("requestId"))) {
      return new Answer(
          kind, "requestId " + problem.getString("requestId") + " is not the header's " + id);
    }
    if (sentId != null
        && SANE_ID.matcher(sentId).matches()
        && !sentId.equals(id)
        && !unreadable(problem)) {
      return new Answer(kind, "the client's request id " + sentId + " came back as " + id);
    }
    return new Answer(kind, null);
  }

  /**
   * A request HTTP decoding gave up on: the client's headers were never read (a broken request
   * line, a header too large), so its own id cannot come back; a fresh one does, in header and body
   * alike.
   */
  private static boolean unreadable(JsonObject problem) {
    int status = problem.getInteger("status");
    return status == 414
        || status == 431
        || "the request is not valid HTTP".equals(problem.getString("detail"));
  }

  private static Answer judgePartial(Buffer received, String sentId) {
    Response r = Response.parse(received, false);
    return r == null ? new Answer("closed-partial", null) : judge(r, sentId);
  }

  /** A minimal parse of an HTTP/1.1 response with Content-Length. */
  private record Response(int status, String contentType, String requestId, String body) {
    /**
     * The response, once complete; a response to HEAD has headers only, whatever its
     * Content-Length.
     */
    static Response parse(Buffer buffer, boolean head) {
      String text = buffer.toString(StandardCharsets.ISO_8859_1);
      int headerEnd = text.indexOf("\r\n\r\n");
      if (headerEnd < 0 || !text.startsWith("HTTP/1.")) {
        return null;
      }
      String[] lines = text.substring(0, headerEnd).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      String contentType = "";
      String requestId = null;
      int length = 0;
      for (String line : lines) {
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-type:")) {
          contentType = line.substring(13).trim();
        } else if (lower.startsWith("x-request-id:")) {
          requestId = line.substring(13).trim();
        } else if (lower.startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      if (head) {
        return new Response(status, contentType, requestId, "");
      }
      if (text.length() - headerEnd - 4 < length) {
        return null;
      }
      String body =
          new String(
              buffer.getBytes(headerEnd + 4, headerEnd + 4 + length), StandardCharsets.UTF_8);
      return new Response(status, contentType, requestId, body);
    }
  }
}
