package dev.troupe.db;

import dev.troupe.shared.bus.ActionRouter;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.JobState;
import dev.troupe.shared.contract.JobStoreContract;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.contract.Wire;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * Serves {@link JobStoreContract#ADDRESS}: the durable records of background jobs. Deployed by
 * {@link DbService} next to the {@link DbVerticle}s, on the same threads and the same shared pool.
 */
public final class JobStoreVerticle extends VerticleBase {
  private static final long MAX_LEASE_MS = 3_600_000;

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
                    .on(JobStoreContract.CREATE, this::create)
                    .on(
                        JobStoreContract.APPEND,
                        m -> store.append(Wire.chunkUpload(m.body())).map(v -> new JsonObject()))
                    .on(JobStoreContract.SUBMIT, this::submit)
                    .on(
                        JobStoreContract.ABORT,
                        m ->
                            store
                                .stop(id(m), JobState.FAILED, text(m.body(), "error"))
                                .map(Wire::toJson))
                    .on(JobStoreContract.GET, m -> store.get(id(m)).map(Wire::toJson))
                    .on(
                        JobStoreContract.CANCEL,
                        m -> store.stop(id(m), JobState.CANCELLED, null).map(Wire::toJson))
                    .on(JobStoreContract.CLAIM, this::claim)
                    .on(JobStoreContract.RENEW, this::renew)
                    .on(JobStoreContract.RELEASE, this::release)
                    .on(
                        JobStoreContract.COMPLETE,
                        m -> store.complete(Wire.chunkOutcome(m.body())).map(Wire::toJson))
                    .on(JobStoreContract.ERRORS, this::errors)
                    .on(
                        JobStoreContract.RESULT,
                        m ->
                            store.result(
                                id(m), (int) number(m.body(), "part", 0, Integer.MAX_VALUE)))
                    .on(JobStoreContract.STATS, m -> store.stats())
                    .on(
                        JobStoreContract.EXPIRE_UPLOADS,
                        m ->
                            store
                                .expireUploads(number(m.body(), "idleMs", 1, Long.MAX_VALUE))
                                .map(n -> new JsonObject().put("expired", n))));
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private Future<JsonObject> create(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    String type = JobsContract.requireType(text(body, "type"));
    String collection = text(body, "collection");
    return store
        .create(id(msg), type, collection, Boolean.TRUE.equals(body.getValue("queued")))
        .map(Wire::toJson);
  }

  private Future<JsonObject> submit(Message<JsonObject> msg) {
    return store
        .submit(
            id(msg),
            (int) number(msg.body(), "chunks", 0, Integer.MAX_VALUE),
            number(msg.body(), "total", 0, Long.MAX_VALUE))
        .map(Wire::toJson);
  }

  private Future<JsonObject> claim(Message<JsonObject> msg) {
    return store
        .claim(owner(msg), number(msg.body(), "leaseMs", 1, MAX_LEASE_MS))
        .map(chunk -> new JsonObject().put("chunk", chunk == null ? null : Wire.toJson(chunk)));
  }

  private Future<JsonObject> renew(Message<JsonObject> msg) {
    return store
        .renew(
            id(msg),
            (int) number(msg.body(), "seq", 0, Integer.MAX_VALUE),
            owner(msg),
            number(msg.body(), "leaseMs", 1, MAX_LEASE_MS))
        .map(renewed -> new JsonObject().put("renewed", renewed));
  }

  private Future<JsonObject> release(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    return store
        .release(
            id(msg),
            (int) number(body, "seq", 0, Integer.MAX_VALUE),
            owner(msg),
            text(body, "error"),
            Boolean.TRUE.equals(body.getValue("fatal")),
            (int) number(body, "maxAttempts", 1, Integer.MAX_VALUE))
        .map(Wire::toJson);
  }

  private Future<JsonObject> errors(Message<JsonObject> msg) {
    JsonObject body = msg.body();
    return store.errors(
        id(msg),
        number(body, "after", 0, Long.MAX_VALUE),
        (int) number(body, "limit", 1, JobsContract.MAX_ERRORS_PAGE));
  }

  private static String id(Message<JsonObject> msg) {
    return JobsContract.requireJobId(text(msg.body(), "id"));
  }

  private static String owner(Message<JsonObject> msg) {
    String owner = text(msg.body(), "owner");
    if (owner.isEmpty() || owner.length() > 200) {
      throw TroupeException.badRequest("owner must be 1 to 200 characters");
    }
    return owner;
  }

  private static String text(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String s)) {
      throw TroupeException.badRequest(field + " must be a string");
    }
    return s;
  }

  private static long number(JsonObject body, String field, long min, long max) {
    Object value = body.getValue(field);
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw TroupeException.badRequest(field + " must be an integer from " + min + " to " + max);
    }
    return ((Number) value).longValue();
  }
}
