package dev.troupe.shared.contract;

import java.util.List;

/**
 * Several {@link Lookup}s: db-service's answer to {@code getMany} (one per id asked, in the order
 * asked), cache-service's (only the ids it holds) and the body of cache-service's {@code fillMany}.
 */
public record LookupBatch(List<Lookup> items) {
  public LookupBatch {
    items = List.copyOf(items);
  }
}
