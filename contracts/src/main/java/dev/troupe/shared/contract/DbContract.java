package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * db-service: the only service that speaks SQL. Bodies and replies are JSON objects mapped by the
 * codecs of the declarations below; the operation is the {@code action} header.
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
 *   <tr><td>{@code changes}</td><td>{@code {"since":seq,"limit":n}}</td><td>{@code {"items":[{"seq","collection","id","version","op","at"}],"next":seq,"earliest":seq,"head":seq}}:
 *       committed writes and deletes with a sequence number above {@code since}, in commit order (numbered
 *       without gaps: seq n+1 is never visible before n); ask again with {@code since = next} to catch up.
 *       {@code earliest} is the oldest seq retention kept ({@code head + 1} when none), {@code head} the newest</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"db"}}</td></tr>
 * </table>
 */
public final class DbContract {
  /** The versioned address db-service consumes. */
  public static final String ADDRESS = "troupe.db.v1";

  public static final Action<DocKey, Lookup> GET =
      Action.idempotent(
          ADDRESS,
          "get",
          DocWire.DOC_KEY,
          CacheWire.LOOKUP,
          "what is stored under a key: the document, or its absence at a version");

  public static final Action<PutDoc, PutResult> PUT =
      Action.idempotentWhen(
          ADDRESS,
          "put",
          DocWire.PUT_DOC,
          DocWire.PUT_RESULT,
          put -> put.idempotencyKey() != null,
          "writes a document under its precondition; 412 when it fails");

  public static final Action<DeleteDoc, DeleteResult> DELETE =
      Action.idempotentWhen(
          ADDRESS,
          "delete",
          DocWire.DELETE_DOC,
          DocWire.DELETE_RESULT,
          delete -> delete.idempotencyKey() != null,
          "deletes a document under its precondition; 404 when absent");

  public static final Action<ListDocs, DocPage> LIST =
      Action.idempotent(
          ADDRESS,
          "list",
          DocWire.LIST_DOCS,
          DocWire.DOC_PAGE,
          "a page of a collection's documents in id order");

  public static final Action<ChangesQuery, JsonObject> CHANGES =
      Action.idempotent(
          ADDRESS,
          "changes",
          ChangeWire.CHANGES_QUERY,
          Codec.json(),
          "committed writes and deletes after a sequence number, in commit order per key");

  public static final Action<KeyBatch, LookupBatch> GET_MANY =
      Action.idempotent(
          ADDRESS,
          "getMany",
          BatchWire.KEY_BATCH,
          BatchWire.LOOKUP_BATCH,
          "one lookup per id, in the order asked, read by one query");

  public static final Action<PutMany, PutManyResult> PUT_MANY =
      Action.idempotentWhen(
          ADDRESS,
          "putMany",
          BatchWire.PUT_MANY,
          BatchWire.PUT_MANY_RESULT,
          put -> put.idempotencyKey() != null,
          "writes a batch in one transaction, or none (412 naming the item that failed)");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of {@link #ADDRESS}. */
  public static final List<Action<?, ?>> ACTIONS =
      List.of(GET, PUT, DELETE, LIST, CHANGES, GET_MANY, PUT_MANY, PING);

  private DbContract() {}
}
