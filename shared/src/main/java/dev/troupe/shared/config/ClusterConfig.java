package dev.troupe.shared.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a node joins the cluster. Defaults are safe: TCP-IP join on loopback only, never multicast.
 *
 * @param name cluster name ({@code TROUPE_CLUSTER_NAME}, default {@code troupe}); nodes only join a
 *     cluster of the same name
 * @param host address this node binds and advertises ({@code TROUPE_CLUSTER_HOST}, default {@code
 *     127.0.0.1}); {@value #AUTO_HOST} or a host name until {@code ClusterBootstrap} resolves it to
 *     an address at start
 * @param port this node's Hazelcast port ({@code TROUPE_CLUSTER_PORT}, default 5701)
 * @param members {@code host:port} of members to join through ({@code TROUPE_CLUSTER_MEMBERS},
 *     default {@code 127.0.0.1:5701}); used by the TCP-IP join only
 * @param eventBusPort the clustered event bus port ({@code TROUPE_EVENTBUS_PORT}, default 0: any
 *     free port)
 * @param heartbeatSeconds Hazelcast heartbeat interval ({@code TROUPE_CLUSTER_HEARTBEAT_SECONDS},
 *     default 1)
 * @param failureTimeoutSeconds a member silent this long is declared dead ({@code
 *     TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS}, default 10)
 * @param portAutoIncrement try the next ports when {@code port} is taken ({@code
 *     TROUPE_CLUSTER_PORT_AUTO_INCREMENT}, default false)
 * @param quorum members that must be present for a node to report ready ({@code
 *     TROUPE_CLUSTER_QUORUM}, default 1)
 * @param kubernetes how to find members through Kubernetes ({@code
 *     TROUPE_CLUSTER_JOIN=kubernetes}), or null for the TCP-IP join through {@code members} ({@code
 *     TROUPE_CLUSTER_JOIN=tcp}, the default)
 * @param zoneAware keep each partition's backups in zones other than its owner's ({@code
 *     TROUPE_CLUSTER_ZONE_AWARE}, default false: Hazelcast's default, backups on any other member)
 * @param zone the zone this member runs in ({@code TROUPE_CLUSTER_ZONE}, default unset), or null;
 *     with {@code zoneAware} required unless Hazelcast's Kubernetes discovery in API mode reads it
 *     from the member's node
 */
public record ClusterConfig(
    String name,
    String host,
    int port,
    List<String> members,
    int eventBusPort,
    int heartbeatSeconds,
    int failureTimeoutSeconds,
    boolean portAutoIncrement,
    int quorum,
    KubernetesJoin kubernetes,
    boolean zoneAware,
    String zone) {

  /** The key of this node's cluster address. */
  public static final String HOST_KEY = "TROUPE_CLUSTER_HOST";

  /**
   * The {@link #HOST_KEY} value meaning "the address this machine's host name resolves to": the
   * container's own address in Docker and Kubernetes, where it is not known before the container
   * starts.
   */
  public static final String AUTO_HOST = "auto";

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(host, "host");
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("TROUPE_CLUSTER_MEMBERS must name at least one host:port");
    }
    if (failureTimeoutSeconds <= heartbeatSeconds) {
      throw new IllegalArgumentException(
          "TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS must be greater than TROUPE_CLUSTER_HEARTBEAT_SECONDS");
    }
    // Hazelcast would accept the member and fail later, on the master, when it assigns partitions
    // to zones and finds a member without one: that takes the whole cluster's partition table down.
    if (zoneAware && zone == null && (kubernetes == null || kubernetes.byDns())) {
      throw new IllegalArgumentException(
          "TROUPE_CLUSTER_ZONE_AWARE=true needs this member's zone: set TROUPE_CLUSTER_ZONE "
              + "(in Kubernetes from the pod's topology.kubernetes.io/zone label), or join through "
              + "the Kubernetes API (TROUPE_CLUSTER_K8S_SERVICE_NAME), which reads it from the node");
    }
  }

  public static ClusterConfig from(Settings s) {
    int port = s.integer("TROUPE_CLUSTER_PORT", 5701, 1, 65535);
    String host = s.string(HOST_KEY, "127.0.0.1");
    return new ClusterConfig(
        s.string("TROUPE_CLUSTER_NAME", "troupe"),
        host,
        port,
        s.list("TROUPE_CLUSTER_MEMBERS", List.of("127.0.0.1:5701")),
        s.integer("TROUPE_EVENTBUS_PORT", 0, 0, 65535),
        s.integer("TROUPE_CLUSTER_HEARTBEAT_SECONDS", 1, 1, 60),
        s.integer("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", 10, 2, 600),
        s.bool("TROUPE_CLUSTER_PORT_AUTO_INCREMENT", false),
        s.integer("TROUPE_CLUSTER_QUORUM", 1, 1, 1000),
        kubernetesJoin(s),
        s.bool("TROUPE_CLUSTER_ZONE_AWARE", false),
        s.optional("TROUPE_CLUSTER_ZONE"));
  }

  private static KubernetesJoin kubernetesJoin(Settings s) {
    String join = s.string("TROUPE_CLUSTER_JOIN", "tcp").toLowerCase(Locale.ROOT);
    return switch (join) {
      case "tcp" -> null;
      case "kubernetes" ->
          new KubernetesJoin(
              s.optional("TROUPE_CLUSTER_K8S_SERVICE_DNS"),
              s.optional("TROUPE_CLUSTER_K8S_SERVICE_NAME"),
              s.optional("TROUPE_CLUSTER_K8S_NAMESPACE"));
      default ->
          throw new IllegalArgumentException(
              "TROUPE_CLUSTER_JOIN must be tcp or kubernetes, got '" + join + "'");
    };
  }

  /**
   * Hazelcast's Kubernetes join. With {@code serviceDns} (DNS lookup mode) members are the
   * addresses a headless Service's DNS name resolves to, which needs no access to the Kubernetes
   * API; with {@code serviceName} (API mode) they are that Service's endpoints, read from the API
   * (the pod's service account needs {@code get}/{@code list} on endpoints and pods).
   *
   * @param serviceDns DNS name of the headless Service ({@code TROUPE_CLUSTER_K8S_SERVICE_DNS}), or
   *     null
   * @param serviceName name of the Service ({@code TROUPE_CLUSTER_K8S_SERVICE_NAME}), or null
   * @param namespace namespace of that Service ({@code TROUPE_CLUSTER_K8S_NAMESPACE}); null: the
   *     pod's own
   */
  public record KubernetesJoin(String serviceDns, String serviceName, String namespace) {
    public KubernetesJoin {
      if ((serviceDns == null) == (serviceName == null)) {
        throw new IllegalArgumentException(
            "TROUPE_CLUSTER_JOIN=kubernetes needs exactly one of "
                + "TROUPE_CLUSTER_K8S_SERVICE_DNS (DNS lookup of a headless Service) and "
                + "TROUPE_CLUSTER_K8S_SERVICE_NAME (Kubernetes API)");
      }
      if (serviceDns != null && namespace != null) {
        throw new IllegalArgumentException(
            "TROUPE_CLUSTER_K8S_NAMESPACE belongs to the API mode "
                + "(TROUPE_CLUSTER_K8S_SERVICE_NAME); with TROUPE_CLUSTER_K8S_SERVICE_DNS the namespace is part of the DNS name");
      }
    }

    /** True in DNS lookup mode, false in Kubernetes API mode. */
    public boolean byDns() {
      return serviceDns != null;
    }
  }
}
