package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * cache-service: the only service that touches the Hazelcast cache maps.
 *
 * <p>Every entry carries the document version it describes and the cache only ever moves an entry
 * forward ({@code fill} stores an entry only if it is newer than what is cached). A read-fill that
 * loses a race against a write therefore cannot put an old version back.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code get}</td><td>{@link DocKey}</td><td>{@link CacheLookup}: a document as its stored envelope text, unparsed</td></tr>
 *   <tr><td>{@code fill}</td><td>{@link Lookup} (a document, or an absence at a version)</td><td>{@code {"stored":bool}}</td></tr>
 *   <tr><td>{@code evict}</td><td>{@link DocKey}</td><td>{@code {}}</td></tr>
 *   <tr><td>{@code getMany}</td><td>{@link KeyBatch}</td><td>{@link CachedLookups}: documents as their stored envelope text,
 *       absences as versions (ids in neither are misses)</td></tr>
 *   <tr><td>{@code fillMany}</td><td>{@link LookupBatch}</td><td>{@code {"stored":n}}; each entry as {@code fill}</td></tr>
 *   <tr><td>{@code evictMany}</td><td>{@link KeyBatch}</td><td>{@code {}}</td></tr>
 *   <tr><td>{@code stats}</td><td>anything</td><td>{@code {"node":{"name","hits","misses","fills","entries","backupEntries","evictions","expirations"},
 *       "cluster":{the same summed over nodes,"nodes":n}}}; other nodes' figures are at most a few seconds old</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"cache"}}</td></tr>
 * </table>
 */
public final class CacheContract {
  /** The versioned address cache-service consumes. */
  public static final String ADDRESS = "troupe.cache.v1";

  public static final Action<DocKey, CacheLookup> GET =
      Action.idempotent(
          ADDRESS,
          "get",
          DocWire.DOC_KEY,
          CacheWire.CACHE_LOOKUP,
          "the entry of a key: a document as its stored envelope text, an absence, or a miss");

  public static final Action<Lookup, Boolean> FILL =
      Action.idempotent(
          ADDRESS,
          "fill",
          CacheWire.LOOKUP,
          CacheWire.STORED,
          "stores an entry only if it is newer than the cached one");

  public static final Action<DocKey, Void> EVICT =
      Action.idempotent(
          ADDRESS, "evict", DocWire.DOC_KEY, CacheWire.DONE, "removes the entry of a key");

  public static final Action<JsonObject, JsonObject> STATS =
      Action.idempotent(
          ADDRESS,
          "stats",
          Codec.json(),
          Codec.json(),
          "this node's cache figures and the cluster's");

  public static final Action<KeyBatch, CachedLookups> GET_MANY =
      Action.idempotent(
          ADDRESS,
          "getMany",
          BatchWire.KEY_BATCH,
          CacheWire.CACHED_LOOKUPS,
          "the entries held for a batch of ids; documents as their stored envelope text");

  public static final Action<LookupBatch, Long> FILL_MANY =
      Action.idempotent(
          ADDRESS,
          "fillMany",
          BatchWire.LOOKUP_BATCH,
          CacheWire.STORED_COUNT,
          "fills a batch, each entry as fill does");

  public static final Action<KeyBatch, Void> EVICT_MANY =
      Action.idempotent(
          ADDRESS,
          "evictMany",
          BatchWire.KEY_BATCH,
          CacheWire.DONE,
          "removes the entries of a batch of ids");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of {@link #ADDRESS}. */
  public static final List<Action<?, ?>> ACTIONS =
      List.of(GET, FILL, EVICT, STATS, GET_MANY, FILL_MANY, EVICT_MANY, PING);

  private CacheContract() {}
}
