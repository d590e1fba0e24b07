package dev.troupe.client;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.contract.ChangeLogGone;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.ChangesQuery;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatContract.ChatMessage;
import dev.troupe.shared.contract.ChatContract.HistoryQuery;
import dev.troupe.shared.contract.ChatContract.Membership;
import dev.troupe.shared.contract.ChatContract.Post;
import dev.troupe.shared.contract.ChatWire;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobRef;
import dev.troupe.shared.contract.JobView;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.MultiGetReply;
import dev.troupe.shared.contract.MultiGetResult;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.ReadDoc;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.StrictJson;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The JVM client of Troupe: typed, asynchronous calls to its services (documents, batches, change
 * events, job status, chat), each sent as the action its contract declares ({@link
 * RequestContract}, {@link JobsContract}, {@link ChatContract}) and decoded with that action's
 * codecs.
 *
 * <pre>{@code
 * TroupeClient.connect(ClientOptions.builder().cluster("troupe", "127.0.0.1:5701").build())
 *     .compose(troupe -> troupe.put(DocKey.of("books", "dune"), new JsonObject().put("title", "Dune"))
 *         .compose(put -> troupe.get(DocKey.of("books", "dune")))
 *         .onSuccess(doc -> log.info("version {}", doc.version())));
 * }</pre>
 *
 * <p>It reaches Troupe as a Hazelcast lite member of the cluster, through a gateway's TCP bridge,
 * or on a Vert.x the caller has ({@link ClientOptions.Transport}).
 *
 * <p><b>Deadlines, retries, errors.</b> Every call has a deadline ({@link ClientOptions#timeout()},
 * or a view's: {@link #withTimeout}) that covers all its attempts. A call no service got (no
 * handler, a node that is leaving, the bridge connection down) is sent again; one that may have
 * been done only when its action is idempotent for that request (reads; writes with an idempotency
 * key: {@link PutDoc#idempotencyKey()}). A failure is always a {@link TroupeException} whose {@link
 * TroupeException#code()} is the {@link ErrorCode}: {@code NOT_FOUND}, {@code PRECONDITION_FAILED},
 * {@code TIMEOUT} past the deadline, {@code UNAVAILABLE} when no service answers, {@code FORBIDDEN}
 * when the bridge's credential lacks the scope or the bridge does not permit the address, and so on
 * (see {@code docs/bus.md}).
 *
 * <p><b>Threads.</b> The client may be used from any thread. A call made on a Vert.x context
 * completes on it; a subscription's handler runs on the context it was made on (else on an event
 * loop of the client's Vert.x). Handlers must not block.
 *
 * <p><b>JSON.</b> The client reads JSON as Troupe does ({@link StrictJson}): strictly (RFC 8259 and
 * nothing else, no duplicate names) and with every number exact. This applies to the JVM's Vert.x
 * JSON as a whole.
 */
public final class TroupeClient {
  static {
    StrictJson.install();
  }

  private final ClientCore core;
  private final long timeoutMs;

  private TroupeClient(ClientCore core, long timeoutMs) {
    this.core = core;
    this.timeoutMs = timeoutMs;
  }

  private TroupeClient(ClientCore core) {
    this(core, core.options().timeout().toMillis());
  }

  /**
   * Connects with a Vert.x of the client's own: as a lite member of the cluster ({@link
   * ClientOptions.Builder#cluster}) or through the bridge ({@link ClientOptions.Builder#bridge}).
   * Completes once the client can call: it joined a cluster that has a Troupe node, or the bridge
   * authenticated it. Fails with a {@link TroupeException}: {@code UNAVAILABLE} when nothing
   * answered, {@code UNAUTHORIZED} when the bridge refused the credential.
   */
  public static Future<TroupeClient> connect(ClientOptions options) {
    return Connector.connect(options).map(TroupeClient::new);
  }

  /**
   * Connects on {@code vertx}, which the client does not close: through its event bus (options
   * without a transport; a clustered Vert.x that is a member of the Troupe cluster), or through the
   * bridge with a connection of its own ({@link ClientOptions.Builder#bridge}).
   */
  public static Future<TroupeClient> connect(Vertx vertx, ClientOptions options) {
    return Connector.connect(vertx, options).map(TroupeClient::new);
  }

  /**
   * A view of this client whose calls have {@code timeout} as their deadline; it shares the
   * connection (closing either closes both).
   */
  public TroupeClient withTimeout(Duration timeout) {
    if (timeout.toMillis() < 1) {
      throw new IllegalArgumentException("a timeout must be at least 1 ms, got " + timeout);
    }
    return new TroupeClient(core, timeout.toMillis());
  }

  /** The deadline of this view's calls. */
  public Duration timeout() {
    return Duration.ofMillis(timeoutMs);
  }

  public ClientOptions options() {
    return core.options();
  }

  /**
   * The Vert.x the client runs on: its own (deploy the caller's verticles on it, if it likes) or
   * the one it was given.
   */
  public Vertx vertx() {
    return core.transport().vertx();
  }

  /**
   * Calls any action a contract declares (for those without a method here), with this client's
   * deadline and retries.
   */
  public <Q, R> Future<R> call(Action<Q, R> action, Q request) {
    return core.call(action, request, timeoutMs);
  }

  // Documents

  /** Reads a document; fails with {@code NOT_FOUND} when there is none. */
  public Future<Document> get(DocKey key) {
    return call(RequestContract.GET, new ReadDoc(key, false)).map(ReadResult::document);
  }

  /**
   * Creates or replaces a document. Not retried once it may have been done: see {@link
   * #put(PutDoc)}.
   */
  public Future<PutResult> put(DocKey key, JsonObject data) {
    return put(new PutDoc(key, data, Precondition.NONE));
  }

  /**
   * Creates or replaces a document if its precondition holds ({@code PRECONDITION_FAILED}
   * otherwise: {@link Precondition#ifMatch} for a version, {@link Precondition#ifNoneMatchAny} for
   * "only if absent"). With an idempotency key the write is applied at most once and may be retried
   * safely.
   */
  public Future<PutResult> put(PutDoc put) {
    return call(RequestContract.PUT, put);
  }

  /** Deletes a document; fails with {@code NOT_FOUND} when there is none. */
  public Future<DeleteResult> delete(DocKey key) {
    return delete(new DeleteDoc(key, Precondition.NONE));
  }

  /** Deletes a document if its precondition holds, at most once with an idempotency key. */
  public Future<DeleteResult> delete(DeleteDoc delete) {
    return call(RequestContract.DELETE, delete);
  }

  /** One page of a collection in id order; {@link DocPage#next()} names the next one. */
  public Future<DocPage> list(ListDocs list) {
    return call(RequestContract.LIST, list);
  }

  /** Several documents of one collection, read in parallel sub-batches. */
  public Future<MultiGetResult> getMany(MultiGet get) {
    return call(RequestContract.GET_MANY, get).map(MultiGetReply::decoded);
  }

  /** Several writes to one collection in one transaction: all or none. */
  public Future<PutManyResult> putMany(PutMany put) {
    return call(RequestContract.PUT_MANY, put);
  }

  // Change events

  /**
   * Calls {@code handler} with every committed change of any document. Completes once the
   * subscription is registered; the cluster's nodes learn of it a moment later. Delivery is at most
   * once: after a gap (a restart, a reconnect), read again what matters, or resume from the last
   * {@link DocChange#seq()} with {@link #onChange(long, Handler, Handler)}.
   */
  public Future<Subscription> onChange(Handler<DocChange> handler) {
    return core.subscribe(
        DocEvents.ADDRESS,
        ClientCore.decoding(ChangeWire.DOC_CHANGE::decode, "change event", handler));
  }

  /**
   * Calls {@code handler} with every committed change after position {@code since} of the change
   * log ({@link DocChange#seq()}), exactly once and in log order: first the changes the log holds
   * (read page by page with request-service's read-only {@code changes}, so it works through the
   * bridge too), then the live ones, with no gap and no duplicate. To resume after a restart, pass
   * the {@code seq} of the last change handled; {@code 0} replays the whole log. Completes once the
   * replay reached the log's head (the handler got every change up to it); fails with a {@link
   * TroupeException}: {@code GONE}, a {@link ChangeLogGone}, when retention removed changes after
   * {@code since} ({@link ChangeLogGone#earliest()} is where the log starts: read the documents
   * again, then follow from {@code earliest - 1}); {@code BAD_REQUEST} for a position past the
   * log's head. The feed holds every collection: filter in {@code handler} for one.
   *
   * <p>A live event whose seq leaves a gap (the bus delivers at most once, and in no order across
   * db-service instances) is filled from the log. When the log cannot be read once the feed runs,
   * the feed retries from its last change with a growing wait; {@code ended} (may be null) is
   * called if it cannot go on: retention removed that position meanwhile ({@link ChangeLogGone}).
   */
  public Future<Subscription> onChange(
      long since, Handler<DocChange> handler, Handler<Throwable> ended) {
    if (since < 0) {
      return Future.failedFuture(
          TroupeException.badRequest(
              "since must be a change log position (an integer >= 0), got " + since));
    }
    Future<Subscription> refused = core.refusedWhenClosed();
    if (refused != null) {
      return refused;
    }
    Context context = Vertx.currentContext();
    if (context == null) {
      context = vertx().getOrCreateContext();
    }
    return Detached.of(
        ChangeFeed.start(
            context,
            since,
            from -> call(RequestContract.CHANGES, new ChangesQuery(from, ChangesQuery.MAX_LIMIT)),
            events -> core.subscribe(DocEvents.ADDRESS, events),
            handler,
            ended));
  }

  /** {@link #onChange(long, Handler, Handler)} without a handler for the feed's end. */
  public Future<Subscription> onChange(long since, Handler<DocChange> handler) {
    return onChange(since, handler, null);
  }

  // Jobs

  /** A background job's status, with its rate and remaining time; {@code NOT_FOUND} if unknown. */
  public Future<JobView> job(String id) {
    JobRef ref;
    try {
      ref = new JobRef(id);
    } catch (TroupeException e) {
      return Future.failedFuture(e);
    }
    return call(JobsContract.GET, ref);
  }

  // Chat

  /** {@code user} joins {@code room} (again: nothing changes); completes with the member count. */
  public Future<Integer> join(String room, String user) {
    return membership(ChatContract.JOIN, room, user);
  }

  /** {@code user} leaves {@code room}; completes with the member count. */
  public Future<Integer> leave(String room, String user) {
    return membership(ChatContract.LEAVE, room, user);
  }

  private Future<Integer> membership(
      Action<Membership, JsonObject> action, String room, String user) {
    Membership membership;
    try {
      membership = new Membership(room, user);
    } catch (TroupeException e) {
      return Future.failedFuture(e);
    }
    return call(action, membership).map(ChatWire::memberCount);
  }

  /**
   * Posts a message as {@code from}, a member of {@code room} ({@code FORBIDDEN} otherwise);
   * completes with its number in the room. Never sent twice once it may have been posted.
   */
  public Future<Long> post(String room, String from, String text) {
    Post post;
    try {
      post = new Post(room, from, text);
    } catch (TroupeException e) {
      return Future.failedFuture(e);
    }
    return call(ChatContract.POST, post).map(ChatWire::postedSeq);
  }

  /**
   * The messages of a room after a number, oldest first, as its member {@code query.user()} sees
   * them.
   */
  public Future<List<ChatMessage>> history(HistoryQuery query) {
    return call(ChatContract.HISTORY, query).map(reply -> ChatWire.history(query.room(), reply));
  }

  /** Calls {@code handler} with every message of {@code user}'s rooms, as it is stored. */
  public Future<Subscription> onChatMessage(String user, Handler<ChatMessage> handler) {
    String address;
    try {
      address = ChatContract.userAddress(user);
    } catch (TroupeException e) {
      return Future.failedFuture(e);
    }
    return core.subscribe(
        address, ClientCore.decoding(ChatWire::chatMessage, "chat message", handler));
  }

  /**
   * Closes the client and every view of it: its subscriptions, its bridge connection, and the
   * Vert.x it started (which leaves the cluster). A Vert.x it was given stays open. Calls made
   * afterwards fail with {@code UNAVAILABLE}. Idempotent. The future completes on no particular
   * context: the client's own Vert.x, closed, runs no more callbacks.
   */
  public Future<Void> close() {
    return core.close();
  }
}
