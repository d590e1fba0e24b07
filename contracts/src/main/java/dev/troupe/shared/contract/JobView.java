package dev.troupe.shared.contract;

import java.time.Duration;
import java.time.Instant;

/**
 * A job as the job manager answers it: the stored job, an import still receiving shown as {@code
 * queued}, with its rate since it started and the time the rest takes at that rate.
 *
 * @param job the job as clients see it
 * @param ratePerSec what it did per second since it started, or null before it started
 * @param etaSec the seconds the rest takes at that rate: 0 once finished, null while unknown
 */
public record JobView(JobStatus job, Double ratePerSec, Long etaSec) {
  public JobView {
    if (job == null) {
      throw TroupeException.badRequest("a job view needs its job");
    }
  }

  /** {@code job} as clients see it at {@code now}. */
  public static JobView of(JobStatus job, Instant now) {
    Double rate = null;
    Long eta = null;
    if (job.startedAt() != null) {
      Instant end = job.finishedAt() != null ? job.finishedAt() : now;
      double seconds = Math.max(0.001, Duration.between(job.startedAt(), end).toMillis() / 1000.0);
      rate = Math.round(job.done() / seconds * 10) / 10.0;
    }
    if (job.finished()) {
      eta = 0L;
    } else if (rate != null && rate > 0 && job.total() != null) {
      eta = (long) Math.ceil(Math.max(0, job.total() - job.done()) / rate);
    }
    JobStatus shown =
        JobStatus.RECEIVING.equals(job.state())
            ? new JobStatus(
                job.id(),
                job.type(),
                job.collection(),
                JobStatus.QUEUED,
                job.done(),
                job.total(),
                job.failed(),
                job.createdAt(),
                job.startedAt(),
                job.finishedAt(),
                job.error())
            : job;
    return new JobView(shown, rate, eta);
  }
}
