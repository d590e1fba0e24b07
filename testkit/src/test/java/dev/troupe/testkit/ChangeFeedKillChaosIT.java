package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A change feed over Server-Sent Events survives {@code kill -9} of the gateway process under it:
 * the client reconnects to the other gateway with {@code Last-Event-ID} and gets every change
 * exactly once and in order, while writes go on through the other gateway all along. Real {@code
 * troupe.jar} processes ({@link ChaosNodes}) on PostgreSQL.
 */
@DisplayName("Chaos: a change feed resumes after kill -9 of its gateway")
class ChangeFeedKillChaosIT {
  private static final long SETTLE_SECONDS = 90;
  private static final int WRITES = 240;
  private static final int KEYS = 40;
  private static final long FEED_SECONDS = 120;

  @RegisterExtension
  @Order(1)
  static final PostgresSchema PG = new PostgresSchema();

  private ChaosNodes nodes;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void killAll() {
    threads.shutdownNow();
    if (nodes != null) {
      nodes.close();
    }
  }

  /** One change event as the stream gave it. */
  record Seen(long seq, String id, long version) {}

  @Test
  @DisplayName(
      "kill -9 of the gateway under a stream: the client resumes on the other gateway with Last-Event-ID, every acknowledged change arrives exactly once, in order")
  void resumesAfterKill() throws Exception {
    nodes = new ChaosNodes(PG, "feed-kill", Map.of(), ChangeFeedKillChaosIT::log);
    nodes.startAll(SETTLE_SECONDS);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String collection = "feed-kill-" + UUID.randomUUID().toString().substring(0, 8);
    int dying = nodes.gateway1().httpPort();
    int living = nodes.gateway2().httpPort();
    List<Seen> seen = new CopyOnWriteArrayList<>();
    BlockingQueue<Seen> arrivals = new LinkedBlockingQueue<>();

    // The first stream, on the gateway that will die.
    AtomicBoolean firstEnded = new AtomicBoolean();
    CompletableFuture<Void> firstOpen = new CompletableFuture<>();
    CompletableFuture<Void> firstStream =
        CompletableFuture.runAsync(
            () -> follow(http, dying, collection, null, arrivals, firstOpen, firstEnded), threads);
    firstOpen.get(30, TimeUnit.SECONDS);

    // Writes through the gateway that lives, all along.
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> attempted = ConcurrentHashMap.newKeySet();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> write(http, living, collection, acknowledged, attempted), threads);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FEED_SECONDS);
    while (seen.size() < WRITES / 4) {
      seen.add(next(arrivals, deadline, "a quarter of the changes streamed"));
    }
    nodes.gateway1().kill();
    log("SIGKILL " + nodes.gateway1().name() + " after " + seen.size() + " events");
    try {
      firstStream.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log("the first stream ended with " + e);
    }
    assertThat(firstEnded).as("the stream on the killed gateway ended").isTrue();
    // What the first stream delivered before it broke counts; the client resumes after it.
    for (Seen s = arrivals.poll(); s != null; s = arrivals.poll()) {
      seen.add(s);
    }
    long lastId = seen.get(seen.size() - 1).seq();
    int beforeKill = seen.size();

    writer.get(FEED_SECONDS, TimeUnit.SECONDS);
    log(acknowledged.size() + " writes acknowledged of " + attempted.size() + " attempted");
    assertThat(acknowledged).as("writes through the living gateway").hasSizeGreaterThan(WRITES / 2);

    // Resumed on the other gateway from the last id, until every acknowledged write arrived.
    AtomicBoolean resumedEnded = new AtomicBoolean();
    CompletableFuture<Void> resumedOpen = new CompletableFuture<>();
    CompletableFuture<Void> resumed =
        CompletableFuture.runAsync(
            () ->
                follow(
                    http,
                    living,
                    collection,
                    String.valueOf(lastId),
                    arrivals,
                    resumedOpen,
                    resumedEnded),
            threads);
    resumedOpen.get(30, TimeUnit.SECONDS);
    while (!keys(seen).containsAll(acknowledged)) {
      seen.add(
          next(
              arrivals,
              deadline,
              "every acknowledged change streamed; missing " + missing(seen, acknowledged)));
    }
    resumed.cancel(true);
    log(beforeKill + " events before the kill, " + (seen.size() - beforeKill) + " after");

    List<Long> seqs = seen.stream().map(Seen::seq).toList();
    assertThat(seqs).as("in log order, none twice").isSorted().doesNotHaveDuplicates();
    List<String> keys = seen.stream().map(s -> s.id() + "@" + s.version()).toList();
    assertThat(keys).as("no change twice").doesNotHaveDuplicates();
    assertThat(new HashSet<>(keys)).as("only changes that were written").isSubsetOf(attempted);
    assertThat(seen.size()).as("events after the resume").isGreaterThan(beforeKill);
  }

  /**
   * Reads the collection's event stream from {@code gateway} (resuming after {@code lastEventId})
   * into {@code seen} until the stream ends or the thread is interrupted.
   */
  private static void follow(
      HttpClient http,
      int gateway,
      String collection,
      String lastEventId,
      BlockingQueue<Seen> seen,
      CompletableFuture<Void> open,
      AtomicBoolean ended) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + gateway + "/api/v1/docs/" + collection + "/_events"))
            .header("Accept", "text/event-stream")
            .GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    try {
      HttpResponse<Stream<String>> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
      if (response.statusCode() != 200) {
        open.completeExceptionally(new AssertionError("stream status " + response.statusCode()));
        return;
      }
      open.complete(null);
      Long id = null;
      for (String line : (Iterable<String>) response.body()::iterator) {
        if (line.startsWith("id: ")) {
          id = Long.parseLong(line.substring(4));
        } else if (line.startsWith("data: ") && id != null) {
          JsonObject event = new JsonObject(line.substring(6));
          seen.add(new Seen(id, event.getString("id"), event.getLong("version")));
          id = null;
        }
      }
    } catch (IOException | UncheckedIOException e) {
      open.completeExceptionally(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      ended.set(true);
    }
  }

  /** {@link #WRITES} puts over {@link #KEYS} ids, one after another, through {@code gateway}. */
  private static void write(
      HttpClient http,
      int gateway,
      String collection,
      Set<String> acknowledged,
      Set<String> attempted) {
    Map<String, Long> versions = new ConcurrentHashMap<>();
    for (int i = 0; i < WRITES; i++) {
      String id = "d" + (i % KEYS);
      long version = versions.getOrDefault(id, 0L) + 1;
      // A put that fails may still have been applied, at the next version: it may stream too.
      versions.put(id, version);
      attempted.add(id + "@" + version);
      HttpRequest put =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://127.0.0.1:" + gateway + "/api/v1/docs/" + collection + "/" + id))
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", collection + "-" + i)
              .timeout(Duration.ofSeconds(20))
              .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("i", i).encode()))
              .build();
      try {
        HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 || response.statusCode() == 201) {
          long written = new JsonObject(response.body()).getLong("version");
          versions.put(id, written);
          acknowledged.add(id + "@" + written);
          attempted.add(id + "@" + written);
        }
      } catch (IOException e) {
        log("a put failed: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The next event the streams brought, waiting at most until {@code deadline}. */
  private static Seen next(BlockingQueue<Seen> arrivals, long deadline, String what)
      throws InterruptedException {
    Seen next = arrivals.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    assertThat(next).as(what + " within " + FEED_SECONDS + " s").isNotNull();
    return next;
  }

  private static Set<String> keys(List<Seen> seen) {
    Set<String> keys = new HashSet<>();
    seen.forEach(s -> keys.add(s.id() + "@" + s.version()));
    return keys;
  }

  private static List<String> missing(List<Seen> seen, Set<String> acknowledged) {
    Set<String> have = keys(seen);
    List<String> missing = new ArrayList<>();
    acknowledged.stream().filter(k -> !have.contains(k)).limit(10).forEach(missing::add);
    return missing;
  }

  private static void log(String line) {
    System.out.println("[feed-kill] " + line);
  }
}
