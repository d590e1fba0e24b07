package dev.troupe.shared.cluster;

import dev.troupe.shared.config.ClusterConfig;
import dev.troupe.shared.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code TROUPE_CLUSTER_HOST} into the address Hazelcast and the event bus bind and
 * advertise. Hazelcast binds interfaces by address, never by name, and in a container the address
 * is known only once it runs: {@code auto} takes the address the machine's own host name resolves
 * to (Docker and Kubernetes map it to the container's address), a host name is looked up, an
 * address stays as it is. Runs once at start, before any event loop exists, so the lookup blocks no
 * one.
 */
public final class ClusterHost {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterHost.class);

  private ClusterHost() {}

  /**
   * {@code settings} with {@code TROUPE_CLUSTER_HOST} as an address, so every reader (the node
   * name, the verticles' config) sees the address the node really uses.
   *
   * @throws IllegalArgumentException naming the key when the name does not resolve
   */
  public static Settings resolve(Settings settings) {
    String host = settings.string(ClusterConfig.HOST_KEY, "127.0.0.1");
    String address = resolve(host);
    if (!address.equals(host)) {
      LOG.info("{}={} resolved to {}", ClusterConfig.HOST_KEY, host, address);
    }
    return address.equals(host) ? settings : settings.with(ClusterConfig.HOST_KEY, address);
  }

  static String resolve(String host) {
    try {
      if (!ClusterConfig.AUTO_HOST.equalsIgnoreCase(host)) {
        return InetAddress.getByName(host).getHostAddress();
      }
      InetAddress local = InetAddress.getLocalHost();
      if (local.isLoopbackAddress()) {
        LOG.warn(
            "{}={}: this machine's host name resolves to {}, a loopback address; members on other "
                + "machines cannot reach this node",
            ClusterConfig.HOST_KEY,
            host,
            local.getHostAddress());
      }
      return local.getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          ClusterConfig.HOST_KEY
              + "="
              + host
              + " does not resolve to an address: "
              + e.getMessage(),
          e);
    }
  }
}
