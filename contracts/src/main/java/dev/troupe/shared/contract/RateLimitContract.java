package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The cluster-wide rate-limit budget, served by cache-service (the only code that touches Hazelcast
 * maps). Each client (an API key, a JWT subject, or an address) has one token bucket for the whole
 * cluster: it holds at most {@code burst} tokens and refills at {@code ratePerSec}. Gateways do not
 * ask once per request: each takes small leases of tokens, for several clients in one message,
 * spends them locally and gives back what it did not use.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code take}</td><td>{@link TakeTokens}: the bucket's rate and burst, and per client the tokens
 *       needed now, the extra tokens wanted ahead (granted only from the upper half of what is left), and the
 *       tokens given back</td>
 *       <td>{@code {"grants":[{"client","granted","tokens"}]}}, one {@link TokenGrant} per client: tokens granted
 *       (never more than the bucket held) and the bucket's level after the take</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"ratelimit"}}</td></tr>
 * </table>
 */
public final class RateLimitContract {
  /** The versioned address the rate-limit service consumes. */
  public static final String ADDRESS = "troupe.ratelimit.v1";

  /**
   * Takes tokens (and gives some back): a second send takes them again, so it is sent once; a
   * gateway whose take failed admits its requests (fails open) rather than asking twice.
   */
  public static final Action<TakeTokens, List<TokenGrant>> TAKE =
      Action.once(
          ADDRESS,
          "take",
          RateLimitWire.TAKE_TOKENS,
          RateLimitWire.TOKEN_GRANTS,
          "takes and gives back tokens of the cluster-wide buckets of several clients");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of the rate-limit service. */
  public static final List<Action<?, ?>> ACTIONS = List.of(TAKE, PING);

  /** Most clients in one {@code take}. */
  public static final int MAX_CLIENTS = 10_000;

  /** Longest client key. */
  public static final int MAX_CLIENT_LENGTH = 512;

  private RateLimitContract() {}
}
