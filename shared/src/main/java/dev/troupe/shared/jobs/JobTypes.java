package dev.troupe.shared.jobs;

import dev.troupe.shared.contract.JobsContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * Registers user job types: the entry point of a service that hands its own background work to
 * Troupe's jobs. On a clustered {@link Vertx} (a Troupe node's, or a {@code troupe-client} lite
 * member's):
 *
 * <pre>{@code
 * JobTypes.register(vertx, "thumbnail", work -> {
 *       List<JsonObject> out = new ArrayList<>();
 *       for (JobItem item : work.items()) {
 *         out.add(new JsonObject().put("id", item.id()).put("size", item.data().size()));
 *       }
 *       return Future.succeededFuture(ChunkResult.output(out));
 *     })
 *     .onSuccess(registration -> ...);   // jobs of type "thumbnail" can be submitted now
 * }</pre>
 *
 * Then {@code POST /api/v1/jobs?type=thumbnail&collection=photos} runs the handler over every
 * document of {@code photos}, a chunk at a time, on every node that registered {@code thumbnail};
 * with {@code input=ndjson}, over the lines of the request's body. Submitting a type that no node
 * registered is a 400.
 */
public final class JobTypes {
  private JobTypes() {}

  /** {@link #register(Vertx, String, JobTypeOptions, JobHandler)} with the default options. */
  public static Future<JobTypeRegistration> register(Vertx vertx, String type, JobHandler handler) {
    return register(vertx, type, JobTypeOptions.defaults(), handler);
  }

  /**
   * Registers {@code handler} as job type {@code type} on this node. Completes once the type is
   * advertised on the cluster and this node claims its chunks; fails with BAD_REQUEST for a name
   * that is not a user type's ({@link JobsContract#requireUserType}). Several nodes may register
   * one type: they share its chunks. Unregister (or close the Vert.x) to stop; a chunk in work then
   * is taken over by another node once its lease expires.
   */
  public static Future<JobTypeRegistration> register(
      Vertx vertx, String type, JobTypeOptions options, JobHandler handler) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    JobTypeVerticle verticle;
    try {
      verticle = new JobTypeVerticle(type, options, handler);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return vertx
        .deployVerticle(verticle)
        .map(deployment -> new JobTypeRegistration(vertx, type, deployment));
  }
}
