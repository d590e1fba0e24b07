package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.troupe.shared.contract.TakeTokens;
import dev.troupe.shared.contract.TokenDemand;
import dev.troupe.shared.contract.TokenGrant;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gateway's side of the rate limit against an in-memory cluster bucket, with a clock the test
 * moves: no cluster, no waiting.
 */
@DisplayName("RateLimiter")
class RateLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** The cluster's buckets, as cache-service keeps them; answers at once unless told to hold. */
  private final class Buckets implements RateLimiter.Backend {
    final Map<String, double[]> buckets = new HashMap<>();
    final List<TakeTokens> calls = new ArrayList<>();
    final List<Promise<List<TokenGrant>>> held = new ArrayList<>();
    final List<TakeTokens> heldTakes = new ArrayList<>();
    boolean hold;
    boolean fail;

    @Override
    public Future<List<TokenGrant>> take(TakeTokens take) {
      calls.add(take);
      if (fail) {
        return Future.failedFuture(new IllegalStateException("no rate-limit service"));
      }
      if (hold) {
        Promise<List<TokenGrant>> promise = Promise.promise();
        held.add(promise);
        heldTakes.add(take);
        return promise.future();
      }
      return Future.succeededFuture(apply(take));
    }

    void release() {
      List<Promise<List<TokenGrant>>> promises = new ArrayList<>(held);
      List<TakeTokens> takes = new ArrayList<>(heldTakes);
      held.clear();
      heldTakes.clear();
      for (int i = 0; i < promises.size(); i++) {
        promises.get(i).complete(apply(takes.get(i)));
      }
    }

    List<TokenGrant> apply(TakeTokens take) {
      List<TokenGrant> grants = new ArrayList<>();
      for (TokenDemand d : take.demands()) {
        double[] b =
            buckets.computeIfAbsent(d.client(), c -> new double[] {take.burst(), now.get()});
        double level =
            Math.min(
                take.burst(), b[0] + (now.get() - b[1]) * take.ratePerSec() / 1000 + d.giveBack());
        int granted = (int) Math.min(d.need(), Math.floor(level));
        level -= granted;
        int extra = (int) Math.min(d.extra(), Math.floor(level / 2));
        level -= extra;
        b[0] = level;
        b[1] = now.get();
        grants.add(new TokenGrant(d.client(), granted + extra, level));
      }
      return grants;
    }
  }

  private RateLimiter limiter(double rate, int burst, Buckets buckets) {
    return new RateLimiter(new RateLimitConfig(rate, burst, 250), buckets, now::get, registry);
  }

  private static RateLimiter.Decision decided(Future<RateLimiter.Decision> decision) {
    assertThat(decision.isComplete()).as("decided without waiting").isTrue();
    return decision.result();
  }

  @Test
  @DisplayName("admits the burst, then refuses with the RateLimit figures and a Retry-After")
  void burstThenRefuse() {
    RateLimiter limiter = limiter(1, 3, new Buckets());
    for (int i = 0; i < 3; i++) {
      RateLimiter.Decision ok = decided(limiter.admit("k:a"));
      assertThat(ok.allowed()).as("request %d", i).isTrue();
      assertThat(ok.decided()).isTrue();
      assertThat(ok.limit()).isEqualTo(3);
      assertThat(ok.remaining()).isEqualTo(2 - i);
    }
    RateLimiter.Decision refused = decided(limiter.admit("k:a"));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    assertThat(refused.resetSeconds()).isEqualTo(3);
    assertThat(decided(limiter.admit("k:b")).allowed())
        .as("another client has its own budget")
        .isTrue();
  }

  @Test
  @DisplayName("refused clients are refused locally until a token is due, then admitted again")
  void refillWithTheClock() {
    Buckets buckets = new Buckets();
    RateLimiter limiter = limiter(2, 1, buckets);
    assertThat(decided(limiter.admit("k:a")).allowed()).isTrue();
    assertThat(decided(limiter.admit("k:a")).allowed()).isFalse();
    int calls = buckets.calls.size();
    now.addAndGet(200);
    assertThat(decided(limiter.admit("k:a")).allowed()).isFalse();
    assertThat(buckets.calls).as("no call while the bucket is known to be empty").hasSize(calls);
    now.addAndGet(300);
    assertThat(decided(limiter.admit("k:a")).allowed()).as("500 ms at 2/s is a token").isTrue();
  }

  @Test
  @DisplayName("two gateways sharing the cluster bucket never admit more than the burst together")
  void twoGatewaysShareOneBudget() {
    Buckets buckets = new Buckets();
    List<RateLimiter> gateways = List.of(limiter(0.001, 10, buckets), limiter(0.001, 10, buckets));
    int admitted = 0;
    for (int i = 0; i < 40; i++) {
      if (decided(gateways.get(i % 2).admit("jwt:alice")).allowed()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(10);
  }

  @Test
  @DisplayName(
      "one call in flight per instance: requests arriving meanwhile, of any client, share the next call")
  void batchesWhileInFlight() {
    Buckets buckets = new Buckets();
    buckets.hold = true;
    RateLimiter limiter = limiter(0.001, 100, buckets);
    List<Future<RateLimiter.Decision>> waiting = new ArrayList<>();
    waiting.add(limiter.admit("k:a"));
    assertThat(buckets.calls).hasSize(1);
    for (int i = 0; i < 3; i++) {
      waiting.add(limiter.admit("k:a"));
      waiting.add(limiter.admit("k:b"));
    }
    assertThat(buckets.calls).as("still the first call only").hasSize(1);
    buckets.release();
    assertThat(buckets.calls).as("the second call carries all that arrived meanwhile").hasSize(2);
    TakeTokens second = buckets.calls.get(1);
    Map<String, Integer> needs = new HashMap<>();
    second.demands().forEach(d -> needs.put(d.client(), d.need()));
    assertThat(needs).isEqualTo(Map.of("k:a", 2, "k:b", 3));
    buckets.hold = false;
    buckets.release();
    assertThat(waiting).allSatisfy(f -> assertThat(f.result().allowed()).isTrue());
  }

  @Test
  @DisplayName(
      "a failing rate-limit service lets requests through for a while, counted, then is asked again")
  void failsOpen() {
    Buckets buckets = new Buckets();
    buckets.fail = true;
    RateLimiter limiter = limiter(1, 1, buckets);
    RateLimiter.Decision open = decided(limiter.admit("k:a"));
    assertThat(open.allowed()).isTrue();
    assertThat(open.decided()).as("no decision, so no RateLimit headers").isFalse();
    for (int i = 0; i < 5; i++) {
      assertThat(decided(limiter.admit("k:a")).allowed()).isTrue();
    }
    assertThat(buckets.calls).as("not asked again while failing open").hasSize(1);
    assertThat(registry.get("troupe_gateway_ratelimit_faults").counter().count()).isEqualTo(1);
    assertThat(registry.get("troupe_gateway_ratelimit_fail_open").counter().count()).isEqualTo(6);
    buckets.fail = false;
    now.addAndGet(RateLimiter.FAIL_OPEN_MS);
    assertThat(decided(limiter.admit("k:a")).decided()).as("asked again, and decided").isTrue();
    assertThat(decided(limiter.admit("k:a")).allowed()).as("the limit holds again").isFalse();
  }

  @Test
  @DisplayName(
      "a lease is what the client may spend in 100 ms at the full rate, at most a quarter of the burst")
  void leaseSize() {
    Buckets buckets = new Buckets();
    assertThat(decided(limiter(100, 1000, buckets).admit("k:a")).allowed()).isTrue();
    assertThat(decided(limiter(100, 20, buckets).admit("k:b")).allowed()).isTrue();
    assertThat(buckets.calls).extracting(c -> c.demands().get(0).extra()).containsExactly(10, 5);
  }

  @Test
  @DisplayName(
      "tokens held for an idle client go back to the cluster bucket, then the client is forgotten")
  void idleTokensGoBack() {
    Buckets buckets = new Buckets();
    RateLimiter limiter = limiter(0.001, 10, buckets);
    assertThat(decided(limiter.admit("k:a")).allowed()).isTrue();
    TokenDemand first = buckets.calls.get(0).demands().get(0);
    assertThat(first.need()).isEqualTo(1);
    assertThat(first.extra()).isEqualTo(1);
    assertThat(buckets.buckets.get("k:a")[0]).isEqualTo(8.0);
    limiter.sweep();
    assertThat(buckets.calls).as("not idle yet").hasSize(1);
    now.addAndGet(RateLimiter.IDLE_MS);
    limiter.sweep();
    assertThat(buckets.calls).hasSize(2);
    assertThat(buckets.calls.get(1).demands().get(0).giveBack()).isEqualTo(1);
    assertThat(buckets.buckets.get("k:a")[0])
        .as("the unspent token is back")
        .isCloseTo(9.0, within(0.001));
    limiter.sweep();
    assertThat(limiter.trackedClients()).isZero();
  }
}
