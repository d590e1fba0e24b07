package dev.troupe.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load generator's share on one event loop: its own HTTP client (keep-alive, no pipelining),
 * its own connections, its own {@link Stats}. Every method runs on this verticle's event loop; the
 * pacer thread and the run reach it only through {@code context.runOnContext}.
 */
final class LoadWorker extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LoadWorker.class);

  /**
   * A request taken by a connection later than this after its intended start counts as a late send.
   */
  static final long LATE_SEND_NANOS = 1_000_000;

  private final LoadOptions options;
  private final RequestSource source;
  private final int connections;
  private final Stats stats = new Stats();
  private HttpClientAgent client;
  private long measureFrom;
  private long endAt;
  private int outstanding;
  private int activeUsers;
  private boolean noMoreRequests;
  private boolean failureLogged;
  private Promise<Void> finished;

  LoadWorker(LoadOptions options, RequestSource source, int connections) {
    this.options = options;
    this.source = source;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setDefaultHost(options.host())
                .setDefaultPort(options.port())
                .setKeepAlive(true)
                .setPipelining(false)
                .setTcpNoDelay(true),
            // Requests beyond the connections wait in the pool's queue; an open-loop run counts
            // that
            // wait in the latency, since it is measured from the intended start.
            new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  int connections() {
    return connections;
  }

  /** Runs {@code task} on this worker's event loop. */
  void run(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  /**
   * Sends {@code requests} (document PUTs, chat joins and posts) with at most this worker's
   * connection count in flight; each must be answered 2xx. Completes with the first failure, if
   * any, once all were answered.
   */
  Future<Long> preload(List<RequestSource.Req> requests, AtomicLong progress) {
    Promise<Long> promise = Promise.promise();
    context.runOnContext(
        v -> new Preload(vertx, client, options, connections, requests, progress, promise).begin());
    return promise.future();
  }

  /** One request whose answer, whatever it is, ends the probe: proves the server is reachable. */
  Future<Integer> probe() {
    Promise<Integer> promise = Promise.promise();
    context.runOnContext(
        v ->
            client
                .request(requestOptions(options, HttpMethod.GET, options.docsPath() + "?limit=1"))
                .compose(req -> req.send())
                .compose(resp -> resp.end().map(x -> resp.statusCode()))
                .onComplete(promise));
    return promise.future();
  }

  /**
   * Opens this worker's connections before the clock starts: as many concurrent requests as it may
   * hold connections, each of which makes the pool open one. Left to the schedule, a burst would
   * wait for new connections to be set up while others sit idle. Any answer will do.
   */
  Future<Integer> openConnections() {
    Promise<Integer> promise = Promise.promise();
    context.runOnContext(
        v -> {
          List<Future<Integer>> all = new java.util.ArrayList<>();
          for (int i = 0; i < connections; i++) {
            all.add(
                client
                    .request(
                        requestOptions(
                            options, HttpMethod.GET, options.basePath() + "/health/live"))
                    .compose(req -> req.send())
                    .compose(resp -> resp.end().map(x -> resp.statusCode())));
          }
          Future.join(all)
              .onComplete(
                  ar -> {
                    int opened = (int) all.stream().filter(Future::succeeded).count();
                    if (opened < connections) {
                      LOG.warn("opened {} of {} connections before the start", opened, connections);
                    }
                    promise.complete(opened);
                  });
        });
    return promise.future();
  }

  /**
   * Closed loop: {@code users} request loops, each sending its next request when the previous one
   * was answered, until {@code endAt}. Without a schedule there is nothing to correct coordinated
   * omission against: these latencies are service times at the load the server itself allows.
   */
  Future<Void> startClosed(int users, long start, long measureFrom, long endAt) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(
        v -> {
          this.finished = promise;
          this.measureFrom = measureFrom;
          this.endAt = endAt;
          this.activeUsers = users;
          if (users == 0) {
            promise.complete();
            return;
          }
          // timers tick in whole milliseconds: round up so that no request starts before the
          // schedule does
          long delayMs = Math.max(1, (start - System.nanoTime() + 999_999) / 1_000_000);
          vertx.setTimer(
              delayMs,
              t -> {
                for (int i = 0; i < users; i++) {
                  nextClosed();
                }
              });
        });
    return promise.future();
  }

  private void nextClosed() {
    long now = System.nanoTime();
    RequestSource.Req req = now < endAt ? source.next() : null;
    if (req == null) {
      if (now < endAt) {
        stats.idsExhausted = true;
      }
      if (--activeUsers == 0) {
        finished.tryComplete();
      }
      return;
    }
    send(
        req,
        now,
        failed -> {
          if (failed) {
            // an instant failure (connection refused) must not recurse through the whole window
            context.runOnContext(v -> nextClosed());
          } else {
            nextClosed();
          }
        });
  }

  /** Open loop: prepares for {@link #fire(long[], int)} calls from the pacer. */
  Future<Void> startOpen(long measureFrom, long endAt) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(
        v -> {
          this.finished = promise;
          this.measureFrom = measureFrom;
          this.endAt = endAt;
        });
    return promise.future();
  }

  /**
   * Open loop: sends one request per intended start time (nanoTime), now or as soon as a connection
   * frees up.
   */
  void fire(long[] intendedStarts, int count) {
    for (int i = 0; i < count; i++) {
      RequestSource.Req req = source.next();
      if (req == null) {
        stats.idsExhausted = true;
        continue;
      }
      send(req, intendedStarts[i], failed -> finishIfDrained());
    }
  }

  /** Open loop: the pacer has fired its last request. */
  void noMoreRequests() {
    noMoreRequests = true;
    finishIfDrained();
  }

  private void finishIfDrained() {
    if (noMoreRequests && outstanding == 0) {
      finished.tryComplete();
    }
  }

  /**
   * Sends one request and records its outcome against {@code intendedStart}. In the open loop that
   * is the moment the schedule said the request should go, not when it went: if the server (or a
   * full connection pool) held it back, the wait is part of what a user would have seen. Measuring
   * from the actual send instead would hide exactly the stalls that matter (coordinated omission).
   * Requests that started before the end of the warm-up are not recorded at all.
   */
  private void send(
      RequestSource.Req r, long intendedStart, java.util.function.Consumer<Boolean> then) {
    outstanding++;
    RequestOptions request = requestOptions(options, r.method(), r.uri());
    if (r.body() != null) {
      request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    long[] takenAt = {0};
    client
        .request(request)
        .compose(
            req -> {
              takenAt[0] = System.nanoTime();
              return r.body() == null ? req.send() : req.send(r.body().copy());
            })
        .compose(resp -> resp.end().map(v -> resp))
        .onComplete(
            ar -> {
              long now = System.nanoTime();
              outstanding--;
              if (intendedStart >= measureFrom) {
                record(
                    ar.succeeded() ? ar.result() : null,
                    ar.cause(),
                    intendedStart,
                    takenAt[0],
                    now);
              }
              then.accept(ar.failed());
            });
  }

  private void record(
      HttpClientResponse resp, Throwable failure, long intendedStart, long takenAt, long now) {
    if (resp != null) {
      int status = resp.statusCode();
      stats.response(
          status,
          options.scenario().isSuccess(status),
          resp.getHeader("X-Cache"),
          resp.getHeader(HttpHeaders.RETRY_AFTER) != null,
          (now - intendedStart) / 1000,
          (now - takenAt) / 1000,
          now);
      if (takenAt - intendedStart > LATE_SEND_NANOS) {
        stats.lateSends++;
      }
      return;
    }
    stats.failure(
        failure instanceof TimeoutException ? Stats.TIMEOUT : Stats.IO,
        (now - intendedStart) / 1000,
        now);
    if (!failureLogged) {
      failureLogged = true;
      LOG.warn("first failed request on this event loop: {}", failure.toString());
    }
  }

  /** A request with the run's deadlines. */
  static RequestOptions requestOptions(LoadOptions options, HttpMethod method, String uri) {
    return new RequestOptions()
        .setMethod(method)
        .setURI(uri)
        // the connect timeout also bounds the wait for a free pooled connection
        .setConnectTimeout(options.timeoutMs())
        .setIdleTimeout(options.timeoutMs());
  }

  /** A copy of what was measured so far; requests still in flight count as unfinished. */
  Future<Stats> snapshot() {
    Promise<Stats> promise = Promise.promise();
    context.runOnContext(
        v -> {
          Stats copy = stats.copy();
          if (outstanding > 0) {
            copy.errors.merge(Stats.UNFINISHED, (long) outstanding, Long::sum);
          }
          promise.complete(copy);
        });
    return promise.future();
  }
}
