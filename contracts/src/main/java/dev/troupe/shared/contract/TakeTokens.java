package dev.troupe.shared.contract;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One batched {@code take} on {@link RateLimitContract#ADDRESS}: the bucket parameters (the same
 * for every client; the caller's configuration) and one {@link TokenDemand} per client.
 */
public record TakeTokens(double ratePerSec, int burst, List<TokenDemand> demands) {
  public TakeTokens {
    if (!(ratePerSec > 0) || Double.isInfinite(ratePerSec)) {
      throw TroupeException.badRequest("ratePerSec must be a positive number, got " + ratePerSec);
    }
    if (burst < 1) {
      throw TroupeException.badRequest("burst must be >= 1, got " + burst);
    }
    demands = List.copyOf(demands);
    if (demands.isEmpty() || demands.size() > RateLimitContract.MAX_CLIENTS) {
      throw TroupeException.badRequest(
          "demands must hold 1 to " + RateLimitContract.MAX_CLIENTS + " clients");
    }
    Set<String> seen = new HashSet<>();
    for (TokenDemand demand : demands) {
      if (!seen.add(demand.client())) {
        throw TroupeException.badRequest("client " + demand.client() + " appears twice");
      }
    }
  }
}
