package dev.troupe.gateway;

import dev.troupe.shared.actor.ActorContract;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.StateStoreContract;
import java.util.List;

/**
 * Settings of the event-bus bridges for services and browsers outside the cluster: the TCP bridge
 * and the SockJS bridge at {@code /eventbus}. Both use the same allowlists, authentication ({@code
 * TROUPE_AUTH}) and limits.
 *
 * @param tcpPort TCP bridge port ({@code TROUPE_BRIDGE_PORT}, default unset: no TCP bridge; 0 picks
 *     a free port)
 * @param tcpHost address the TCP bridge binds ({@code TROUPE_BRIDGE_HOST}, default {@code
 *     127.0.0.1})
 * @param sockJs serve the SockJS bridge at {@code /eventbus} on the gateway ({@code
 *     TROUPE_BRIDGE_SOCKJS}, default false)
 * @param inbound addresses bridged clients may send to ({@code TROUPE_BRIDGE_INBOUND}, default
 *     {@code troupe.request.v1})
 * @param outbound addresses bridged clients may subscribe to ({@code TROUPE_BRIDGE_OUTBOUND},
 *     default {@code troupe.events.docs.v1})
 * @param maxFrameBytes largest frame a client may send ({@code TROUPE_BRIDGE_MAX_FRAME_BYTES},
 *     default 1 MiB)
 * @param maxConnections bridged connections per node and bridge ({@code
 *     TROUPE_BRIDGE_MAX_CONNECTIONS}, default 1000)
 * @param framesPerSecond frames one connection may send per second, with as many in a burst ({@code
 *     TROUPE_BRIDGE_FRAMES_PER_SEC}, default 200)
 * @param idleTimeoutSeconds a TCP connection silent this long is closed; clients send {@code ping}
 *     frames to stay ({@code TROUPE_BRIDGE_IDLE_TIMEOUT_SECONDS}, default 60)
 */
record BridgeConfig(
    Integer tcpPort,
    String tcpHost,
    boolean sockJs,
    List<String> inbound,
    List<String> outbound,
    int maxFrameBytes,
    int maxConnections,
    int framesPerSecond,
    int idleTimeoutSeconds) {

  /**
   * Troupe's own state is reached by its owners only: no setting opens a bridge to the state store,
   * the job store or an actor host (whose messages only the actor runtime may send).
   */
  BridgeConfig {
    refuseInternal("TROUPE_BRIDGE_INBOUND", inbound);
    refuseInternal("TROUPE_BRIDGE_OUTBOUND", outbound);
  }

  private static void refuseInternal(String key, List<String> addresses) {
    for (String address : addresses) {
      if (address.equals(StateStoreContract.ADDRESS)
          || address.equals(JobStoreContract.ADDRESS)
          || address.startsWith(ActorContract.ADDRESS_PREFIX)) {
        throw new IllegalArgumentException(
            key
                + " may not name "
                + address
                + ": Troupe's internal state ("
                + StateStoreContract.ADDRESS
                + ", "
                + JobStoreContract.ADDRESS
                + ", "
                + ActorContract.ADDRESS_PREFIX
                + "*) is not bridged");
      }
    }
  }

  static BridgeConfig from(Settings s) {
    return new BridgeConfig(
        s.optional("TROUPE_BRIDGE_PORT") == null
            ? null
            : s.integer("TROUPE_BRIDGE_PORT", 0, 0, 65535),
        s.string("TROUPE_BRIDGE_HOST", "127.0.0.1"),
        s.bool("TROUPE_BRIDGE_SOCKJS", false),
        s.list("TROUPE_BRIDGE_INBOUND", List.of(RequestContract.ADDRESS)),
        s.list("TROUPE_BRIDGE_OUTBOUND", List.of(DocEvents.ADDRESS)),
        s.integer("TROUPE_BRIDGE_MAX_FRAME_BYTES", 1024 * 1024, 64, 64 * 1024 * 1024),
        s.integer("TROUPE_BRIDGE_MAX_CONNECTIONS", 1000, 1, 1_000_000),
        s.integer("TROUPE_BRIDGE_FRAMES_PER_SEC", 200, 1, 1_000_000),
        s.integer("TROUPE_BRIDGE_IDLE_TIMEOUT_SECONDS", 60, 1, 86_400));
  }

  boolean tcp() {
    return tcpPort != null;
  }
}
