package dev.troupe.client;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests of one {@link BridgeConnection} that wait for their answer, by reply address, each
 * with its deadline's timer. Used from the connection's context only.
 */
final class PendingCalls {
  /** A request waiting for its answer. */
  private static final class Pending {
    final String address;
    final Promise<JsonObject> promise = Promise.promise();
    long timer = -1;
    boolean written;

    Pending(String address) {
      this.address = address;
    }
  }

  private final Vertx vertx;
  private final String name;
  private final Map<String, Pending> pending = new HashMap<>();

  /** {@code name} names the connection in failures. */
  PendingCalls(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
  }

  /**
   * Waits for the answer to {@code replyAddress}, a request to {@code address} as {@code action};
   * without one within {@code timeoutMs} it fails with a {@link ReplyFailure#TIMEOUT}.
   */
  Future<JsonObject> add(String replyAddress, String address, String action, long timeoutMs) {
    Pending call = new Pending(address);
    pending.put(replyAddress, call);
    call.timer =
        vertx.setTimer(
            timeoutMs,
            t -> {
              if (pending.remove(replyAddress) != null) {
                call.promise.tryFail(
                    new ReplyException(
                        ReplyFailure.TIMEOUT,
                        -1,
                        "no answer to " + address + " " + action + " within " + timeoutMs + " ms"));
              }
            });
    return call.promise.future();
  }

  /** The request's frame was written ({@code failure} null) or not. */
  void written(String replyAddress, Throwable failure) {
    Pending call = pending.get(replyAddress);
    if (call == null) {
      return;
    }
    if (failure == null) {
      call.written = true;
    } else {
      fail(replyAddress, TransportFailure.notSent(name + ": the request was not sent", failure));
    }
  }

  /** Whether a request waits on {@code replyAddress}. */
  boolean waits(String replyAddress) {
    return pending.containsKey(replyAddress);
  }

  /** Answers the request of {@code replyAddress} with {@code body}, a JSON object or not. */
  void answer(String replyAddress, Object body) {
    Pending call = remove(replyAddress);
    if (call == null) {
      return;
    }
    if (body instanceof JsonObject json) {
      call.promise.tryComplete(json);
    } else {
      call.promise.tryFail(
          new TroupeException(
              ErrorCode.INTERNAL, call.address + " answered without a JSON object body"));
    }
  }

  /** Fails the request of {@code replyAddress}, if it still waits. */
  void fail(String replyAddress, Throwable failure) {
    Pending call = remove(replyAddress);
    if (call != null) {
      call.promise.tryFail(failure);
    }
  }

  /**
   * Fails every request: the connection closed. One whose frame was written may have been done
   * ({@link TransportFailure#lost}); the others were not sent.
   */
  void closed() {
    List<Pending> waiting = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending call : waiting) {
      vertx.cancelTimer(call.timer);
      call.promise.tryFail(
          call.written
              ? TransportFailure.lost(
                  name + " closed the connection before " + call.address + " answered")
              : TransportFailure.notSent(name + " closed the connection"));
    }
  }

  private Pending remove(String replyAddress) {
    Pending call = replyAddress == null ? null : pending.remove(replyAddress);
    if (call != null) {
      vertx.cancelTimer(call.timer);
    }
    return call;
  }
}
