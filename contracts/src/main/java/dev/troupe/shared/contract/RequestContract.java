package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;
import java.util.List;

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
 *   <tr><td>{@code changes}</td><td>{@link ChangesQuery}</td><td>a page of the change log after {@code since}
 *       (db-service's {@code changes}, read only): {@code items}, {@code next}, {@code earliest}, {@code head}</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"request"}}</td></tr>
 * </table>
 */
public final class RequestContract {
  /** The versioned address request-service consumes. */
  public static final String ADDRESS = "troupe.request.v1";

  public static final Action<ReadDoc, ReadResult> GET =
      Action.idempotent(
          ADDRESS,
          "get",
          DocWire.READ_DOC,
          DocWire.READ_RESULT,
          "a document, cache-aside; 404 when absent; with encoded, as its envelope text");

  public static final Action<PutDoc, PutResult> PUT =
      Action.idempotentWhen(
          ADDRESS,
          "put",
          DocWire.PUT_DOC,
          DocWire.PUT_RESULT,
          put -> put.idempotencyKey() != null,
          "writes a document through to the database, then the cache");

  public static final Action<DeleteDoc, DeleteResult> DELETE =
      Action.idempotentWhen(
          ADDRESS,
          "delete",
          DocWire.DELETE_DOC,
          DocWire.DELETE_RESULT,
          delete -> delete.idempotencyKey() != null,
          "deletes a document in the database, then moves the cache forward");

  public static final Action<ListDocs, DocPage> LIST =
      Action.idempotent(
          ADDRESS,
          "list",
          DocWire.LIST_DOCS,
          DocWire.DOC_PAGE,
          "a page of a collection's documents in id order");

  public static final Action<MultiGet, MultiGetReply> GET_MANY =
      Action.idempotent(
          ADDRESS,
          "getMany",
          BatchWire.MULTI_GET,
          BatchWire.MULTI_GET_REPLY,
          "several documents of a collection, fork-join; with encoded, as envelope texts");

  public static final Action<PutMany, PutManyResult> PUT_MANY =
      Action.idempotentWhen(
          ADDRESS,
          "putMany",
          BatchWire.PUT_MANY,
          BatchWire.PUT_MANY_RESULT,
          put -> put.idempotencyKey() != null,
          "writes a batch in one transaction");

  /**
   * The change log, read only, for callers that may not reach db-service: bridged clients resume a
   * change feed with it ({@link ChangeFollower}).
   */
  public static final Action<ChangesQuery, JsonObject> CHANGES =
      Action.idempotent(
          ADDRESS,
          "changes",
          ChangeWire.CHANGES_QUERY,
          Codec.json(),
          "a page of the change log after a sequence number, read from db-service");

  public static final Action<JsonObject, JsonObject> PING = Action.ping(ADDRESS);

  /** Every action of {@link #ADDRESS}. */
  public static final List<Action<?, ?>> ACTIONS =
      List.of(GET, PUT, DELETE, LIST, GET_MANY, PUT_MANY, CHANGES, PING);

  private RequestContract() {}
}
