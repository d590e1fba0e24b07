package dev.troupe.db;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ClaimedChunk;
import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.JobWire;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * Serves {@link JobStoreContract#ADDRESS}: the durable records of background jobs. Deployed by
 * {@link DbService} next to the {@link DbVerticle}s, on the same threads and the same shared pool.
 * Each action is routed by its declaration, whose codec reads and checks the request ({@link
 * JobWire}), so a handler gets a valid request and only calls the store.
 */
public final class JobStoreVerticle extends VerticleBase {
  private Pool pool;
  private JobStore store;
  private MessageConsumer<JsonObject> consumer;

  @Override
  public Future<?> start() {
    Backend backend = Backend.of(DbConfig.from(Settings.fromJson(config())));
    pool = backend.pool(vertx);
    store = new JobStore(pool, backend::sql, Clock.systemUTC());
    consumer =
        vertx
            .eventBus()
            .consumer(
                JobStoreContract.ADDRESS,
                ActionRouter.of("jobs-store")
                    .on(
                        JobStoreContract.CREATE,
                        c -> store.create(c.id(), c.type(), c.collection(), c.queued()))
                    .on(JobStoreContract.APPEND, store::append)
                    .on(JobStoreContract.SUBMIT, s -> store.submit(s.id(), s.chunks(), s.total()))
                    .on(JobStoreContract.ABORT, a -> store.stop(a.id(), JobState.FAILED, a.error()))
                    .on(JobStoreContract.GET, ref -> store.get(ref.id()))
                    .on(
                        JobStoreContract.CANCEL,
                        ref -> store.stop(ref.id(), JobState.CANCELLED, null))
                    .on(
                        JobStoreContract.CLAIM,
                        c -> store.claim(c.owner(), c.leaseMs(), c.types()).map(ClaimedChunk::new))
                    .on(
                        JobStoreContract.RENEW,
                        r -> store.renew(r.id(), r.seq(), r.owner(), r.leaseMs()))
                    .on(
                        JobStoreContract.RELEASE,
                        r ->
                            store.release(
                                r.id(), r.seq(), r.owner(), r.error(), r.fatal(), r.maxAttempts()))
                    .on(JobStoreContract.COMPLETE, store::complete)
                    .on(
                        JobStoreContract.ERRORS,
                        q -> store.errors(q.id(), q.after(), q.limit()).map(JobWire::errorsPage))
                    .on(
                        JobStoreContract.RESULT,
                        q -> store.result(q.id(), q.part()).map(JobWire::resultPart))
                    .on(JobStoreContract.STATS, none -> store.stats().map(JobWire::storeStats))
                    .on(JobStoreContract.EXPIRE_UPLOADS, e -> store.expireUploads(e.idleMs())));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }
}
