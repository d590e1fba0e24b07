package dev.troupe.gateway;

import dev.troupe.shared.contract.RateLimitContract;
import dev.troupe.shared.contract.TakeTokens;
import dev.troupe.shared.contract.TokenDemand;
import dev.troupe.shared.contract.TokenGrant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway instance's side of the cluster-wide rate limit: one token bucket per client, kept by
 * cache-service in Hazelcast ({@link RateLimitContract}), spent here from small local leases.
 *
 * <p><b>How.</b> A request is admitted at once from tokens this instance already holds for its
 * client. When it holds none, the request waits for one {@code take} on the bus, which asks for the
 * tokens needed by every request waiting, for every client, plus a lease of {@code extra} tokens
 * for each busy client: what it may spend in {@value #LEASE_MS} ms at the full rate (at least 1, at
 * most a quarter of the burst). At most one {@code take} is in flight per instance; requests
 * arriving meanwhile ride on the next, so the bus carries at most one call per round trip per
 * instance, however many requests and clients. A lease running low is topped up ahead of time, and
 * tokens unused for {@value #IDLE_MS} ms go back to the cluster bucket. Over the limit, the request
 * gets 429 at once and later requests of that client are refused locally until the bucket has a
 * token again.
 *
 * <p><b>What it guarantees.</b> Every admitted request spent a token the cluster bucket granted
 * atomically, so all gateways together never admit more than {@code burst + rate × t} in any period
 * {@code t}: the limit is exact, never exceeded. The error goes the other way: tokens leased by one
 * instance and not yet spent (at most one lease per instance and client) are not available to the
 * client's requests on other instances until spent or given back after {@value #IDLE_MS} ms, so a
 * client that spreads its requests over many gateways may be refused up to that many tokens early.
 * Exceptions: the clocks of cache-service nodes differ by some skew δ (NTP), which may add δ × rate
 * tokens when a client's bucket moves between nodes; and losing two members at once refills the
 * buckets they held.
 *
 * <p><b>Faults.</b> When a {@code take} fails or takes longer than {@code
 * TROUPE_RATE_LIMIT_TIMEOUT_MS} (no cache-service, a cluster in trouble), the requests it was for
 * are admitted, and so is every request for the next {@value #FAIL_OPEN_MS} ms without asking: a
 * fault of the limiter never becomes a client error. {@code troupe_gateway_ratelimit_faults_total}
 * counts the failed calls and {@code troupe_gateway_ratelimit_fail_open_total} the requests
 * admitted without a decision.
 *
 * <p>Not thread-safe: each gateway verticle instance has its own, used on its event loop only. The
 * clock is a parameter so that tests control time.
 */
final class RateLimiter {
  static final long LEASE_MS = 100;
  static final long IDLE_MS = 500;
  static final long FAIL_OPEN_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

  /** The cluster-wide buckets: one batched {@code take}. */
  interface Backend {
    Future<List<TokenGrant>> take(TakeTokens take);
  }

  /**
   * The answer for one request. {@code decided} is false when the limiter failed open (no headers
   * then). {@code remaining} and {@code resetSeconds} are this instance's estimate of the client's
   * bucket; {@code retryAfterSeconds} is the wait for the next token (on a refusal).
   */
  record Decision(
      boolean allowed,
      boolean decided,
      int limit,
      long remaining,
      long resetSeconds,
      long retryAfterSeconds) {
    static final Decision OPEN = new Decision(true, false, 0, 0, 0, 0);
  }

  private static final class Lease {
    final ArrayDeque<Promise<Decision>> waiters = new ArrayDeque<>();
    int stock;

    /** Requests this lease asked tokens for in the call in flight. */
    int covered;

    /** The cluster bucket's level at {@code knownAtMs}, as the last grant said. */
    double knownTokens;

    long knownAtMs;
    long lastUsedMs;

    /** Until then the cluster bucket has no whole token: refuse without asking. */
    long emptyUntilMs = Long.MIN_VALUE;

    Lease(int burst, long now) {
      knownTokens = burst;
      knownAtMs = now;
    }
  }

  private final RateLimitConfig config;
  private final Backend backend;
  private final LongSupplier clock;
  private final Counter faults;
  private final Counter failOpen;
  private final int lease;
  private final int lowWater;
  private final Map<String, Lease> leases = new HashMap<>();
  private final Set<String> dirty = new LinkedHashSet<>();
  private boolean inFlight;
  private long openUntilMs = Long.MIN_VALUE;

  RateLimiter(RateLimitConfig config, Backend backend, LongSupplier clock, MeterRegistry registry) {
    this.config = config;
    this.backend = backend;
    this.clock = clock;
    this.faults =
        Counter.builder("troupe_gateway_ratelimit_faults")
            .description(
                "calls to the rate-limit service that failed or timed out (the gateway then fails open)")
            .register(registry);
    this.failOpen =
        Counter.builder("troupe_gateway_ratelimit_fail_open")
            .description(
                "requests admitted without a rate-limit decision because the rate-limit service failed")
            .register(registry);
    this.lease =
        (int)
            Math.max(
                1,
                Math.min(
                    Math.ceil(config.ratePerSec() * LEASE_MS / 1000.0),
                    Math.floor(config.burst() / 4.0)));
    this.lowWater = lease / 2;
  }

  /** Admits or refuses one request of {@code client}; never fails. */
  Future<Decision> admit(String client) {
    long now = clock.getAsLong();
    if (now < openUntilMs) {
      failOpen.increment();
      return Future.succeededFuture(Decision.OPEN);
    }
    Lease l = leases.computeIfAbsent(client, c -> new Lease(config.burst(), now));
    l.lastUsedMs = now;
    if (l.waiters.isEmpty() && l.stock > 0) {
      l.stock--;
      if (l.stock <= lowWater && now >= l.emptyUntilMs) {
        dirty.add(client);
        flush();
      }
      return Future.succeededFuture(allowed(l, now));
    }
    if (l.waiters.isEmpty() && now < l.emptyUntilMs) {
      return Future.succeededFuture(refused(l, now));
    }
    Promise<Decision> waiting = Promise.promise();
    l.waiters.add(waiting);
    dirty.add(client);
    flush();
    return waiting.future();
  }

  /**
   * Gives back tokens of clients idle for {@value #IDLE_MS} ms and forgets clients with nothing
   * pending.
   */
  void sweep() {
    long now = clock.getAsLong();
    Iterator<Map.Entry<String, Lease>> it = leases.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Lease> e = it.next();
      Lease l = e.getValue();
      if (now - l.lastUsedMs < IDLE_MS || !l.waiters.isEmpty() || l.covered > 0) {
        continue;
      }
      if (l.stock > 0) {
        dirty.add(e.getKey());
      } else if (now >= l.emptyUntilMs && !dirty.contains(e.getKey())) {
        it.remove();
      }
    }
    flush();
  }

  /** Clients this instance currently tracks (for tests and diagnostics). */
  int trackedClients() {
    return leases.size();
  }

  private void flush() {
    if (inFlight || dirty.isEmpty()) {
      return;
    }
    long now = clock.getAsLong();
    List<TokenDemand> demands = new ArrayList<>();
    Iterator<String> it = dirty.iterator();
    while (it.hasNext() && demands.size() < RateLimitContract.MAX_CLIENTS) {
      String client = it.next();
      it.remove();
      Lease l = leases.get(client);
      if (l == null) {
        continue;
      }
      boolean idle = now - l.lastUsedMs >= IDLE_MS && l.waiters.isEmpty();
      int need = l.waiters.size();
      int extra = idle || now < l.emptyUntilMs ? 0 : Math.max(0, lease - l.stock);
      int giveBack = idle ? l.stock : 0;
      if (need == 0 && extra == 0 && giveBack == 0) {
        continue;
      }
      l.stock -= giveBack;
      l.covered = need;
      demands.add(new TokenDemand(client, need, extra, giveBack));
    }
    if (demands.isEmpty()) {
      return;
    }
    inFlight = true;
    Future<List<TokenGrant>> call;
    try {
      call = backend.take(new TakeTokens(config.ratePerSec(), config.burst(), demands));
    } catch (RuntimeException e) {
      call = Future.failedFuture(e);
    }
    call.onComplete(
        ar -> {
          // Still in flight while answering, so that anything the answers set off waits for the
          // next call.
          if (ar.succeeded()) {
            granted(demands, ar.result());
          } else {
            failedOpen(demands, ar.cause());
          }
          inFlight = false;
          flush();
        });
  }

  private void granted(List<TokenDemand> demands, List<TokenGrant> grants) {
    long now = clock.getAsLong();
    Map<String, TokenGrant> byClient = new HashMap<>();
    grants.forEach(g -> byClient.put(g.client(), g));
    List<TokenDemand> unanswered = new ArrayList<>();
    for (TokenDemand demand : demands) {
      Lease l = leases.get(demand.client());
      TokenGrant grant = byClient.get(demand.client());
      if (l == null) {
        continue;
      }
      if (grant == null) {
        unanswered.add(demand);
        continue;
      }
      l.stock += grant.granted();
      l.knownTokens = grant.tokens();
      l.knownAtMs = now;
      int covered = l.covered;
      l.covered = 0;
      while (!l.waiters.isEmpty() && l.stock > 0) {
        l.stock--;
        covered--;
        l.waiters.poll().complete(allowed(l, now));
      }
      if (l.waiters.isEmpty()) {
        continue;
      }
      if (covered > 0) {
        // The bucket could not cover the requests that asked: it has no whole token left.
        l.emptyUntilMs =
            now + (long) Math.ceil(Math.max(0, 1 - grant.tokens()) * 1000 / config.ratePerSec());
        while (!l.waiters.isEmpty()) {
          l.waiters.poll().complete(refused(l, now));
        }
      } else {
        // Requests that arrived while the call was in flight: they ask in the next one.
        dirty.add(grant.client());
      }
    }
    if (!unanswered.isEmpty()) {
      failedOpen(
          unanswered,
          new IllegalStateException(
              "the reply has no grant for " + unanswered.size() + " client(s)"));
    }
  }

  private void failedOpen(List<TokenDemand> demands, Throwable cause) {
    long now = clock.getAsLong();
    faults.increment();
    if (now >= openUntilMs) {
      LOG.warn(
          "rate-limit service failed ({}); admitting requests without a limit for {} ms",
          cause.getMessage(),
          FAIL_OPEN_MS);
    }
    openUntilMs = now + FAIL_OPEN_MS;
    for (TokenDemand demand : demands) {
      Lease l = leases.get(demand.client());
      if (l == null) {
        continue;
      }
      l.covered = 0;
      while (!l.waiters.isEmpty()) {
        failOpen.increment();
        l.waiters.poll().complete(Decision.OPEN);
      }
    }
  }

  /** The cluster bucket's level now, estimated from the last grant, plus the tokens held here. */
  private double estimate(Lease l, long now) {
    double refilled = l.knownTokens + Math.max(0, now - l.knownAtMs) * config.ratePerSec() / 1000.0;
    return Math.min(config.burst(), l.stock + refilled);
  }

  private Decision allowed(Lease l, long now) {
    double level = estimate(l, now);
    return new Decision(
        true, true, config.burst(), (long) Math.floor(level), secondsUntilFull(level), 0);
  }

  private Decision refused(Lease l, long now) {
    double level = Math.min(estimate(l, now), Math.max(0, 1 - 1e-9));
    long retryMs =
        Math.max(l.emptyUntilMs - now, (long) Math.ceil((1 - level) * 1000 / config.ratePerSec()));
    return new Decision(
        false,
        true,
        config.burst(),
        0,
        secondsUntilFull(level),
        Math.max(1, (long) Math.ceil(retryMs / 1000.0)));
  }

  private long secondsUntilFull(double level) {
    return (long) Math.ceil(Math.max(0, config.burst() - level) / config.ratePerSec());
  }
}
