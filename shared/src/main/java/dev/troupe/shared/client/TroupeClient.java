package dev.troupe.shared.client;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
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
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java client of Troupe for services that join its cluster: typed calls on {@link
 * RequestContract#ADDRESS} and a subscription to {@link DocEvents#ADDRESS}, over the clustered
 * {@link Vertx} of the calling service (start one with {@link
 * dev.troupe.shared.cluster.ClusterBootstrap#start}, with the cluster's {@code TROUPE_CLUSTER_*}
 * settings). Creating a client registers the codec Troupe's services reply with.
 *
 * <p>Every call has a deadline (the client's timeout, unless given) and fails with a {@link
 * TroupeException} whose {@link TroupeException#code()} is the {@code ErrorCode} of the failure:
 * {@code NOT_FOUND} for a missing document, {@code PRECONDITION_FAILED}, {@code TIMEOUT} past the
 * deadline, {@code UNAVAILABLE} when no request-service answers, and so on (see {@code
 * docs/bus.md}).
 *
 * <pre>{@code
 * TroupeClient troupe = TroupeClient.create(vertx, 5_000);
 * troupe.put(DocKey.of("books", "dune"), new JsonObject().put("title", "Dune"))
 *     .compose(put -> troupe.get(DocKey.of("books", "dune")))
 *     .onSuccess(read -> log.info("version {}", read.document().version()));
 * troupe.onChange(change -> log.info("{} {}", change.op(), change.key()));
 * }</pre>
 */
public final class TroupeClient {
  /** The deadline of a call when none is given: the gateway's default. */
  public static final long DEFAULT_TIMEOUT_MS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(TroupeClient.class);

  private final Vertx vertx;
  private final Bus bus;

  private TroupeClient(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.bus = new Bus(vertx, timeoutMs);
  }

  /** A client whose calls have a deadline of {@value #DEFAULT_TIMEOUT_MS} ms. */
  public static TroupeClient create(Vertx vertx) {
    return new TroupeClient(vertx, DEFAULT_TIMEOUT_MS);
  }

  /** A client whose calls have a deadline of {@code timeoutMs}. */
  public static TroupeClient create(Vertx vertx, long timeoutMs) {
    return new TroupeClient(vertx, timeoutMs);
  }

  /** Reads a document; fails with {@code NOT_FOUND} when there is none. */
  public Future<ReadResult> get(DocKey key) {
    return call(RequestContract.GET, new ReadDoc(key, false));
  }

  /** Creates or replaces a document. */
  public Future<PutResult> put(DocKey key, JsonObject data) {
    return put(new PutDoc(key, data, Precondition.NONE));
  }

  /**
   * Creates or replaces a document if its precondition holds ({@code PRECONDITION_FAILED}
   * otherwise).
   */
  public Future<PutResult> put(PutDoc put) {
    return call(RequestContract.PUT, put);
  }

  /** Deletes a document; fails with {@code NOT_FOUND} when there is none. */
  public Future<DeleteResult> delete(DocKey key) {
    return delete(new DeleteDoc(key, Precondition.NONE));
  }

  public Future<DeleteResult> delete(DeleteDoc delete) {
    return call(RequestContract.DELETE, delete);
  }

  /** One page of a collection in id order. */
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

  /**
   * Calls {@code handler} with every committed change of any document, on this verticle's context.
   * Completes with the subscription once it is registered in the cluster (unregister it to stop).
   * Delivery is at most once: after a gap (a restart), read again what matters.
   */
  public Future<MessageConsumer<JsonObject>> onChange(Handler<DocChange> handler) {
    MessageConsumer<JsonObject> consumer =
        vertx
            .eventBus()
            .consumer(
                DocEvents.ADDRESS,
                message -> {
                  DocChange change;
                  try {
                    change = ChangeWire.DOC_CHANGE.decode(message.body());
                  } catch (TroupeException e) {
                    LOG.warn("ignoring a malformed change event: {}", e.getMessage());
                    return;
                  }
                  handler.handle(change);
                });
    return consumer.completion().map(consumer);
  }

  private <Q, R> Future<R> call(Action<Q, R> action, Q request) {
    return bus.call(action, request, null)
        .recover(failure -> Future.failedFuture(Failures.normalise(failure)));
  }
}
