package dev.troupe.shared.cluster;

import dev.troupe.shared.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Settings for nodes of an isolated cluster on loopback: a unique cluster name, Hazelcast on a free
 * port (moving up if it was taken meanwhile), the event bus and HTTP on ephemeral ports. Used by
 * the test kit and by tests of single services; nothing here reaches beyond 127.0.0.1.
 */
public final class LoopbackCluster {
  private final String name;

  private LoopbackCluster(String name) {
    this.name = name;
  }

  /** A new cluster with a unique name. */
  public static LoopbackCluster create() {
    return new LoopbackCluster("troupe-test-" + UUID.randomUUID().toString().substring(0, 8));
  }

  public String name() {
    return name;
  }

  /**
   * Settings for one node. {@code seedMember} is the {@code host:port} of a running member to join
   * through, or null for the first node.
   */
  public Settings nodeSettings(String nodeName, String seedMember, Map<String, String> extra) {
    int port = freePort();
    Map<String, String> values = new HashMap<>();
    values.put("TROUPE_CLUSTER_NAME", name);
    values.put("TROUPE_CLUSTER_HOST", "127.0.0.1");
    values.put("TROUPE_CLUSTER_PORT", String.valueOf(port));
    values.put("TROUPE_CLUSTER_PORT_AUTO_INCREMENT", "true");
    values.put("TROUPE_CLUSTER_MEMBERS", seedMember == null ? "127.0.0.1:" + port : seedMember);
    // Nodes started one after another through a running seed: admit each at once.
    values.put("TROUPE_CLUSTER_JOIN_WAIT_SECONDS", "0");
    values.put("TROUPE_EVENTBUS_PORT", "0");
    values.put("TROUPE_HTTP_HOST", "127.0.0.1");
    values.put("TROUPE_HTTP_PORT", "0");
    values.put("TROUPE_NODE_NAME", name + "-" + nodeName);
    values.put("TROUPE_EVENT_LOOPS", "2");
    values.putAll(extra);
    return Settings.of(values);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on loopback", e);
    }
  }
}
