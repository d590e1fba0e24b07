package dev.troupe.shared.metrics;

import com.hazelcast.core.HazelcastInstance;
import dev.troupe.shared.cluster.DataMembers;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The cluster as one node sees it: {@code troupe_cluster_members}, the Hazelcast data members
 * present (lite members, JVM clients, hold no data and do not count: {@link DataMembers}; NaN once
 * the node's member has shut down), and {@code troupe_cluster_quorum}, the members that must be
 * present for the node to be ready ({@code TROUPE_CLUSTER_QUORUM}). The quorum is lost where {@code
 * troupe_cluster_members < troupe_cluster_quorum}: the node is on the minority side of a partition,
 * or too many nodes left (deploy/prometheus/rules.yml alerts on it).
 */
public final class ClusterMeters {
  static final String MEMBERS = "troupe_cluster_members";
  static final String QUORUM = "troupe_cluster_quorum";

  private ClusterMeters() {}

  /** Registers the two gauges of {@code hazelcast}'s node with its {@code quorum}. */
  public static void register(MeterRegistry registry, HazelcastInstance hazelcast, int quorum) {
    Gauge.builder(MEMBERS, hazelcast, ClusterMeters::members)
        .description(
            "Hazelcast data members this node sees in its cluster, itself included (not lite members)")
        .register(registry);
    Gauge.builder(QUORUM, () -> quorum)
        .description(
            "members that must be present for this node to be ready (TROUPE_CLUSTER_QUORUM)")
        .register(registry);
  }

  static double members(HazelcastInstance hazelcast) {
    if (!hazelcast.getLifecycleService().isRunning()) {
      return Double.NaN;
    }
    return DataMembers.count(hazelcast.getCluster());
  }
}
