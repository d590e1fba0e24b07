package dev.troupe.shared.contract;

/**
 * The answer of cache-service's {@code get}: a hit carries the cached {@link Lookup}, a miss
 * nothing.
 */
public record CacheLookup(Lookup lookup) {
  public static final CacheLookup MISS = new CacheLookup(null);

  public boolean hit() {
    return lookup != null;
  }
}
