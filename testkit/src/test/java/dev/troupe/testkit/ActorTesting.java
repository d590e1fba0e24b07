package dev.troupe.testkit;

import com.hazelcast.partition.PartitionService;
import dev.troupe.launcher.TroupeNode;
import dev.troupe.shared.actor.ActorId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/** Helpers for the actor runtime's cluster tests: meters summed over nodes, and bounded waits. */
final class ActorTesting {
  private static final long POLL_MS = 50;

  private ActorTesting() {}

  /** The counter {@code name}{type=type, extra tags} summed over {@code nodes}. */
  static double counted(List<TroupeNode> nodes, String name, String type, String... tags) {
    double sum = 0;
    for (TroupeNode node : nodes) {
      MeterRegistry registry = node.runtime().registry();
      sum +=
          registry.find(name).tag("type", type).tags(tags).counters().stream()
              .mapToDouble(Counter::count)
              .sum();
    }
    return sum;
  }

  /** The gauge {@code name}{type=type} summed over {@code nodes}. */
  static double gauged(List<TroupeNode> nodes, String name, String type) {
    double sum = 0;
    for (TroupeNode node : nodes) {
      sum +=
          node.runtime().registry().find(name).tag("type", type).gauges().stream()
              .mapToDouble(Gauge::value)
              .sum();
    }
    return sum;
  }

  /**
   * A key of {@code type} whose partition {@code owner} owns, as {@code viewer} sees the partition
   * table; keys are {@code prefix} and a number.
   */
  static String keyOwnedBy(TroupeNode owner, TroupeNode viewer, String type, String prefix) {
    UUID member = owner.runtime().hazelcast().getCluster().getLocalMember().getUuid();
    PartitionService partitions = viewer.runtime().hazelcast().getPartitionService();
    for (int i = 0; i < 100_000; i++) {
      String key = prefix + i;
      var partitionOwner =
          partitions.getPartition(new ActorId(type, key).placementKey()).getOwner();
      if (partitionOwner != null && partitionOwner.getUuid().equals(member)) {
        return key;
      }
    }
    throw new AssertionError("no key of " + type + " is owned by " + owner.runtime().nodeName());
  }

  /** Completes once {@code condition} holds, checked every 50 ms; fails after {@code timeoutMs}. */
  static Future<Void> until(Vertx vertx, String what, BooleanSupplier condition, long timeoutMs) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    check(vertx, what, condition, deadline, promise);
    return promise.future();
  }

  private static void check(
      Vertx vertx, String what, BooleanSupplier condition, long deadline, Promise<Void> promise) {
    if (condition.getAsBoolean()) {
      promise.complete();
    } else if (System.currentTimeMillis() > deadline) {
      promise.fail(new AssertionError("timed out waiting for " + what));
    } else {
      vertx.setTimer(POLL_MS, t -> check(vertx, what, condition, deadline, promise));
    }
  }
}
