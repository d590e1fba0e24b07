package dev.troupe.shared.contract;

/**
 * request-service: the document pipeline (validation, cache-aside reads, write-through writes).
 * This is the address other services call to read and write documents.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code get}</td><td>{@link ReadDoc}</td><td>{@link ReadResult}; 404 when absent. With {@code encoded}, the
 *       document as its envelope text ({@link StoredDoc}): a cache hit's text as the cache stores it, unparsed</td></tr>
 *   <tr><td>{@code put}</td><td>{@link PutDoc}</td><td>{@link PutResult}</td></tr>
 *   <tr><td>{@code delete}</td><td>{@link DeleteDoc}</td><td>{@link DeleteResult}</td></tr>
 *   <tr><td>{@code list}</td><td>{@link ListDocs}</td><td>{@link DocPage}</td></tr>
 *   <tr><td>{@code getMany}</td><td>{@link MultiGet}</td><td>{@link MultiGetResult}: split into sub-batches read in parallel
 *       (cache, then one database query per sub-batch for the misses), joined before a deadline; a failed
 *       sub-batch fails the call naming it, or with {@code partial} is listed under {@code failed}; with
 *       {@code encoded}, an {@link EncodedMultiGetResult} (documents as JSON text) instead</td></tr>
 *   <tr><td>{@code putMany}</td><td>{@link PutMany}</td><td>{@link PutManyResult}: one transaction</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"request"}}</td></tr>
 * </table>
 */
public final class RequestContract {
  /** The versioned address request-service consumes. */
  public static final String ADDRESS = "troupe.request.v1";

  public static final String GET = "get";
  public static final String PUT = "put";
  public static final String DELETE = "delete";
  public static final String LIST = "list";
  public static final String GET_MANY = "getMany";
  public static final String PUT_MANY = "putMany";

  private RequestContract() {}
}
