package dev.troupe.shared.jobs;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChunkOutcome;
import dev.troupe.shared.contract.ClaimChunk;
import dev.troupe.shared.contract.ClaimedChunk;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobChunk;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.ReleaseChunk;
import dev.troupe.shared.contract.RenewLease;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for db-service's job store on a plain Vert.x's event bus: hands out its queued chunks,
 * then none; records every call. Its fields are read by the tests once {@link #drained} completed.
 */
final class FakeJobStore {
  final Deque<JobChunk> queue = new ArrayDeque<>();
  final List<ClaimChunk> claims = new CopyOnWriteArrayList<>();
  final List<ChunkOutcome> completed = new CopyOnWriteArrayList<>();
  final List<ReleaseChunk> released = new CopyOnWriteArrayList<>();
  final List<RenewLease> renewals = new CopyOnWriteArrayList<>();
  final List<String> requestIds = new CopyOnWriteArrayList<>();
  final Promise<Void> drained = Promise.promise();
  int claimOutages;
  int renewalsGranted = Integer.MAX_VALUE;
  int refuseCompletionOf = -1;

  Future<Void> serve(Vertx vertx) {
    return vertx
        .eventBus()
        .consumer(
            JobStoreContract.ADDRESS,
            ActionRouter.of("jobs-store")
                .on(JobStoreContract.CLAIM, this::claim)
                .on(JobStoreContract.RENEW, this::renew)
                .on(
                    JobStoreContract.COMPLETE,
                    (outcome, message) -> {
                      requestIds.add(Bus.requestId(message));
                      if (outcome.seq() == refuseCompletionOf) {
                        return Future.failedFuture(
                            new TroupeException(ErrorCode.UNAVAILABLE, "the store is away"));
                      }
                      completed.add(outcome);
                      return Future.succeededFuture(status(outcome.jobId()));
                    })
                .on(
                    JobStoreContract.RELEASE,
                    (release, message) -> {
                      requestIds.add(Bus.requestId(message));
                      released.add(release);
                      return Future.succeededFuture(status(release.id()));
                    }))
        .completion();
  }

  private Future<ClaimedChunk> claim(ClaimChunk claim) {
    claims.add(claim);
    if (claimOutages > 0) {
      claimOutages--;
      return Future.failedFuture(new TroupeException(ErrorCode.UNAVAILABLE, "not yet"));
    }
    JobChunk next = queue.poll();
    if (next == null) {
      drained.tryComplete();
    }
    return Future.succeededFuture(new ClaimedChunk(next));
  }

  private Future<Boolean> renew(RenewLease renewal) {
    renewals.add(renewal);
    return Future.succeededFuture(renewals.size() <= renewalsGranted);
  }

  private static JobStatus status(String jobId) {
    return new JobStatus(
        jobId, "thumbs", "photos", JobStatus.RUNNING, 0, null, 0, Instant.now(), null, null, null);
  }
}
