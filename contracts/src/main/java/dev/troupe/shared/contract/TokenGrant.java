package dev.troupe.shared.contract;

/**
 * The answer for one client of a {@code take}: the tokens {@code granted} (need first, then extra)
 * and the bucket's level after the take, a fraction between 0 and the burst.
 */
public record TokenGrant(String client, int granted, double tokens) {
  public TokenGrant {
    if (client == null || granted < 0 || !(tokens >= 0)) {
      throw TroupeException.badRequest("a grant needs a client, granted >= 0 and tokens >= 0");
    }
  }
}
