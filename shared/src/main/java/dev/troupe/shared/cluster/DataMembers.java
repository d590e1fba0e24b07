package dev.troupe.shared.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.Member;

/**
 * The members of a cluster that count: those that hold data. A Hazelcast lite member (a JVM that
 * joined with {@code troupe-client}) owns no partitions and runs no service, so it counts toward no
 * quorum, no readiness and no member gauge, and a node whose only company is lite members is alone.
 */
public final class DataMembers {
  private DataMembers() {}

  /** The data members {@code cluster} lists now, the local one included when it is one. */
  public static int count(Cluster cluster) {
    int data = 0;
    for (Member member : cluster.getMembers()) {
      if (!member.isLiteMember()) {
        data++;
      }
    }
    return data;
  }
}
