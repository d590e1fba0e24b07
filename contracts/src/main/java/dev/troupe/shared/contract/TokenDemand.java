package dev.troupe.shared.contract;

/**
 * What one gateway asks of one client's bucket: {@code need} tokens for requests waiting now,
 * {@code extra} tokens to hold ahead (granted only while the bucket stays at least half full of
 * what remains), and {@code giveBack} unused tokens it returns.
 */
public record TokenDemand(String client, int need, int extra, int giveBack) {
  public TokenDemand {
    if (client == null
        || client.isEmpty()
        || client.length() > RateLimitContract.MAX_CLIENT_LENGTH) {
      throw TroupeException.badRequest(
          "client must be 1 to " + RateLimitContract.MAX_CLIENT_LENGTH + " characters");
    }
    if (need < 0 || extra < 0 || giveBack < 0) {
      throw TroupeException.badRequest("need, extra and giveBack must be >= 0");
    }
  }
}
