package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The generator against a stand-in that sheds load: it refuses each preload PUT once with 503, then
 * answers GETs in turn with a 503 with {@code Retry-After}, a 503 without, and a 200.
 */
class ShedRunTest {
  private Vertx vertx;
  private HttpServer server;
  private final Set<String> refusedOnce = new HashSet<>();
  private final AtomicLong gets = new AtomicLong();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        LoadRun.await(
            vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"), 10_000);
  }

  @AfterEach
  void stop() throws Exception {
    LoadRun.await(vertx.close(), 10_000);
  }

  private void handle(HttpServerRequest req) {
    if (req.path().startsWith("/health")) {
      req.response().end("{}");
      return;
    }
    if (req.method().name().equals("PUT")) {
      if (refusedOnce.add(req.path())) {
        req.response().setStatusCode(503).putHeader("Retry-After", "0").end();
      } else {
        req.response().setStatusCode(200).end("{}");
      }
      return;
    }
    long n = gets.incrementAndGet() % 3;
    if (n == 0) {
      req.response().setStatusCode(503).putHeader("Retry-After", "1").end();
    } else if (n == 1) {
      req.response().setStatusCode(503).end();
    } else {
      req.response().end("{}");
    }
  }

  @Test
  @DisplayName(
      "503s are shed, not admitted: counted, those without Retry-After too, and a preload PUT answered 503 is sent again")
  void shedAndAdmitted() throws Exception {
    Args args =
        Args.parse(
            new String[] {
              "--url", "http://127.0.0.1:" + server.actualPort(),
              "--scenario", "mixed",
              "--put-percent", "0",
              "--keys", "10",
              "--connections", "4",
              "--duration", "300ms",
              "--warmup", "0s",
              "--timeout", "5s",
              "--label", "shed"
            },
            0);
    LoadResult r = new LoadRun(LoadOptions.from(args)).run();

    assertThat(r.preloaded()).as("every PUT refused once, then taken").isEqualTo(10);
    assertThat(refusedOnce).hasSize(10);
    assertThat(r.shed()).isPositive();
    assertThat(r.noRetryAfter()).isBetween(r.shed() / 2 - 2, r.shed() / 2 + 2);
    assertThat(r.ok()).isBetween(r.shed() / 2 - 2, r.shed() / 2 + 2);
    assertThat(r.otherServerErrors()).isZero();
    assertThat(r.unanswered()).isZero();
    assertThat(r.admittedMs()).isNotNull();
    assertThat(r.admittedMs().max()).isPositive();
    assertThat(r.summaryLine())
        .contains(" err.503=" + r.shed(), " admitted.p99=", " noRetryAfter=" + r.noRetryAfter());

    LoadResult back = LoadResult.fromJson(r.toJson());
    assertThat(back.admittedMs()).isEqualTo(r.admittedMs());
    assertThat(back.noRetryAfter()).isEqualTo(r.noRetryAfter());
    assertThat(back.shed()).isEqualTo(r.shed());
  }

  @Test
  @DisplayName("a preload request waits for its Retry-After, within bounds")
  void retryDelay() {
    assertThat(Preload.retryDelayMs("0")).isEqualTo(1);
    assertThat(Preload.retryDelayMs(" 1 ")).isEqualTo(1_000);
    assertThat(Preload.retryDelayMs("120")).isEqualTo(Preload.RETRY_MAX_MS);
    assertThat(Preload.retryDelayMs(null)).isEqualTo(100);
    assertThat(Preload.retryDelayMs("Wed, 21 Oct 2026 07:28:00 GMT")).isEqualTo(100);
  }
}
