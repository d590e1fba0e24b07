package dev.troupe.testkit;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded mixed load on a fixed set of documents, through several gateways, that knows what must
 * be stored. Each key belongs to one writer, which writes it with {@code If-Match} on the version
 * it last saw acknowledged, alternating gateways; readers read any key through any gateway and
 * check it is at least the acknowledged version. A write whose outcome is unknown (5xx, no answer)
 * may still have been applied; the writer then reads the key before writing again and accepts only
 * that one of its unacknowledged attempts (they all carried the same {@code If-Match}, so at most
 * one can apply). Every call is recorded with its time and outcome, so the test can measure error
 * windows.
 */
final class ChaosLoad implements AutoCloseable {
  static final String COLLECTION = "chaos";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(20);

  /**
   * One HTTP call: when it started and ended (nanoTime), what it was, its status (-1: no answer).
   */
  record Call(long startNanos, long endNanos, String op, String key, int status, String detail) {
    boolean failed() {
      return status < 0 || status >= 500;
    }
  }

  /** The writer-side truth about one key: the last acknowledged (or adopted) version and data. */
  static final class KeyState {
    final String key;
    long version;
    JsonObject data;

    /** Attempts since the last acknowledgement whose outcome is unknown. */
    final List<JsonObject> unconfirmed = new ArrayList<>();

    boolean resync;
    long seq;

