package dev.troupe.request;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.CreateJob;
import dev.troupe.shared.contract.ExpireUploads;
import dev.troupe.shared.contract.JobInput;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.JobView;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.StoreCreateJob;
import dev.troupe.shared.contract.SubmitJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
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
  private RegisteredTypes types;
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
    types = new RegisteredTypes(db);
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
                        (upload, m) -> db.call(JobStoreContract.APPEND, upload, Bus.requestId(m)))
                    .on(JobsContract.SUBMIT, this::submit)
                    .on(
                        JobsContract.ABORT,
                        (abort, m) ->
                            view(db.call(JobStoreContract.ABORT, abort, Bus.requestId(m))))
                    .on(
                        JobsContract.GET,
                        (ref, m) -> view(db.call(JobStoreContract.GET, ref, Bus.requestId(m))))
                    .on(
                        JobsContract.CANCEL,
                        (ref, m) -> view(db.call(JobStoreContract.CANCEL, ref, Bus.requestId(m))))
                    .on(
                        JobsContract.ERRORS,
                        (query, m) -> db.call(JobStoreContract.ERRORS, query, Bus.requestId(m)))
                    .on(
                        JobsContract.RESULT,
                        (query, m) -> db.call(JobStoreContract.RESULT, query, Bus.requestId(m))));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /**
   * A job reading NDJSON (an import) waits for its lines; one over a collection (export, warmup) is
   * queued at once. A user type must be registered, by a node that takes the input asked.
   */
  private Future<JobView> create(CreateJob create, Message<JsonObject> msg) {
    boolean queued = create.input() == JobInput.COLLECTION;
    StoreCreateJob stored =
        new StoreCreateJob(
            UUID.randomUUID().toString().replace("-", ""),
            create.type(),
            create.collection(),
            queued);
    Future<Void> known =
        JobsContract.isBuiltIn(create.type())
            ? Future.succeededFuture()
            : types.require(create.type(), create.input(), Bus.requestId(msg));
    return known
        .compose(ok -> view(db.call(JobStoreContract.CREATE, stored, Bus.requestId(msg))))
        .onSuccess(
            created -> {
              if (queued) {
                wakeWorkers();
              }
            });
  }

  private Future<JobView> submit(SubmitJob submit, Message<JsonObject> msg) {
    return view(db.call(JobStoreContract.SUBMIT, submit, Bus.requestId(msg)))
        .onSuccess(submitted -> wakeWorkers());
  }

  /** A stored job as clients see it now ({@link JobView#of}). */
  private static Future<JobView> view(Future<JobStatus> job) {
    return job.map(stored -> JobView.of(stored, Instant.now()));
  }

  private void wakeWorkers() {
    vertx.eventBus().publish(JobsContract.QUEUED_EVENTS, new JsonObject());
  }

  /** Every node asks; failing an abandoned upload twice changes nothing the second time. */
  private void expireUploads(long idleMs) {
    db.call(JobStoreContract.EXPIRE_UPLOADS, new ExpireUploads(idleMs), null)
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() > 0) {
                LOG.warn(
                    "failed {} import(s) whose upload stopped {} ms ago without a word",
                    ar.result(),
                    idleMs);
              } else if (ar.failed()) {
                LOG.debug("could not expire abandoned uploads: {}", ar.cause().getMessage());
              }
            });
  }

  private void readStats() {
    db.call(JobStoreContract.STATS, null, null)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                queueDepth.set(ar.result().queuedChunks());
                running.set(ar.result().runningJobs());
              } else {
                LOG.debug("could not read job statistics: {}", ar.cause().getMessage());
              }
            });
  }
}
