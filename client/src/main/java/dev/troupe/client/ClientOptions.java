package dev.troupe.client;

import static dev.troupe.client.OptionChecks.atLeast;
import static dev.troupe.client.OptionChecks.atLeastIfSet;

import dev.troupe.shared.bus.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link TroupeClient} reaches Troupe, and how its calls behave. Built with {@link
 * #builder()}; {@link Builder#build()} checks every value and names the one that is wrong.
 *
 * <p>The transport is one of:
 *
 * <ul>
 *   <li>{@link Transport#CLUSTER} ({@link Builder#cluster}): the client starts a Vert.x of its own
 *       that joins the Troupe cluster as a Hazelcast <b>lite member</b>: it holds no partitions,
 *       counts toward no quorum, and its leaving (even by {@code kill -9}) moves no data. It needs
 *       to reach the members, and they need to reach it back on {@link #host()} (its Hazelcast port
 *       and its event-bus port), as for any member;
 *   <li>{@link Transport#BRIDGE} ({@link Builder#bridge}): a TCP connection to a gateway's
 *       event-bus bridge ({@code TROUPE_BRIDGE_PORT}) with a credential, for a caller outside the
 *       cluster's network; it reaches only what the bridge permits ({@code TROUPE_BRIDGE_INBOUND},
 *       {@code TROUPE_BRIDGE_OUTBOUND});
 *   <li>{@link Transport#EVENT_BUS} (neither named): the event bus of a Vert.x the caller already
 *       has, given to {@link TroupeClient#connect(io.vertx.core.Vertx, ClientOptions)}.
 * </ul>
 *
 * <p>Every call has a deadline ({@link #timeout()}, or {@link TroupeClient#withTimeout}); within
 * it, a call that certainly reached no service is sent again, and one that may have been done is
 * sent again only when its action is idempotent for that request (its {@code Action} declaration
 * says so), after a jittered, growing wait ({@link #backoff()}), at most {@link #maxRetries()}
 * times.
 */
public final class ClientOptions {
  /** How the client reaches Troupe. */
  public enum Transport {
    /** A Vert.x of the client's own, a Hazelcast lite member of the cluster. */
    CLUSTER,
    /** The TCP event-bus bridge of a gateway node. */
    BRIDGE,
    /** The event bus of a Vert.x the caller gives. */
    EVENT_BUS
  }

  /** The deadline of a call when none is set: the gateway's default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Transport transport;
  private final ClusterSettings cluster;
  private final BridgeSettings bridge;
  private final Duration timeout;
  private final Duration attemptTimeout;
  private final int maxRetries;
  private final Backoff backoff;

  private ClientOptions(Transport transport, Builder b) {
    this.transport = transport;
    this.cluster = b.cluster.settings();
    this.bridge = b.bridge.settings();
    this.timeout = b.timeout == null ? DEFAULT_TIMEOUT : b.timeout;
    this.attemptTimeout = b.attemptTimeout;
    this.maxRetries = b.maxRetries;
    this.backoff = new Backoff(b.backoffBase.toMillis(), b.backoffMax.toMillis());
  }

  public static Builder builder() {
    return new Builder();
  }

  public Transport transport() {
    return transport;
  }

  /** The cluster's name ({@code TROUPE_CLUSTER_NAME} of its nodes); null unless CLUSTER. */
  public String clusterName() {
    return cluster.name();
  }

  /** {@code host:port} of members to join through ({@code TROUPE_CLUSTER_MEMBERS}); CLUSTER. */
  public List<String> members() {
    return cluster.members();
  }

  /**
   * The address the lite member binds and advertises (default {@code 127.0.0.1}): the members
   * connect back to it, so it must be one they reach.
   */
  public String host() {
    return cluster.host();
  }

  /** The lite member's Hazelcast port (default 0: any free port). */
  public int port() {
    return cluster.port();
  }

  /** The client's clustered event-bus port (default 0: any free port). */
  public int eventBusPort() {
    return cluster.eventBusPort();
  }

  /** Hazelcast's heartbeat interval of the lite member (default 1 s, as Troupe's nodes). */
  public Duration heartbeat() {
    return cluster.heartbeat();
  }

  /** A member silent this long is dead to the lite member (default 10 s, as Troupe's nodes). */
  public Duration failureTimeout() {
    return cluster.failureTimeout();
  }

  /**
   * How long joining may take before {@link TroupeClient#connect} fails (default 20 s): it fails as
   * well when the cluster it joined has no data member (no Troupe node answered).
   */
  public Duration joinTimeout() {
    return cluster.joinTimeout();
  }

  /**
   * Whether the cluster keeps backups in other zones ({@code TROUPE_CLUSTER_ZONE_AWARE=true} on its
   * nodes): every member must agree, or Hazelcast refuses the join.
   */
  public boolean zoneAware() {
    return cluster.zoneAware();
  }

  /** The bridge's host; null unless BRIDGE. */
  public String bridgeHost() {
    return bridge.host();
  }

  /** The bridge's port ({@code TROUPE_BRIDGE_PORT}); 0 unless BRIDGE. */
  public int bridgePort() {
    return bridge.port();
  }

  /**
   * The bridge credential, as an HTTP {@code Authorization} value ({@code ApiKey <key>} or {@code
   * Bearer <JWT>}), or null when the bridge authenticates no one ({@code TROUPE_AUTH=none}).
   */
  public String credential() {
    return bridge.credential();
  }

  /**
   * How often an open bridge connection sends a {@code ping} frame (default 20 s): the bridge
   * closes one silent for {@code TROUPE_BRIDGE_IDLE_TIMEOUT_SECONDS} (default 60).
   */
  public Duration pingInterval() {
    return bridge.pingInterval();
  }

  /** How long connecting to the bridge and its first answer may take (default 10 s). */
  public Duration connectTimeout() {
    return bridge.connectTimeout();
  }

  /**
   * The largest frame the client sends (default 1 MiB, the bridge's default {@code
   * TROUPE_BRIDGE_MAX_FRAME_BYTES}): a larger request fails with {@code PAYLOAD_TOO_LARGE} before
   * it is sent, instead of the bridge closing the connection.
   */
  public int maxFrameBytes() {
    return bridge.maxFrameBytes();
  }

  /** The deadline of a call, its retries included (default 10 s, as the gateway's). */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The deadline of one attempt of an action that is always idempotent (a read) while retries are
   * left, or null for the default: half the call's deadline, as the gateway. A message to a node
   * that has just died is dropped without an answer; such an attempt is sent again instead of
   * waiting out the call's deadline.
   */
  public Duration attemptTimeout() {
    return attemptTimeout;
  }

  /** Retries after the first attempt (default 2; 0: none). */
  public int maxRetries() {
    return maxRetries;
  }

  /** The wait before each retry (default 50 ms doubling up to 1 s, jittered). */
  public Backoff backoff() {
    return backoff;
  }

  @Override
  public String toString() {
    String reach =
        switch (transport) {
          case CLUSTER ->
              "cluster "
                  + cluster.name()
                  + " through "
                  + cluster.members()
                  + " as a lite member on "
                  + cluster.host();
          case BRIDGE ->
              "bridge "
                  + bridge.host()
                  + ":"
                  + bridge.port()
                  + (bridge.credential() == null ? " without a credential" : " with a credential");
          case EVENT_BUS -> "the caller's event bus";
        };
    return "ClientOptions{" + reach + ", timeout " + timeout.toMillis() + " ms}";
  }

  /**
   * Collects the options; {@link #build()} checks them. Name a transport with {@link #cluster} or
   * {@link #bridge} (or neither, for {@link TroupeClient#connect(io.vertx.core.Vertx,
   * ClientOptions)} on the caller's Vert.x).
   */
  public static final class Builder {
    private final ClusterSettings.Draft cluster = new ClusterSettings.Draft();
    private final BridgeSettings.Draft bridge = new BridgeSettings.Draft();
    private Duration timeout;
    private Duration attemptTimeout;
    private int maxRetries = 2;
    private Duration backoffBase = Duration.ofMillis(50);
    private Duration backoffMax = Duration.ofSeconds(1);

    private Builder() {}

    /**
     * Join cluster {@code name} as a lite member, through the members at {@code members} ({@code
     * host:port} each, as in {@code TROUPE_CLUSTER_MEMBERS}).
     */
    public Builder cluster(String name, String... members) {
      return cluster(name, List.of(members));
    }

    public Builder cluster(String name, List<String> members) {
      cluster.name = name;
      cluster.members = new ArrayList<>(Objects.requireNonNull(members, "members"));
      return this;
    }

    /** The address the lite member binds and advertises; the members must reach it. */
    public Builder host(String host) {
      cluster.host = host;
      return this;
    }

    /** The lite member's Hazelcast port (0: any free one). */
    public Builder port(int port) {
      cluster.port = port;
      return this;
    }

    /** The client's clustered event-bus port (0: any free one). */
    public Builder eventBusPort(int port) {
      cluster.eventBusPort = port;
      return this;
    }

    public Builder heartbeat(Duration heartbeat) {
      cluster.heartbeat = heartbeat;
      return this;
    }

    public Builder failureTimeout(Duration failureTimeout) {
      cluster.failureTimeout = failureTimeout;
      return this;
    }

    public Builder joinTimeout(Duration joinTimeout) {
      cluster.joinTimeout = joinTimeout;
      return this;
    }

    /** As the cluster's {@code TROUPE_CLUSTER_ZONE_AWARE}. */
    public Builder zoneAware(boolean zoneAware) {
      cluster.zoneAware = zoneAware;
      return this;
    }

    /** Connect to the TCP event-bus bridge at {@code host:port} ({@code TROUPE_BRIDGE_PORT}). */
    public Builder bridge(String host, int port) {
      bridge.host = host;
      bridge.port = port;
      return this;
    }

    /** The bridge credential {@code ApiKey <key>} ({@code TROUPE_AUTH=apikey}). */
    public Builder apiKey(String key) {
      bridge.credential = "ApiKey " + key;
      return this;
    }

    /** The bridge credential {@code Bearer <token>} ({@code TROUPE_AUTH=jwt}). */
    public Builder bearerToken(String token) {
      bridge.credential = "Bearer " + token;
      return this;
    }

    public Builder pingInterval(Duration pingInterval) {
      bridge.pingInterval = pingInterval;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      bridge.connectTimeout = connectTimeout;
      return this;
    }

    /** As the bridge's {@code TROUPE_BRIDGE_MAX_FRAME_BYTES}. */
    public Builder maxFrameBytes(int maxFrameBytes) {
      bridge.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /** The deadline of every call (its retries included), unless a call sets its own. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** The deadline of one attempt of an always-idempotent action while retries are left. */
    public Builder attemptTimeout(Duration attemptTimeout) {
      this.attemptTimeout = attemptTimeout;
      return this;
    }

    /**
     * At most {@code maxRetries} retries (0: none), the first after {@code base}, each wait
     * doubling up to {@code max}, jittered.
     */
    public Builder retries(int maxRetries, Duration base, Duration max) {
      this.maxRetries = maxRetries;
      this.backoffBase = base;
      this.backoffMax = max;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException naming the first setting that is missing, out of range or
     *     does not belong to the transport named
     */
    public ClientOptions build() {
      Transport transport = transport();
      if (transport == Transport.CLUSTER) {
        cluster.check();
      } else {
        cluster.refuse(transport);
      }
      if (transport == Transport.BRIDGE) {
        bridge.check();
      } else {
        bridge.refuse(transport);
      }
      atLeastIfSet("timeout", timeout, Duration.ofMillis(1));
      atLeastIfSet("attemptTimeout", attemptTimeout, Duration.ofMillis(1));
      if (maxRetries < 0 || maxRetries > 100) {
        throw new IllegalArgumentException(
            "retries: maxRetries must be 0 to 100, got " + maxRetries);
      }
      Objects.requireNonNull(backoffBase, "retries: base");
      Objects.requireNonNull(backoffMax, "retries: max");
      atLeast("retries: base", backoffBase, Duration.ofMillis(1));
      if (backoffMax.compareTo(backoffBase) < 0) {
        throw new IllegalArgumentException(
            "retries: max ("
                + backoffMax.toMillis()
                + " ms) must not be below base ("
                + backoffBase.toMillis()
                + " ms)");
      }
      return new ClientOptions(transport, this);
    }

    private Transport transport() {
      if (cluster.name != null && bridge.host != null) {
        throw new IllegalArgumentException(
            "name one transport: cluster(...) or bridge(...), not both");
      }
      if (cluster.named()) {
        return Transport.CLUSTER;
      }
      return bridge.named() ? Transport.BRIDGE : Transport.EVENT_BUS;
    }
  }
}
