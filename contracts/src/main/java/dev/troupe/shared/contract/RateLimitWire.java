package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.intValue;
import static dev.troupe.shared.contract.JsonFields.number;
import static dev.troupe.shared.contract.JsonFields.objects;
import static dev.troupe.shared.contract.JsonFields.string;

import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The rate-limit family's JSON ({@link RateLimitContract}): a batched take and its grants, read
 * strictly through {@link JsonFields}.
 */
public final class RateLimitWire {
  static {
    StrictJson.install();
  }

  public static final Codec<TakeTokens> TAKE_TOKENS =
      Codec.of(RateLimitWire::toJson, RateLimitWire::takeTokens);

  /** The reply of a take: {@code {"grants":[{"client","granted","tokens"}]}}. */
  public static final Codec<List<TokenGrant>> TOKEN_GRANTS =
      Codec.of(RateLimitWire::toJson, RateLimitWire::tokenGrants);

  private RateLimitWire() {}

  public static JsonObject toJson(TakeTokens take) {
    JsonArray demands = new JsonArray(new ArrayList<>(take.demands().size()));
    take.demands()
        .forEach(
            d ->
                demands.add(
                    new JsonObject()
                        .put("client", d.client())
                        .put("need", d.need())
                        .put("extra", d.extra())
                        .put("giveBack", d.giveBack())));
    return new JsonObject()
        .put("ratePerSec", take.ratePerSec())
        .put("burst", take.burst())
        .put("demands", demands);
  }

  public static TakeTokens takeTokens(JsonObject json) {
    List<TokenDemand> demands = new ArrayList<>();
    for (JsonObject d : objects(json, "demands")) {
      demands.add(
          new TokenDemand(
              string(d, "client"),
              intValue(d, "need"),
              intValue(d, "extra"),
              intValue(d, "giveBack")));
    }
    return new TakeTokens(number(json, "ratePerSec"), intValue(json, "burst"), demands);
  }

  public static JsonObject toJson(List<TokenGrant> grants) {
    JsonArray items = new JsonArray(new ArrayList<>(grants.size()));
    grants.forEach(
        g ->
            items.add(
                new JsonObject()
                    .put("client", g.client())
                    .put("granted", g.granted())
                    .put("tokens", g.tokens())));
    return new JsonObject().put("grants", items);
  }

  public static List<TokenGrant> tokenGrants(JsonObject json) {
    List<TokenGrant> grants = new ArrayList<>();
    for (JsonObject g : objects(json, "grants")) {
      grants.add(new TokenGrant(string(g, "client"), intValue(g, "granted"), number(g, "tokens")));
    }
    return grants;
  }
}
