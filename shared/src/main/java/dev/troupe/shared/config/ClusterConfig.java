package dev.troupe.shared.config;

import java.util.List;
import java.util.Objects;

/**
 * How a node joins the cluster. Defaults are safe: TCP-IP join on loopback only, never multicast.
 *
 * @param name cluster name ({@code TROUPE_CLUSTER_NAME}, default {@code troupe}); nodes only join a cluster of the same name
 * @param host address this node binds and advertises ({@code TROUPE_CLUSTER_HOST}, default {@code 127.0.0.1})
 * @param port this node's Hazelcast port ({@code TROUPE_CLUSTER_PORT}, default 5701)
 * @param members {@code host:port} of members to join through ({@code TROUPE_CLUSTER_MEMBERS}, default {@code 127.0.0.1:5701})
 * @param eventBusPort the clustered event bus port ({@code TROUPE_EVENTBUS_PORT}, default 0: any free port)
 * @param heartbeatSeconds Hazelcast heartbeat interval ({@code TROUPE_CLUSTER_HEARTBEAT_SECONDS}, default 1)
 * @param failureTimeoutSeconds a member silent this long is declared dead ({@code TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS}, default 10)
 * @param portAutoIncrement try the next ports when {@code port} is taken ({@code TROUPE_CLUSTER_PORT_AUTO_INCREMENT}, default false)
 * @param quorum members that must be present for a node to report ready ({@code TROUPE_CLUSTER_QUORUM}, default 1)
 */
public record ClusterConfig(String name, String host, int port, List<String> members, int eventBusPort,
    int heartbeatSeconds, int failureTimeoutSeconds, boolean portAutoIncrement, int quorum) {

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
  }

  public static ClusterConfig from(Settings s) {
    int port = s.integer("TROUPE_CLUSTER_PORT", 5701, 1, 65535);
    String host = s.string("TROUPE_CLUSTER_HOST", "127.0.0.1");
    return new ClusterConfig(
        s.string("TROUPE_CLUSTER_NAME", "troupe"),
        host,
        port,
        s.list("TROUPE_CLUSTER_MEMBERS", List.of("127.0.0.1:5701")),
        s.integer("TROUPE_EVENTBUS_PORT", 0, 0, 65535),
        s.integer("TROUPE_CLUSTER_HEARTBEAT_SECONDS", 1, 1, 60),
        s.integer("TROUPE_CLUSTER_FAILURE_TIMEOUT_SECONDS", 10, 2, 600),
        s.bool("TROUPE_CLUSTER_PORT_AUTO_INCREMENT", false),
        s.integer("TROUPE_CLUSTER_QUORUM", 1, 1, 1000));
  }
}
