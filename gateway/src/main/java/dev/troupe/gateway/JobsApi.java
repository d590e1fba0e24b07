package dev.troupe.gateway;

import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.CreateJob;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobErrorsQuery;
import dev.troupe.shared.contract.JobInput;
import dev.troupe.shared.contract.JobRef;
import dev.troupe.shared.contract.JobResultPart;
import dev.troupe.shared.contract.JobResultQuery;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.JobView;
import dev.troupe.shared.contract.JobWire;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Background jobs, {@code /api/v1/jobs}: {@code POST ?type=import|export|warmup|<user
 * type>&collection=c[&input=ndjson|collection]} (an NDJSON body, an import's or a user type's, is
 * streamed into the job manager in chunks as it arrives, never held whole: {@link JobUpload}),
 * {@code GET /{id}} its state, {@code DELETE /{id}} cancels, {@code GET /{id}/result} downloads
 * what it produced, {@code GET /{id}/errors} its summary with the items that failed. The job
 * manager in request-service ({@link JobsContract}) does the work; every call goes through the
 * gateway's call policy ({@link Calls}).
 */
final class JobsApi {
  static final String BASE = "/api/v1/jobs";
  private static final String JSON = "application/json";

  /** The fields of a job that the summary of a result (not an export's) begins with. */
  private static final String[] SUMMARY_FIELDS = {
    "id", "type", "collection", "state", "total", "done", "failed", "error"
  };

  private final Calls calls;
  private final JobUploadConfig config;
  private final int maxLineBytes;

  JobsApi(Calls calls, JobUploadConfig config, int maxLineBytes) {
    this.calls = calls;
    this.config = config;
    this.maxLineBytes = maxLineBytes;
  }

  void mount(Router router) {
    router.post(BASE).handler(AccessLog::route).handler(this::create);
    router.get(BASE + "/:id").handler(AccessLog::route).handler(this::get);
    router.delete(BASE + "/:id").handler(AccessLog::route).handler(this::cancel);
    router.get(BASE + "/:id/result").handler(AccessLog::route).handler(this::result);
    router.get(BASE + "/:id/errors").handler(AccessLog::route).handler(this::errors);
  }

  /**
   * The scope a jobs request needs: an export or a warmup only reads documents; an import writes
   * them, and a user type's handler may do anything, so submitting those, and cancelling, needs the
   * write scope.
   */
  static boolean isRead(RoutingContext ctx) {
    String method = ctx.request().method().name();
    if (method.equals("POST")) {
      String type = ctx.queryParams().get("type");
      return JobsContract.EXPORT.equals(type) || JobsContract.WARMUP.equals(type);
    }
    return !method.equals("DELETE");
  }

