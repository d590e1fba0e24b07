package dev.troupe.shared.config;

/**
 * How members find each other at start and after a partition, whatever order they start in. Kept
 * apart from {@link ClusterConfig} (where a member is and how it joins) because these are timings
 * with a cost either way; docs/operations.md, "Cluster formation", weighs them.
 *
 * @param joinWaitSeconds how long a master gathers join requests before it admits the joiners
 *     together ({@code TROUPE_CLUSTER_JOIN_WAIT_SECONDS}, default 5, Hazelcast's {@code
 *     hazelcast.wait.seconds.before.join}); 0 admits each at once (loopback tests)
 * @param initialMinClusterSize members a node waits for before it starts its services ({@code
 *     TROUPE_CLUSTER_INITIAL_MIN_SIZE}, default 1: start alone; Hazelcast's {@code
 *     hazelcast.initial.min.cluster.size})
 * @param mergeFirstRunDelaySeconds when the split-brain handler first looks for other clusters of
 *     the same name after start ({@code TROUPE_CLUSTER_MERGE_FIRST_DELAY_SECONDS}, default 5;
 *     Hazelcast's default is 300)
 * @param mergeNextRunDelaySeconds how often it looks again ({@code
 *     TROUPE_CLUSTER_MERGE_INTERVAL_SECONDS}, default 5; Hazelcast's default is 120)
 */
public record ClusterFormationConfig(
    int joinWaitSeconds,
    int initialMinClusterSize,
    int mergeFirstRunDelaySeconds,
    int mergeNextRunDelaySeconds) {

  /** What a node uses when nothing is set. */
  public static final ClusterFormationConfig DEFAULTS = new ClusterFormationConfig(5, 1, 5, 5);

  public ClusterFormationConfig {
    if (joinWaitSeconds < 0) {
      throw new IllegalArgumentException("TROUPE_CLUSTER_JOIN_WAIT_SECONDS must not be negative");
    }
    if (initialMinClusterSize < 1) {
      throw new IllegalArgumentException("TROUPE_CLUSTER_INITIAL_MIN_SIZE must be at least 1");
    }
    if (mergeFirstRunDelaySeconds < 1 || mergeNextRunDelaySeconds < 1) {
      throw new IllegalArgumentException(
          "TROUPE_CLUSTER_MERGE_FIRST_DELAY_SECONDS and TROUPE_CLUSTER_MERGE_INTERVAL_SECONDS must be at least 1");
    }
  }

  public static ClusterFormationConfig from(Settings s) {
    return new ClusterFormationConfig(
        s.integer("TROUPE_CLUSTER_JOIN_WAIT_SECONDS", DEFAULTS.joinWaitSeconds(), 0, 300),
        s.integer("TROUPE_CLUSTER_INITIAL_MIN_SIZE", DEFAULTS.initialMinClusterSize(), 1, 1000),
        s.integer(
            "TROUPE_CLUSTER_MERGE_FIRST_DELAY_SECONDS",
            DEFAULTS.mergeFirstRunDelaySeconds(),
            1,
            3600),
        s.integer(
            "TROUPE_CLUSTER_MERGE_INTERVAL_SECONDS", DEFAULTS.mergeNextRunDelaySeconds(), 1, 3600));
  }
}
