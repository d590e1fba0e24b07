package dev.troupe.client;

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
  private final String clusterName;
  private final List<String> members;
  private final String host;
  private final int port;
  private final int eventBusPort;
  private final Duration heartbeat;
  private final Duration failureTimeout;
  private final Duration joinTimeout;
  private final boolean zoneAware;
  private final String bridgeHost;
  private final int bridgePort;
  private final String credential;
  private final Duration pingInterval;
  private final Duration connectTimeout;
  private final int maxFrameBytes;
  private final Duration timeout;
  private final Duration attemptTimeout;
  private final int maxRetries;
  private final Backoff backoff;

  private ClientOptions(Builder b) {
    this.transport = b.transport();
    this.clusterName = b.clusterName;
    this.members = b.members == null ? List.of() : List.copyOf(b.members);
    this.host = b.host == null ? "127.0.0.1" : b.host;
    this.port = b.port == null ? 0 : b.port;
    this.eventBusPort = b.eventBusPort == null ? 0 : b.eventBusPort;
    this.heartbeat = b.heartbeat == null ? Duration.ofSeconds(1) : b.heartbeat;
    this.failureTimeout = b.failureTimeout == null ? Duration.ofSeconds(10) : b.failureTimeout;
    this.joinTimeout = b.joinTimeout == null ? Duration.ofSeconds(20) : b.joinTimeout;
    this.zoneAware = b.zoneAware != null && b.zoneAware;
    this.bridgeHost = b.bridgeHost;
    this.bridgePort = b.bridgePort == null ? 0 : b.bridgePort;
    this.credential = b.credential;
    this.pingInterval = b.pingInterval == null ? Duration.ofSeconds(20) : b.pingInterval;
    this.connectTimeout = b.connectTimeout == null ? Duration.ofSeconds(10) : b.connectTimeout;
    this.maxFrameBytes = b.maxFrameBytes == null ? 1024 * 1024 : b.maxFrameBytes;
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
    return clusterName;
  }

  /** {@code host:port} of members to join through ({@code TROUPE_CLUSTER_MEMBERS}); CLUSTER. */
  public List<String> members() {
    return members;
  }

  /**
   * The address the lite member binds and advertises (default {@code 127.0.0.1}): the members
   * connect back to it, so it must be one they reach.
   */
  public String host() {
    return host;
  }

  /** The lite member's Hazelcast port (default 0: any free port). */
  public int port() {
    return port;
  }

  /** The client's clustered event-bus port (default 0: any free port). */
  public int eventBusPort() {
    return eventBusPort;
  }

  /** Hazelcast's heartbeat interval of the lite member (default 1 s, as Troupe's nodes). */
  public Duration heartbeat() {
    return heartbeat;
  }

  /** A member silent this long is dead to the lite member (default 10 s, as Troupe's nodes). */
  public Duration failureTimeout() {
    return failureTimeout;
  }

  /**
   * How long joining may take before {@link TroupeClient#connect} fails (default 20 s): it fails as
   * well when the cluster it joined has no data member (no Troupe node answered).
   */
  public Duration joinTimeout() {
    return joinTimeout;
  }

  /**
   * Whether the cluster keeps backups in other zones ({@code TROUPE_CLUSTER_ZONE_AWARE=true} on its
   * nodes): every member must agree, or Hazelcast refuses the join.
   */
  public boolean zoneAware() {
    return zoneAware;
  }

  /** The bridge's host; null unless BRIDGE. */
  public String bridgeHost() {
    return bridgeHost;
  }

  /** The bridge's port ({@code TROUPE_BRIDGE_PORT}); 0 unless BRIDGE. */
  public int bridgePort() {
    return bridgePort;
  }

  /**
   * The bridge credential, as an HTTP {@code Authorization} value ({@code ApiKey <key>} or {@code
   * Bearer <JWT>}), or null when the bridge authenticates no one ({@code TROUPE_AUTH=none}).
   */
  public String credential() {
    return credential;
  }

  /**
   * How often an open bridge connection sends a {@code ping} frame (default 20 s): the bridge
   * closes one silent for {@code TROUPE_BRIDGE_IDLE_TIMEOUT_SECONDS} (default 60).
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  /** How long connecting to the bridge and its first answer may take (default 10 s). */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The largest frame the client sends (default 1 MiB, the bridge's default {@code
   * TROUPE_BRIDGE_MAX_FRAME_BYTES}): a larger request fails with {@code PAYLOAD_TOO_LARGE} before
   * it is sent, instead of the bridge closing the connection.
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
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
    return switch (transport) {
      case CLUSTER ->
          "ClientOptions{cluster "
              + clusterName
              + " through "
              + members
              + " as a lite member on "
              + host
              + ", timeout "
              + timeout.toMillis()
              + " ms}";
      case BRIDGE ->
          "ClientOptions{bridge "
              + bridgeHost
              + ":"
              + bridgePort
              + (credential == null ? " without a credential" : " with a credential")
              + ", timeout "
              + timeout.toMillis()
              + " ms}";
      case EVENT_BUS ->
          "ClientOptions{the caller's event bus, timeout " + timeout.toMillis() + " ms}";
    };
  }

  /**
   * Collects the options; {@link #build()} checks them. Name a transport with {@link #cluster} or
   * {@link #bridge} (or neither, for {@link TroupeClient#connect(io.vertx.core.Vertx,
   * ClientOptions)} on the caller's Vert.x).
   */
  public static final class Builder {
    private String clusterName;
    private List<String> members;
    private String host;
    private Integer port;
    private Integer eventBusPort;
    private Duration heartbeat;
    private Duration failureTimeout;
    private Duration joinTimeout;
    private Boolean zoneAware;
    private String bridgeHost;
    private Integer bridgePort;
    private String credential;
    private Duration pingInterval;
    private Duration connectTimeout;
    private Integer maxFrameBytes;
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
      this.clusterName = name;
      this.members = new ArrayList<>(Objects.requireNonNull(members, "members"));
      return this;
    }

    /** The address the lite member binds and advertises; the members must reach it. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The lite member's Hazelcast port (0: any free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The client's clustered event-bus port (0: any free one). */
    public Builder eventBusPort(int port) {
      this.eventBusPort = port;
      return this;
    }

    public Builder heartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
      return this;
    }

    public Builder failureTimeout(Duration failureTimeout) {
      this.failureTimeout = failureTimeout;
      return this;
    }

    public Builder joinTimeout(Duration joinTimeout) {
      this.joinTimeout = joinTimeout;
      return this;
    }

    /** As the cluster's {@code TROUPE_CLUSTER_ZONE_AWARE}. */
    public Builder zoneAware(boolean zoneAware) {
      this.zoneAware = zoneAware;
      return this;
    }

    /** Connect to the TCP event-bus bridge at {@code host:port} ({@code TROUPE_BRIDGE_PORT}). */
    public Builder bridge(String host, int port) {
      this.bridgeHost = host;
      this.bridgePort = port;
      return this;
    }

    /** The bridge credential {@code ApiKey <key>} ({@code TROUPE_AUTH=apikey}). */
    public Builder apiKey(String key) {
      this.credential = "ApiKey " + key;
      return this;
    }

    /** The bridge credential {@code Bearer <token>} ({@code TROUPE_AUTH=jwt}). */
    public Builder bearerToken(String token) {
      this.credential = "Bearer " + token;
      return this;
    }

    public Builder pingInterval(Duration pingInterval) {
      this.pingInterval = pingInterval;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** As the bridge's {@code TROUPE_BRIDGE_MAX_FRAME_BYTES}. */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
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
        checkCluster();
      } else {
        refuseFor(transport, "host", host);
        refuseFor(transport, "port", port);
        refuseFor(transport, "eventBusPort", eventBusPort);
        refuseFor(transport, "heartbeat", heartbeat);
        refuseFor(transport, "failureTimeout", failureTimeout);
        refuseFor(transport, "joinTimeout", joinTimeout);
        refuseFor(transport, "zoneAware", zoneAware);
      }
      if (transport == Transport.BRIDGE) {
        checkBridge();
      } else {
        refuseFor(transport, "apiKey/bearerToken", credential);
        refuseFor(transport, "pingInterval", pingInterval);
        refuseFor(transport, "connectTimeout", connectTimeout);
        refuseFor(transport, "maxFrameBytes", maxFrameBytes);
      }
      if (timeout != null) {
        atLeast("timeout", timeout, Duration.ofMillis(1));
      }
      if (attemptTimeout != null) {
        atLeast("attemptTimeout", attemptTimeout, Duration.ofMillis(1));
      }
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
      return new ClientOptions(this);
    }

    private Transport transport() {
      if (clusterName != null && bridgeHost != null) {
        throw new IllegalArgumentException(
            "name one transport: cluster(...) or bridge(...), not both");
      }
      if (clusterName != null || members != null) {
        return Transport.CLUSTER;
      }
      return bridgeHost != null || bridgePort != null ? Transport.BRIDGE : Transport.EVENT_BUS;
    }

    private void checkCluster() {
      if (clusterName == null || clusterName.isBlank()) {
        throw new IllegalArgumentException("cluster: the cluster's name must not be blank");
      }
      if (members.isEmpty()) {
        throw new IllegalArgumentException(
            "cluster: name at least one member to join through, as host:port");
      }
      for (String member : members) {
        hostAndPort("cluster: member", member);
      }
      if (host != null && host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      portRange("port", port, 0);
      portRange("eventBusPort", eventBusPort, 0);
      Duration beat = heartbeat == null ? Duration.ofSeconds(1) : heartbeat;
      atLeast("heartbeat", beat, Duration.ofSeconds(1));
      Duration dead = failureTimeout == null ? Duration.ofSeconds(10) : failureTimeout;
      if (dead.compareTo(beat) <= 0) {
        throw new IllegalArgumentException(
            "failureTimeout ("
                + dead.toMillis()
                + " ms) must be longer than the heartbeat ("
                + beat.toMillis()
                + " ms)");
      }
      if (joinTimeout != null) {
        atLeast("joinTimeout", joinTimeout, Duration.ofSeconds(1));
      }
    }

    private void checkBridge() {
      if (bridgeHost == null || bridgeHost.isBlank()) {
        throw new IllegalArgumentException("bridge: the host must not be blank");
      }
      portRange("bridge: port", bridgePort, 1);
      if (credential != null) {
        String value = credential.substring(credential.indexOf(' ') + 1);
        if (value.isBlank() || !value.strip().equals(value) || value.indexOf(' ') >= 0) {
          throw new IllegalArgumentException(
              "apiKey/bearerToken: the credential must be one word without spaces");
        }
      }
      if (pingInterval != null) {
        atLeast("pingInterval", pingInterval, Duration.ofSeconds(1));
      }
      if (connectTimeout != null) {
        atLeast("connectTimeout", connectTimeout, Duration.ofMillis(100));
      }
      if (maxFrameBytes != null && maxFrameBytes < 64) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be at least 64, got " + maxFrameBytes);
      }
    }

    private static void refuseFor(Transport transport, String name, Object value) {
      if (value != null) {
        throw new IllegalArgumentException(
            name
                + " does not apply to "
                + switch (transport) {
                  case CLUSTER -> "a cluster client";
                  case BRIDGE -> "a bridge client";
                  case EVENT_BUS ->
                      "a client on the caller's event bus (name cluster(...) or bridge(...))";
                });
      }
    }

    private static void portRange(String name, Integer port, int min) {
      if (port != null && (port < min || port > 65535)) {
        throw new IllegalArgumentException(name + " must be " + min + " to 65535, got " + port);
      }
    }

    private static void atLeast(String name, Duration value, Duration min) {
      if (value.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            name + " must be at least " + min.toMillis() + " ms, got " + value.toMillis() + " ms");
      }
    }

    private static void hostAndPort(String name, String value) {
      int colon = value == null ? -1 : value.lastIndexOf(':');
      if (colon <= 0 || value.isBlank()) {
        throw new IllegalArgumentException(name + " must be host:port, got '" + value + "'");
      }
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException(
              name + " must be host:port with a port from 1 to 65535, got '" + value + "'");
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be host:port, got '" + value + "'", e);
      }
    }
  }
}
