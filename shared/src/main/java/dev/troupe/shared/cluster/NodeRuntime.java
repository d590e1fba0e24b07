package dev.troupe.shared.cluster;

import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.config.Settings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a Troupe node gives the verticles deployed on it: its Hazelcast member, its metrics registry
 * and its settings. Verticles are deployed by name (so HA can redeploy them), which leaves no
 * constructor to pass these through; they look them up by their {@link Vertx} instead. Several
 * nodes can live in one JVM (tests), each with its own runtime. {@code leave} is how the node
 * leaves the cluster without losing calls ({@link NodeLeave}).
 */
public record NodeRuntime(
    String nodeName,
    Vertx vertx,
    HazelcastInstance hazelcast,
    PrometheusMeterRegistry registry,
    Settings settings,
    NodeLeave leave) {

  private static final String LOCAL_MAP = "troupe.node";
  private static final String HTTP_PORT = "httpPort";
  private static final String BRIDGE_PORT = "bridgePort";
  private static final String DRAINING = "draining";
  private static final String SERVICES = "services";
  private static final Map<Vertx, NodeRuntime> BY_VERTX = new ConcurrentHashMap<>();

  public NodeRuntime {
    Objects.requireNonNull(nodeName);
    Objects.requireNonNull(vertx);
    Objects.requireNonNull(hazelcast);
    Objects.requireNonNull(registry);
    Objects.requireNonNull(settings);
    Objects.requireNonNull(leave);
  }

  /** The runtime of the node {@code vertx} belongs to. */
  public static NodeRuntime of(Vertx vertx) {
    NodeRuntime runtime = BY_VERTX.get(vertx);
    if (runtime == null) {
      throw new IllegalStateException("this Vert.x instance was not started by ClusterBootstrap");
    }
    return runtime;
  }

  /**
   * The runtime of the node {@code vertx} belongs to, or empty when ClusterBootstrap did not start
   * it.
   */
  public static java.util.Optional<NodeRuntime> find(Vertx vertx) {
    return java.util.Optional.ofNullable(BY_VERTX.get(vertx));
  }

  /**
   * The meter registry of the node {@code vertx} belongs to; a private one when {@code vertx} was
   * not started by {@link ClusterBootstrap} (a service deployed alone, as its own tests do).
   */
  public static MeterRegistry registryOf(Vertx vertx) {
    NodeRuntime runtime = BY_VERTX.get(vertx);
    return runtime == null ? new SimpleMeterRegistry() : runtime.registry();
  }

  /** Records the HTTP port this node serves on (gateway or health server), for tools and tests. */
  public static void publishHttpPort(Vertx vertx, int port) {
    vertx.sharedData().getLocalMap(LOCAL_MAP).put(HTTP_PORT, port);
  }

  /** The HTTP port this node serves on, or -1 when it serves none. */
  public static int httpPort(Vertx vertx) {
    Object port = vertx.sharedData().getLocalMap(LOCAL_MAP).get(HTTP_PORT);
    return port instanceof Integer i ? i : -1;
  }

  /** Records the port of this node's TCP event-bus bridge, for tools and tests. */
  public static void publishBridgePort(Vertx vertx, int port) {
    vertx.sharedData().getLocalMap(LOCAL_MAP).put(BRIDGE_PORT, port);
  }

  /** The port of this node's TCP event-bus bridge, or -1 when it runs none. */
  public static int bridgePort(Vertx vertx) {
    Object port = vertx.sharedData().getLocalMap(LOCAL_MAP).get(BRIDGE_PORT);
    return port instanceof Integer i ? i : -1;
  }

  /** Records the services this node runs (their short names: {@code db}, {@code chat}, ...). */
  public static void publishServices(Vertx vertx, java.util.Collection<String> services) {
    vertx
        .sharedData()
        .getLocalMap(LOCAL_MAP)
        .put(SERVICES, new io.vertx.core.json.JsonArray(java.util.List.copyOf(services)));
  }

  /** The services this node runs, as published; empty when none were. */
  public static java.util.List<String> services(Vertx vertx) {
    Object services = vertx.sharedData().getLocalMap(LOCAL_MAP).get(SERVICES);
    if (!(services instanceof io.vertx.core.json.JsonArray names)) {
      return java.util.List.of();
    }
    return names.stream().map(String::valueOf).toList();
  }

  /** Marks this node as leaving: readiness reports 503 from now on, so balancers stop sending. */
  public static void markDraining(Vertx vertx) {
    vertx.sharedData().getLocalMap(LOCAL_MAP).put(DRAINING, Boolean.TRUE);
  }

  public static boolean isDraining(Vertx vertx) {
    return Boolean.TRUE.equals(vertx.sharedData().getLocalMap(LOCAL_MAP).get(DRAINING));
  }

  static void register(NodeRuntime runtime) {
    BY_VERTX.put(runtime.vertx(), runtime);
  }

  static void unregister(Vertx vertx) {
    BY_VERTX.remove(vertx);
  }
}
