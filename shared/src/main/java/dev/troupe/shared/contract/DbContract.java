package dev.troupe.shared.contract;

/**
 * db-service: the only service that speaks SQL. Bodies and replies are JSON objects mapped by
 * {@link Wire}; the operation is the {@code action} header.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code get}</td><td>{@link DocKey}</td><td>{@link Lookup}</td></tr>
 *   <tr><td>{@code put}</td><td>{@link PutDoc}</td><td>{@link PutResult}; 412 when the precondition fails</td></tr>
 *   <tr><td>{@code delete}</td><td>{@link DeleteDoc}</td><td>{@link DeleteResult}; 404 when absent</td></tr>
 *   <tr><td>{@code list}</td><td>{@link ListDocs}</td><td>{@link DocPage}</td></tr>
 *   <tr><td>{@code getMany}</td><td>{@link KeyBatch}</td><td>{@link LookupBatch}: one lookup per id, in the order asked, read by one query</td></tr>
 *   <tr><td>{@code putMany}</td><td>{@link PutMany}</td><td>{@link PutManyResult}; all writes commit in one transaction, or none
 *       (412 naming the item whose precondition failed)</td></tr>
 *   <tr><td>{@code changes}</td><td>{@code {"since":seq,"limit":n}}</td><td>{@code {"items":[{"seq","collection","id","version","op","at"}],"next":seq}}:
 *       committed writes and deletes with a sequence number above {@code since}, in commit order per key;
 *       ask again with {@code since = next} to catch up</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"db"}}</td></tr>
 * </table>
 */
public final class DbContract {
  /** The versioned address db-service consumes. */
  public static final String ADDRESS = "troupe.db.v1";

  public static final String GET = "get";
  public static final String PUT = "put";
  public static final String DELETE = "delete";
  public static final String LIST = "list";
  public static final String CHANGES = "changes";
  public static final String GET_MANY = "getMany";
  public static final String PUT_MANY = "putMany";

  private DbContract() {}
}
