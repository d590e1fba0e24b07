package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.bool;
import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.object;
import static dev.troupe.shared.contract.JsonFields.string;

import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The codecs of what db-service and cache-service answer about stored entries: lookups, cache hits
 * as stored text, and the small acknowledgements of fills and evictions.
 */
public final class CacheWire {
  static {
    StrictJson.install();
  }

  public static final Codec<Lookup> LOOKUP = Codec.of(CacheWire::toJson, CacheWire::lookup);
  public static final Codec<CacheLookup> CACHE_LOOKUP =
      Codec.of(CacheWire::toJson, CacheWire::cacheLookup);
  public static final Codec<CachedLookups> CACHED_LOOKUPS =
      Codec.of(CacheWire::toJson, CacheWire::cachedLookups);

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

  public static JsonObject toJson(Lookup lookup) {
    JsonObject json = DocWire.toJson(lookup.key()).put("version", lookup.version());
    if (lookup.document() != null) {
      json.put("document", DocWire.toJson(lookup.document()));
    }
    return json;
  }

  public static Lookup lookup(JsonObject json) {
    if (json.getValue("document") != null) {
      return Lookup.found(DocWire.document(object(json, "document")));
    }
    long version = longValue(json, "version");
    if (version < 0) {
      throw TroupeException.badRequest("version must be >= 0, got " + version);
    }
    return Lookup.absent(DocWire.docKey(json), version);
  }

  /**
   * {@code {"hit":false}}, or {@code {"hit":true,"version":v}} plus, for a document, {@code
   * "envelope"}: its envelope's JSON text as the cache stores it, passed on unparsed.
   */
  public static JsonObject toJson(CacheLookup lookup) {
    if (!lookup.hit()) {
      return new JsonObject().put("hit", false);
    }
    JsonObject json = new JsonObject().put("hit", true).put("version", lookup.version());
    return lookup.exists() ? json.put("envelope", lookup.document().envelope()) : json;
  }

  public static CacheLookup cacheLookup(JsonObject json) {
    if (!bool(json, "hit")) {
      return CacheLookup.MISS;
    }
    if (json.getValue("envelope") != null) {
      return CacheLookup.found(DocWire.storedDoc(json));
    }
    long version = longValue(json, "version");
    if (version < 0) {
      throw TroupeException.badRequest("version must be >= 0, got " + version);
    }
    return CacheLookup.absent(version);
  }

  /** {@code {"envelopes":{id:"envelope JSON text"},"absent":{id:version}}}. */
  public static JsonObject toJson(CachedLookups lookups) {
    return new JsonObject()
        .put("envelopes", new JsonObject(new LinkedHashMap<>(lookups.envelopes())))
        .put("absent", new JsonObject(new LinkedHashMap<>(lookups.absent())));
  }

  public static CachedLookups cachedLookups(JsonObject json) {
    JsonObject envelopes = object(json, "envelopes");
    Map<String, String> texts = new LinkedHashMap<>();
    for (String id : envelopes.fieldNames()) {
      texts.put(id, string(envelopes, id));
    }
    JsonObject absent = object(json, "absent");
    Map<String, Long> versions = new LinkedHashMap<>();
    for (String id : absent.fieldNames()) {
      long version = longValue(absent, id);
      if (version < 0) {
        throw TroupeException.badRequest(
            "absent." + id + " must be a version >= 0, got " + version);
      }
      versions.put(id, version);
    }
    return new CachedLookups(texts, versions);
  }
}
