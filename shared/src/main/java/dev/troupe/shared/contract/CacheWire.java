package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;

/**
 * The codecs of what db-service and cache-service answer about stored entries: lookups, cache hits
 * as stored text, and the small acknowledgements of fills and evictions.
 */
public final class CacheWire {
  public static final Codec<Lookup> LOOKUP = Codec.of(Wire::toJson, Wire::lookup);
  public static final Codec<CacheLookup> CACHE_LOOKUP = Codec.of(Wire::toJson, Wire::cacheLookup);
  public static final Codec<CachedLookups> CACHED_LOOKUPS =
      Codec.of(Wire::toJson, Wire::cachedLookups);

  /** {@code {"stored":bool}}: whether a fill moved the entry forward. */
  public static final Codec<Boolean> STORED =
      Codec.of(
          stored -> new JsonObject().put("stored", stored),
          json -> JsonFields.bool(json, "stored"));

  /** {@code {"stored":n}}: how many entries of a batch a fill moved forward. */
  public static final Codec<Long> STORED_COUNT =
      Codec.of(
          stored -> new JsonObject().put("stored", stored),
          json -> JsonFields.longValue(json, "stored"));

  /** {@code {}}: done, nothing to say. */
  public static final Codec<Void> DONE = Codec.of(nothing -> new JsonObject(), json -> null);

  private CacheWire() {}
}