    KeyState(String key) {
      this.key = key;
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Integer> gateways;

  /** The gateways the load sends to now: a balancer's rotation ({@link #rotation}). */
  private volatile List<Integer> rotation;

  private final List<List<KeyState>> writers = new ArrayList<>();
  private final Map<String, KeyState> keys = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> acked = new ConcurrentHashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicLong adopted = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final int readers;
  private ScheduledExecutorService pool;

  ChaosLoad(List<Integer> gateways, int writerCount, int keysPerWriter, int readers) {
    this.gateways = List.copyOf(gateways);
    this.rotation = this.gateways;
    this.readers = readers;
    for (int w = 0; w < writerCount; w++) {
      List<KeyState> owned = new ArrayList<>();
      for (int k = 0; k < keysPerWriter; k++) {
        KeyState state = new KeyState("w" + w + "-k" + k);
        owned.add(state);
        keys.put(state.key, state);
        acked.put(state.key, new AtomicLong());
      }
      writers.add(owned);
    }
  }

  /** Creates every document (version 1) before the load starts; fails on any error. */
  void createAll() throws Exception {
    int i = 0;
    for (KeyState state : keys.values()) {
      JsonObject data = data(state);
      HttpResponse<String> put =
          send(gateways.get(i++ % gateways.size()), "PUT", state.key, data, "If-None-Match", "*");
      if (put.statusCode() != 201) {
        throw new AssertionError(
            "creating " + state.key + " answered " + put.statusCode() + ": " + put.body());
      }
      ack(state, 1, data);
    }
  }

  /** Starts the writers and readers, each one call at a time every {@code periodMs}. */
  @SuppressWarnings(
      "FutureReturnValueIgnored") // the tasks end with the pool (stop()); guarded() records their
  // failures
  void start(long periodMs) {
    pool = Executors.newScheduledThreadPool(writers.size() + readers);
    for (int w = 0; w < writers.size(); w++) {
      List<KeyState> owned = writers.get(w);
      int writer = w;
      AtomicLong tick = new AtomicLong();
      pool.scheduleWithFixedDelay(
          () ->
              guarded(
                  () -> {
                    long n = tick.getAndIncrement();
                    write(owned.get((int) (n % owned.size())), gateway(n + writer));
                  }),
          0,
          periodMs,
          TimeUnit.MILLISECONDS);
    }
    List<KeyState> all = List.copyOf(keys.values());
    for (int r = 0; r < readers; r++) {
      AtomicLong tick = new AtomicLong(r);
      pool.scheduleWithFixedDelay(
          () ->
              guarded(
                  () ->
                      read(
                          all.get(ThreadLocalRandom.current().nextInt(all.size())),
                          gateway(tick.getAndIncrement()))),
          0,
          periodMs,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Sends the load's calls from now on only to {@code ports} (a subset of the gateways), as a
   * balancer does once a gateway reports not-ready; calls already sent finish where they are.
   */
  void rotation(List<Integer> ports) {
    if (ports.isEmpty() || !gateways.containsAll(ports)) {
      throw new IllegalArgumentException("a rotation of some of " + gateways + ", got " + ports);
    }
    rotation = List.copyOf(ports);
  }

  private int gateway(long n) {
    List<Integer> now = rotation;
    return now.get((int) (n % now.size()));
  }

  /** Successful calls so far. */
  long successes() {
    return ok.get();
  }

  /**
   * Stops the load and waits for calls in flight; then settles every key whose last write is
   * unknown.
   */
  void stop() throws Exception {
    if (pool != null) {
      pool.shutdown();
      if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new TimeoutException("load calls still running 60 s after stop");
      }
    }
    for (KeyState state : keys.values()) {
      if (state.resync) {
        resync(state, gateways.get(0));
        if (state.resync) {
          throw new AssertionError("could not settle " + state.key + " after the load");
        }
      }
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  Map<String, KeyState> keys() {
    return keys;
  }

  long adoptedUnacknowledged() {
    return adopted.get();
  }

  /** GETs a document through one gateway (no recording); for the final checks. */
  HttpResponse<String> get(int port, String key) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(port, key)).timeout(CALL_TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void write(KeyState state, int port) {
    if (state.resync) {
      resync(state, port);
      if (state.resync) {
        return;
      }
    }
    JsonObject data = data(state);
    long started = System.nanoTime();
    try {
      HttpResponse<String> put =
          send(port, "PUT", state.key, data, "If-Match", "\"" + state.version + "\"");
      record(
          started, "put", state.key, put.statusCode(), put.statusCode() >= 300 ? put.body() : "");
      switch (put.statusCode()) {
        case 200 -> {
          long version = new JsonObject(put.body()).getLong("version");
          if (version != state.version + 1) {
            violations.add(
                state.key + ": If-Match " + state.version + " acknowledged as version " + version);
          }
          ack(state, version, data);
        }
        case 412 -> {
          if (state.unconfirmed.isEmpty()) {
            violations.add(
                state.key
                    + ": If-Match "
                    + state.version
                    + " refused (412) though no other write was sent");
          }
          state.resync = true;
        }
        default -> {
          state.unconfirmed.add(data);
          state.resync = true;
        }
      }
    } catch (Exception e) {
      record(started, "put", state.key, -1, e.toString());
      state.unconfirmed.add(data);
      state.resync = true;
    }
  }

  /**
   * Learns whether an unacknowledged write was applied; leaves {@code resync} set when it cannot
   * tell.
   */
  private void resync(KeyState state, int port) {
    long started = System.nanoTime();
    try {
      HttpResponse<String> get = get(port, state.key);
      record(
          started,
          "resync",
          state.key,
          get.statusCode(),
          get.statusCode() == 200 ? "" : get.body());
      if (get.statusCode() != 200) {
        return;
      }
      JsonObject doc = new JsonObject(get.body());
      long version = doc.getLong("version");
      JsonObject data = doc.getJsonObject("data");
      if (version == state.version && data.equals(state.data)) {
        state.resync = false;
      } else if (version == state.version + 1 && state.unconfirmed.contains(data)) {
        adopted.incrementAndGet();
        ack(state, version, data);
      } else {
        violations.add(
            state.key
                + ": after acknowledged version "
                + state.version
                + " "
                + state.data
                + " the store holds version "
                + version
                + " "
                + data
                + "; unacknowledged attempts "
                + state.unconfirmed);
        state.resync = false;
      }
    } catch (Exception e) {
      record(started, "resync", state.key, -1, e.toString());
    }
  }

  private void read(KeyState state, int port) {
    long floor = acked.get(state.key).get();
    long started = System.nanoTime();
    try {
      HttpResponse<String> get = get(port, state.key);
      record(
          started, "get", state.key, get.statusCode(), get.statusCode() == 200 ? "" : get.body());
      if (get.statusCode() == 200) {
        long version = new JsonObject(get.body()).getLong("version");
        if (version < floor) {
          violations.add(
              state.key
                  + ": read version "
                  + version
                  + " through port "
                  + port
                  + " after version "
                  + floor
                  + " was acknowledged");
        }
      } else if (get.statusCode() < 500) {
        violations.add(state.key + ": read answered " + get.statusCode() + ": " + get.body());
      }
    } catch (Exception e) {
      record(started, "get", state.key, -1, e.toString());
    }
  }

  private void ack(KeyState state, long version, JsonObject data) {
    state.version = version;
    state.data = data;
    state.unconfirmed.clear();
    state.resync = false;
    acked.get(state.key).set(version);
  }

  private static JsonObject data(KeyState state) {
    return new JsonObject().put("key", state.key).put("seq", ++state.seq);
  }

  private HttpResponse<String> send(
      int port, String method, String key, JsonObject body, String header, String value)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(port, key))
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json")
            .header(header, value)
            .method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void record(long started, String op, String key, int status, String detail) {
    if (status >= 0 && status < 500) {
      ok.incrementAndGet();
    }
    calls.add(new Call(started, System.nanoTime(), op, key, status, detail));
  }

  private static URI uri(int port, String key) {
    return URI.create("http://127.0.0.1:" + port + "/api/v1/docs/" + COLLECTION + "/" + key);
  }

  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      violations.add("load task failed: " + e);
    }
  }
}
