package dev.troupe.cache;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import dev.troupe.shared.contract.TokenDemand;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Applies each client's {@link TokenDemand} to its bucket, atomically on the key's partition owner;
 * one processor serves a whole batch ({@code submitToKeys}). The time is fixed by the sender, so
 * backups replaying the processor reach the same state. A bucket that is full again is removed;
 * others expire when they would have refilled (one second later, since Hazelcast counts TTLs in
 * whole seconds).
 */
final class TakeTokensProcessor implements EntryProcessor<String, TokenBucket, TokenBucket.Take> {
  private static final long serialVersionUID = 1L;

  /**
   * Hazelcast's TTL is an int of seconds; a bucket slower than this to refill is kept this long.
   */
  private static final long MAX_TTL_SECONDS = Integer.MAX_VALUE / 2;

  private final double ratePerSec;
  private final int burst;
  private final long nowMs;
  private final HashMap<String, int[]> demands;

  TakeTokensProcessor(double ratePerSec, int burst, long nowMs, List<TokenDemand> demands) {
    this.ratePerSec = ratePerSec;
    this.burst = burst;
    this.nowMs = nowMs;
    this.demands = new HashMap<>();
    demands.forEach(
        d -> this.demands.put(d.client(), new int[] {d.need(), d.extra(), d.giveBack()}));
  }

  @Override
  public TokenBucket.Take process(Map.Entry<String, TokenBucket> entry) {
    int[] demand = demands.getOrDefault(entry.getKey(), new int[3]);
    TokenBucket.Take take =
        TokenBucket.take(
            entry.getValue(), nowMs, ratePerSec, burst, demand[0], demand[1], demand[2]);
    if (take.next() == null) {
      if (entry.getValue() != null) {
        entry.setValue(null);
      }
    } else {
      long ttl =
          Math.min(
              MAX_TTL_SECONDS,
              TokenBucket.secondsUntilFull(take.tokensAfter(), ratePerSec, burst) + 1);
      if (entry instanceof ExtendedMapEntry<String, TokenBucket> extended) {
        extended.setValue(take.next(), ttl, TimeUnit.SECONDS);
      } else {
        entry.setValue(take.next());
      }
    }
    return new TokenBucket.Take(take.granted(), take.tokensAfter(), null);
  }
}
