package dev.troupe.client;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Which frames of one {@link BridgeConnection} the bridge let through, told by fences. The bridge
 * refuses a frame to an address outside its allowlists with an {@code err} frame that names no
 * frame ({@code access_denied}; a {@code register} its guard refuses likewise), and answers a
 * {@code ping} with a {@code pong} in the order of the connection's frames. So each frame whose
 * acceptance cannot otherwise be told (the first {@code send} to an address, every {@code
 * register}) is followed by a {@code ping}: a refusal without an address belongs to the oldest
 * frame whose {@code pong} has not come back (a <em>fence</em>), and that {@code pong} confirms the
 * frame was let through. Once an address is confirmed, sends to it need no fence. Keep-alive pings
 * are fences without a frame. Used from the connection's context only.
 */
final class BridgeFences {
  static final String ACCESS_DENIED = "access_denied";
  private static final String BLOCKED = "blocked by bridgeEvent handler";

  /** A frame followed by a {@code ping}. */
  private static final class Fence {
    final String address;
    final String replyAddress;
    final Promise<Void> registered;
    boolean refused;

    Fence(String address, String replyAddress, Promise<Void> registered) {
      this.address = address;
      this.replyAddress = replyAddress;
      this.registered = registered;
    }
  }

  private final String name;
  private final BiConsumer<String, Throwable> refuseRequest;
  private final Deque<Fence> fences = new ArrayDeque<>();
  private final Set<String> permitted = new HashSet<>();

  /**
   * {@code name} names the connection in failures; {@code refuseRequest} fails the request waiting
   * on a reply address.
   */
  BridgeFences(String name, BiConsumer<String, Throwable> refuseRequest) {
    this.name = name;
    this.refuseRequest = refuseRequest;
  }

  /** Whether sends to {@code address} are known to be let through. */
  boolean permitted(String address) {
    return permitted.contains(address);
  }

  /** Sends to {@code address} are let through (a service answered one). */
  void permit(String address) {
    permitted.add(address);
  }

  /** A {@code send} to {@code address}, answered on {@code replyAddress}, is followed by a ping. */
  void afterSend(String address, String replyAddress) {
    fences.add(new Fence(address, replyAddress, null));
  }

  /**
   * A {@code register} of {@code address} is followed by a ping; completes once the bridge let it
   * through.
   */
  Future<Void> afterRegister(String address) {
    Promise<Void> done = Promise.promise();
    fences.add(new Fence(address, null, done));
    return done.future();
  }

  /** A keep-alive ping, a fence without a frame. */
  void keepAlive() {
    fences.add(new Fence(null, null, null));
  }

  /** A {@code pong}: the oldest fenced frame was let through, unless it was refused. */
  void pong() {
    Fence fence = fences.poll();
    if (fence == null || fence.address == null || fence.refused) {
      return;
    }
    if (fence.registered != null) {
      fence.registered.tryComplete();
    } else {
      permitted.add(fence.address);
    }
  }

  /**
   * An {@code err} frame without an address: the refusal of the oldest fenced frame, if it is one.
   *
   * @return false when it refuses no frame (the caller logs it)
   */
  boolean refusal(String message, Integer code) {
    Fence fence = fences.peek();
    if (BLOCKED.equals(message)) {
      // Follows the guard's own err frame, which said why; no confirmation for the frame.
      if (fence != null) {
        fence.refused = true;
      }
      return true;
    }
    if (fence == null) {
      return false;
    }
    boolean registering = fence.registered != null;
    if (ACCESS_DENIED.equals(message) && fence.address != null) {
      refuse(
          fence,
          new TroupeException(
              ErrorCode.FORBIDDEN,
              name
                  + " does not permit "
                  + (registering ? "subscribing to " : "sending to ")
                  + fence.address
                  + (registering ? " (TROUPE_BRIDGE_OUTBOUND)" : " (TROUPE_BRIDGE_INBOUND)")));
      return true;
    }
    if (code != null && registering) {
      refuse(fence, new TroupeException(ErrorCode.fromCode(code), name + ": " + message));
      return true;
    }
    return false;
  }

  private void refuse(Fence fence, TroupeException failure) {
    fence.refused = true;
    if (fence.registered != null) {
      fence.registered.tryFail(failure);
    } else {
      refuseRequest.accept(fence.replyAddress, failure);
    }
  }

  /** The connection closed: every registration waiting for its confirmation fails. */
  void closed() {
    for (Fence fence : fences) {
      if (fence.registered != null) {
        fence.registered.tryFail(TransportFailure.notSent(name + " closed the connection"));
      }
    }
    fences.clear();
  }
}
