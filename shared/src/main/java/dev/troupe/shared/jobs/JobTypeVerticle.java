package dev.troupe.shared.jobs;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.contract.JobInput;
import dev.troupe.shared.contract.JobTypeContract;
import dev.troupe.shared.contract.JobTypeInfo;
import dev.troupe.shared.contract.JobsContract;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One registered job type on one node: consumes the type's address ({@link JobTypeContract}), which
 * advertises the type to the job manager, and runs {@code concurrency} {@link ChunkLoop}s that
 * claim the type's chunks for its {@link ChunkRunner}, when told a job was queued ({@link
 * JobsContract#QUEUED_EVENTS}) and at every poll. The loops record the jobs metrics in the node's
 * registry; on a Vert.x that no Troupe node started (a {@code troupe-client} lite member's), in
 * Micrometer's global registry, to which the service adds its own to see them.
 */
final class JobTypeVerticle extends VerticleBase {
  private final String type;
  private final JobTypeOptions options;
  private final JobHandler handler;
  private final List<ChunkLoop> loops = new ArrayList<>();
  private MessageConsumer<JsonObject> describe;
  private MessageConsumer<Object> wakeups;
  private long poll = -1;

  JobTypeVerticle(String type, JobTypeOptions options, JobHandler handler) {
    this.type = JobsContract.requireUserType(type);
    this.options = options;
    this.handler = handler;
  }

  @Override
  public Future<?> start() {
    Bus bus = new Bus(vertx, options.busTimeoutMs());
    // Unique per registration, so a worker registered again never mistakes an old claim for its
    // own.
    String node = ManagementFactory.getRuntimeMXBean().getName();
    String id = UUID.randomUUID().toString().substring(0, 8);
    MeterRegistry registry =
        NodeRuntime.find(vertx)
            .<MeterRegistry>map(NodeRuntime::registry)
            .orElse(Metrics.globalRegistry);
    for (int i = 0; i < options.concurrency(); i++) {
      String owner = type + "@" + node + "/" + id + "/" + i;
      ChunkLoop.Claims claims =
          new ChunkLoop.Claims(owner, List.of(type), options.leaseMs(), options.maxAttempts());
      ChunkRunner runner = new ChunkRunner(vertx, options, handler, bus, owner);
      loops.add(new ChunkLoop(vertx, bus, registry, claims, runner, ChunkRunner.REFUSED_INPUT));
    }
    JobTypeInfo info = new JobTypeInfo(type, inputs(options));
    describe =
        vertx
            .eventBus()
            .consumer(
                JobTypeContract.address(type),
                ActionRouter.of("job-type")
                    .on(JobTypeContract.describeOn(type), none -> Future.succeededFuture(info)));
    wakeups = vertx.eventBus().consumer(JobsContract.QUEUED_EVENTS, m -> work());
    return Future.all(describe.completion(), wakeups.completion())
        .onSuccess(
            registered -> {
              poll = vertx.setPeriodic(options.pollMs(), t -> work());
              work();
            });
  }

  @Override
  public Future<?> stop() {
    loops.forEach(ChunkLoop::stop);
    if (poll >= 0) {
      vertx.cancelTimer(poll);
    }
    Future<Void> a = describe == null ? Future.succeededFuture() : describe.unregister();
    Future<Void> b = wakeups == null ? Future.succeededFuture() : wakeups.unregister();
    return Future.all(a, b);
  }

  private void work() {
    loops.forEach(ChunkLoop::work);
  }

  /** The inputs a registration accepts, in their declared order. */
  static List<JobInput> inputs(JobTypeOptions options) {
    return options.inputs().stream().sorted().toList();
  }
}
