package dev.troupe.shared.config;

/**
 * Thread pools of one node.
 *
 * @param eventLoops event-loop threads ({@code TROUPE_EVENT_LOOPS}, default 2 per CPU)
 * @param workerPoolSize Vert.x's default worker pool ({@code TROUPE_WORKER_POOL_SIZE}, default 20)
 * @param nodeName a name for logs and the {@code node} metrics tag ({@code TROUPE_NODE_NAME},
 *     default host:clusterPort)
 */
public record NodeConfig(int eventLoops, int workerPoolSize, String nodeName) {
  public static NodeConfig from(Settings s, ClusterConfig cluster) {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new NodeConfig(
        s.integer("TROUPE_EVENT_LOOPS", 2 * cpus, 1, 1024),
        s.integer("TROUPE_WORKER_POOL_SIZE", 20, 1, 1024),
        s.string("TROUPE_NODE_NAME", cluster.host() + ":" + cluster.port()));
  }
}