  private void create(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // Nothing of the body may arrive before the upload takes it, after the job exists.
    request.pause();
    CreateJob create;
    boolean importing;
    try {
      String input = ctx.queryParams().get("input");
      create =
          new CreateJob(
              JobsContract.requireType(ctx.queryParams().get("type")),
              DocKey.requireCollection(ctx.queryParams().get("collection")),
              input == null ? null : JobInput.ofWire(input));
      importing = create.input() == JobInput.NDJSON;
      if (importing) {
        JobUpload.check(request, config);
      }
    } catch (RuntimeException e) {
      fail(ctx, e);
      return;
    }
    if (!importing) {
      // A job over a collection takes no body: whatever comes is read and dropped, so the
      // connection stays
      // usable.
      request.resume();
    }
    calls
        .call(ctx, JobsContract.CREATE, create)
        .compose(
            view ->
                importing
                    ? new JobUpload(calls, config, maxLineBytes, ctx, view.job().id()).run()
                    : Future.succeededFuture(view))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                fail(ctx, ar.cause());
                return;
              }
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("Location", BASE + "/" + ar.result().job().id())
                  .putHeader("Content-Type", JSON)
                  .end(JobWire.toJson(ar.result()).toBuffer());
            });
  }

  private void get(RoutingContext ctx) {
    calls.respond(ctx, JobsContract.GET, id(ctx), view -> json(ctx, view));
  }

  private void cancel(RoutingContext ctx) {
    calls.respond(ctx, JobsContract.CANCEL, id(ctx), view -> json(ctx, view));
  }

  /**
   * A finished job's result, streamed part by part as the client reads it: an export's documents,
   * or a user type's output lines, as NDJSON; otherwise (import, warmup) the summary of {@link
   * #errors}.
   */
  private void result(RoutingContext ctx) {
    finished(ctx, true);
  }

  /** A finished job's summary with the items that failed, by item (line) number. */
  private void errors(RoutingContext ctx) {
    finished(ctx, false);
  }

  private void finished(RoutingContext ctx, boolean output) {
    calls
        .call(ctx, JobsContract.GET, id(ctx))
        .compose(
            view -> {
              JobStatus job = view.job();
              if (!job.finished()) {
                return Future.failedFuture(
                    new TroupeException(
                        ErrorCode.CONFLICT,
                        "job "
                            + job.id()
                            + " is "
                            + job.state()
                            + "; its result is ready once it has finished"));
              }
              HttpServerResponse response = ctx.response().setChunked(true).setStatusCode(200);
              boolean parts =
                  JobsContract.EXPORT.equals(job.type()) || !JobsContract.isBuiltIn(job.type());
              if (output && parts) {
                response.putHeader("Content-Type", JobUpload.NDJSON);
                return exportParts(ctx, response, job.id(), 0);
              }
              response.putHeader("Content-Type", JSON);
              JsonObject all = JobWire.toJson(view);
              JsonObject summary = new JsonObject();
              for (String field : SUMMARY_FIELDS) {
                summary.put(field, all.getValue(field));
              }
              String head = summary.encode();
              return response
                  .write(head.substring(0, head.length() - 1) + ",\"errors\":[")
                  .compose(v -> errorPages(ctx, response, job.id(), 0L, true))
                  .compose(v -> response.write("]}"));
            })
        .onComplete(
            ar -> {
              if (ar.failed()) {
                fail(ctx, ar.cause());
              } else {
                ctx.response().end();
              }
            });
  }

  /**
   * Writes each part once the previous one was written, so a slow reader holds one part at a time.
   * A finished job without a first part produced nothing: its result is empty.
   */
  private Future<Void> exportParts(
      RoutingContext ctx, HttpServerResponse response, String id, int part) {
    return calls
        .call(ctx, JobsContract.RESULT, new JobResultQuery(id, part))
        .recover(
            failure ->
                part == 0 && Failures.code(failure) == ErrorCode.NOT_FOUND
                    ? Future.succeededFuture(new JobResultPart("", null))
                    : Future.failedFuture(failure))
        .compose(
            reply -> {
              Future<Void> written =
                  reply.payload() == null || reply.payload().isEmpty()
                      ? Future.succeededFuture()
                      : response.write(reply.payload());
              Integer next = reply.next();
              return next == null
                  ? written
                  : written.compose(v -> exportParts(ctx, response, id, next));
            });
  }

  private Future<Void> errorPages(
      RoutingContext ctx, HttpServerResponse response, String id, long after, boolean first) {
    return calls
        .call(ctx, JobsContract.ERRORS, new JobErrorsQuery(id, after, JobsContract.MAX_ERRORS_PAGE))
        .compose(
            page -> {
              JsonArray items = new JsonArray();
              page.items().forEach(error -> items.add(JobWire.toJson(error)));
              String encoded = items.encode();
              Future<Void> written =
                  items.isEmpty()
                      ? Future.succeededFuture()
                      : response.write(
                          (first ? "" : ",") + encoded.substring(1, encoded.length() - 1));
              Long next = page.next();
              return next == null
                  ? written
                  : written.compose(v -> errorPages(ctx, response, id, next, false));
            });
  }

  private static JobRef id(RoutingContext ctx) {
    return new JobRef(ctx.pathParam("id"));
  }

  private static void json(RoutingContext ctx, JobView view) {
    ctx.response().putHeader("Content-Type", JSON).end(JobWire.toJson(view).toBuffer());
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    if (!ctx.response().headWritten()) {
      // The rest of an unread body is not worth reading: the connection goes after the answer.
      if (!ctx.request().isEnded()) {
        ctx.response().putHeader("Connection", "close");
      }
      ctx.request().resume();
    }
    ctx.fail(failure);
  }
}
