package dev.troupe.bench;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One worker's share of the preload (document PUTs, chat joins and posts), sent over the worker's
 * client with at most its connection count in flight; each must be answered 2xx. Completes its
 * promise with the number sent, or with the first failure once every request sent was answered.
 * Runs on the worker's event loop only.
 */
final class Preload {
  /** How many times the preload sends a request again that was answered 503. */
  static final int RETRIES = 20;

  /** The longest the preload waits before sending a 503'd request again. */
  static final long RETRY_MAX_MS = 1_000;

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final LoadOptions options;
  private final int connections;
  private final List<RequestSource.Req> requests;
  private final AtomicLong progress;
  private final Promise<Long> promise;
  private int next;
  private int inFlight;
  private String firstFailure;

  Preload(
      Vertx vertx,
      HttpClientAgent client,
      LoadOptions options,
      int connections,
      List<RequestSource.Req> requests,
      AtomicLong progress,
      Promise<Long> promise) {
    this.vertx = vertx;
    this.client = client;
    this.options = options;
    this.connections = connections;
    this.requests = requests;
    this.progress = progress;
    this.promise = promise;
  }

  void begin() {
    for (int i = 0; i < connections && next < requests.size(); i++) {
      sendNext();
    }
    if (requests.isEmpty()) {
      promise.complete(0L);
    }
  }

  private void sendNext() {
    send(requests.get(next++), 0);
  }

  /**
   * A 503 (load shed, e.g. while an overload run's thousands of connections fill the server) is
   * sent again after its {@code Retry-After} (at most {@link #RETRY_MAX_MS}), up to {@link
   * #RETRIES} times: the preload only prepares the run and must not fail it.
   */
  private void send(RequestSource.Req r, int retries) {
    if (retries == 0) {
      inFlight++;
    }
    RequestOptions request = LoadWorker.requestOptions(options, r.method(), r.uri());
    if (r.body() != null) {
      request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    String what = r.method() + " " + r.uri();
    client
        .request(request)
        .compose(req -> r.body() == null ? req.send() : req.send(r.body().copy()))
        .compose(resp -> resp.end().map(v -> resp))
        .onComplete(
            ar -> {
              if (ar.succeeded()
                  && ar.result().statusCode() == Stats.SHED
                  && retries < RETRIES
                  && firstFailure == null) {
                vertx.setTimer(
                    retryDelayMs(ar.result().getHeader(HttpHeaders.RETRY_AFTER)),
                    t -> send(r, retries + 1));
                return;
              }
              inFlight--;
              progress.incrementAndGet();
              if (firstFailure == null) {
                if (ar.failed()) {
                  firstFailure = what + " failed: " + ar.cause();
                } else if (ar.result().statusCode() < 200 || ar.result().statusCode() > 299) {
                  firstFailure = what + " answered " + ar.result().statusCode();
                }
              }
              if (firstFailure == null && next < requests.size()) {
                sendNext();
              } else if (inFlight == 0) {
                if (firstFailure == null) {
                  promise.complete((long) requests.size());
                } else {
                  promise.fail(firstFailure);
                }
              }
            });
  }

  /**
   * The wait before a preload request answered 503 goes again: its {@code Retry-After} in seconds,
   * at most {@link #RETRY_MAX_MS}; 100 ms without one (or with a date, which is not worth parsing
   * here).
   */
  static long retryDelayMs(String retryAfter) {
    if (retryAfter != null) {
      try {
        return Math.max(1, Math.min(RETRY_MAX_MS, Long.parseLong(retryAfter.trim()) * 1000));
      } catch (NumberFormatException ignored) {
        // an HTTP date: fall through to the default
      }
    }
    return 100;
  }
}
