package dev.troupe.request;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.Wire;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job manager: serves {@link JobsContract#ADDRESS}. It creates jobs and stores an import's
 * lines in db-service, where they wait as chunks for the {@link JobWorker}s of any node, tells idle
 * workers when a job is queued, and reports a job with its rate and the time it still needs.
 * Metrics: {@code troupe_jobs_queue_depth} (chunks waiting or in work) and {@code
 * troupe_jobs_running}.
 */
public final class JobsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobsVerticle.class);

  private Bus db;
  private MessageConsumer<JsonObject> consumer;
  private final AtomicLong queueDepth = new AtomicLong();
  private final AtomicLong running = new AtomicLong();

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    RequestConfig config = RequestConfig.from(settings);
    JobsConfig jobs = JobsConfig.from(settings);
    MeterRegistry registry = NodeRuntime.registryOf(vertx);
    db = new Bus(vertx, config.dbTimeoutMs());
    Gauge.builder("troupe_jobs_queue_depth", queueDepth, AtomicLong::get)
        .description(
            "chunks of queued and running jobs not yet done, cluster-wide (read every TROUPE_JOBS_STATS_MS)")
        .register(registry);
    Gauge.builder("troupe_jobs_running", running, AtomicLong::get)
        .description("jobs running, cluster-wide (read every TROUPE_JOBS_STATS_MS)")
        .register(registry);
    vertx.setPeriodic(
        jobs.statsMs(),
        id -> {
          readStats();
          expireUploads(jobs.uploadIdleMs());
        });
    consumer =
        vertx
            .eventBus()
            .consumer(
                JobsContract.ADDRESS,
                ActionRouter.of("jobs")
                    .limit(InFlight.of("request", "jobs", config.bulkheads().jobs(), registry))
                    .on(JobsContract.CREATE, this::create)
                    .on(
                        JobsContract.APPEND,
                        m ->
                            store(
                                JobStoreContract.APPEND,
                                Wire.toJson(Wire.chunkUpload(m.body())),
                                m))
                    .on(JobsContract.SUBMIT, this::submit)
                    .on(JobsContract.ABORT, m -> status(JobStoreContract.ABORT, m.body(), m))
                    .on(JobsContract.GET, m -> status(JobStoreContract.GET, m.body(), m))
                    .on(JobsContract.CANCEL, m -> status(JobStoreContract.CANCEL, m.body(), m))
                    .on(JobsContract.ERRORS, m -> store(JobStoreContract.ERRORS, m.body(), m))
                    .on(JobsContract.RESULT, m -> store(JobStoreContract.RESULT, m.body(), m)));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** An import waits for its lines; an export or warmup is queued at once. */
  private Future<JsonObject> create(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String type = JobsContract.requireType(body.getValue("type") instanceof String s ? s : null);
    String collection =
        DocKey.requireCollection(body.getValue("collection") instanceof String s ? s : null);
    boolean queued = !JobsContract.IMPORT.equals(type);
    JsonObject create =
        new JsonObject()
            .put("id", UUID.randomUUID().toString().replace("-", ""))
            .put("type", type)
            .put("collection", collection)
            .put("queued", queued);
    return status(JobStoreContract.CREATE, create, msg)
        .onSuccess(
            created -> {
              if (queued) {
                wakeWorkers();
              }
            });
  }

  private Future<JsonObject> submit(Message<JsonObject> msg) {
    return status(JobStoreContract.SUBMIT, msg.body(), msg).onSuccess(submitted -> wakeWorkers());
  }

  private Future<JsonObject> store(String action, JsonObject body, Message<JsonObject> msg) {
    JobsContract.requireJobId(body.getValue("id") instanceof String s ? s : null);
    return db.request(JobStoreContract.ADDRESS, action, body, Bus.requestId(msg));
  }

  /** A store call answering a job, reported as clients see it. */
  private Future<JsonObject> status(String action, JsonObject body, Message<JsonObject> msg) {
    return store(action, body, msg).map(reply -> view(Wire.jobStatus(reply), Instant.now()));
  }

  /**
   * A job as clients see it: a receiving import is {@code queued}; {@code ratePerSec} is what it
   * did per second since it started, {@code etaSec} the seconds the rest takes at that rate (0 once
   * finished, null while unknown).
   */
  static JsonObject view(JobStatus job, Instant now) {
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
    JsonObject view = Wire.toJson(job);
    if (JobStatus.RECEIVING.equals(job.state())) {
      view.put("state", JobStatus.QUEUED);
    }
    return view.put("ratePerSec", rate).put("etaSec", eta);
  }

  private void wakeWorkers() {
    vertx.eventBus().publish(JobsContract.QUEUED_EVENTS, new JsonObject());
  }

  /** Every node asks; failing an abandoned upload twice changes nothing the second time. */
  private void expireUploads(long idleMs) {
    db.request(
            JobStoreContract.ADDRESS,
            JobStoreContract.EXPIRE_UPLOADS,
            new JsonObject().put("idleMs", idleMs),
            null)
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result().getInteger("expired", 0) > 0) {
                LOG.warn(
                    "failed {} import(s) whose upload stopped {} ms ago without a word",
                    ar.result().getInteger("expired"),
                    idleMs);
              } else if (ar.failed()) {
                LOG.debug("could not expire abandoned uploads: {}", ar.cause().getMessage());
              }
            });
  }

  private void readStats() {
    db.request(JobStoreContract.ADDRESS, JobStoreContract.STATS, new JsonObject(), null)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                queueDepth.set(ar.result().getLong("queuedChunks", 0L));
                running.set(ar.result().getLong("runningJobs", 0L));
              } else {
                LOG.debug("could not read job statistics: {}", ar.cause().getMessage());
              }
            });
  }
}
