package dev.troupe.shared.contract;

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

  public static final String GET = "get";
  public static final String FILL = "fill";
  public static final String EVICT = "evict";
  public static final String STATS = "stats";
  public static final String GET_MANY = "getMany";
  public static final String FILL_MANY = "fillMany";
  public static final String EVICT_MANY = "evictMany";

  private CacheContract() {}
}
