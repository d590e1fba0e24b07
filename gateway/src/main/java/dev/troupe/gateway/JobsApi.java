package dev.troupe.gateway;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.ChunkUpload;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.StrictJson;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.contract.Wire;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background jobs, {@code /api/v1/jobs}: {@code POST ?type=import|export|warmup&collection=c} (an
 * import's body is NDJSON, streamed into the job manager in chunks as it arrives, never held
 * whole), {@code GET /{id}} its state, {@code DELETE /{id}} cancels, {@code GET /{id}/result}
 * downloads what it produced. The job manager in request-service ({@link JobsContract}) does the
 * work.
 */
final class JobsApi {
  static final String BASE = "/api/v1/jobs";
  private static final Logger LOG = LoggerFactory.getLogger(JobsApi.class);
  private static final String JSON = "application/json";
  private static final String NDJSON = "application/x-ndjson";
  private static final Set<String> NDJSON_TYPES =
      Set.of(
          NDJSON,
          "application/ndjson",
          "application/jsonl",
          "application/x-jsonlines",
          "text/plain");

  /**
   * An import chunk also ends at this size, so a message on the bus stays a few MiB however long
   * the lines.
   */
  private static final int CHUNK_MAX_CHARS = 4 * 1024 * 1024;

  private final Bus bus;
  private final JobUploadConfig config;
  private final int maxLineBytes;

  JobsApi(Bus bus, JobUploadConfig config, int maxLineBytes) {
    this.bus = bus;
    this.config = config;
    this.maxLineBytes = maxLineBytes;
  }

  void mount(Router router) {
    router.post(BASE).handler(AccessLog::route).handler(this::create);
    router.get(BASE + "/:id").handler(AccessLog::route).handler(this::get);
    router.delete(BASE + "/:id").handler(AccessLog::route).handler(this::cancel);
    router.get(BASE + "/:id/result").handler(AccessLog::route).handler(this::result);
  }

  /**
   * The scope a jobs request needs: an import writes documents, everything else only reads them.
   */
  static boolean isRead(RoutingContext ctx) {
    return !(ctx.request().method().name().equals("POST")
            && JobsContract.IMPORT.equals(ctx.queryParams().get("type")))
        && !ctx.request().method().name().equals("DELETE");
  }

  private void create(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // Nothing of the body may arrive before the upload takes it, after the job exists.
    request.pause();
    String type;
    String collection;
    boolean importing;
    try {
      type = JobsContract.requireType(ctx.queryParams().get("type"));
      collection = DocKey.requireCollection(ctx.queryParams().get("collection"));
      importing = JobsContract.IMPORT.equals(type);
      if (importing) {
        checkUpload(request);
      }
    } catch (RuntimeException e) {
      fail(ctx, e);
      return;
    }
    if (!importing) {
      // Export and warmup take no body: whatever comes is read and dropped, so the connection stays
      // usable.
      request.resume();
    }
    call(JobsContract.CREATE, new JsonObject().put("type", type).put("collection", collection))
        .compose(
            job ->
                importing
                    ? new Upload(ctx, job.getString("id")).run()
                    : Future.succeededFuture(job))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                fail(ctx, ar.cause());
                return;
              }
              String id = ar.result().getString("id");
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("Location", BASE + "/" + id)
                  .putHeader("Content-Type", JSON)
                  .end(ar.result().toBuffer());
            });
  }

  private void checkUpload(HttpServerRequest request) {
    String contentType = request.getHeader("Content-Type");
    if (contentType != null
        && !NDJSON_TYPES.contains(contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))) {
      throw new HttpException(415, "an import's body is NDJSON: send Content-Type: " + NDJSON);
    }
    String length = request.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
          throw tooLarge();
        }
      } catch (NumberFormatException e) {
        throw TroupeException.badRequest("Content-Length is not a number");
      }
    }
  }

  private TroupeException tooLarge() {
    return new TroupeException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "an import's body may hold at most "
            + config.maxBodyBytes()
            + " bytes (TROUPE_JOBS_MAX_BODY_BYTES)");
  }

  private void get(RoutingContext ctx) {
    call(JobsContract.GET, id(ctx)).onComplete(ar -> json(ctx, ar));
  }

  private void cancel(RoutingContext ctx) {
    call(JobsContract.CANCEL, id(ctx)).onComplete(ar -> json(ctx, ar));
  }

  /**
   * A finished job's result, streamed part by part as the client reads it: an export's documents as
   * NDJSON, otherwise a summary with the import's bad lines by line number.
   */
  private void result(RoutingContext ctx) {
    JsonObject id = id(ctx);
    call(JobsContract.GET, id)
        .compose(
            job -> {
              if (!Set.of("succeeded", "failed", "cancelled").contains(job.getString("state"))) {
                return Future.failedFuture(
                    new TroupeException(
                        ErrorCode.CONFLICT,
                        "job "
                            + job.getString("id")
                            + " is "
                            + job.getString("state")
                            + "; its result is ready once it has finished"));
              }
              HttpServerResponse response = ctx.response().setChunked(true).setStatusCode(200);
              if (JobsContract.EXPORT.equals(job.getString("type"))) {
                response.putHeader("Content-Type", NDJSON);
                return exportParts(response, job.getString("id"), 0);
              }
              response.putHeader("Content-Type", JSON);
              JsonObject summary = new JsonObject();
              for (String field :
                  new String[] {
                    "id", "type", "collection", "state", "total", "done", "failed", "error"
                  }) {
                summary.put(field, job.getValue(field));
              }
              String head = summary.encode();
              return response
                  .write(head.substring(0, head.length() - 1) + ",\"errors\":[")
                  .compose(v -> errorPages(response, job.getString("id"), 0L, true))
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
   */
  private Future<Void> exportParts(HttpServerResponse response, String id, int part) {
    return call(JobsContract.RESULT, new JsonObject().put("id", id).put("part", part))
        .compose(
            reply -> {
              Future<Void> written = response.write(reply.getString("payload", ""));
              Integer next = reply.getInteger("next");
              return next == null ? written : written.compose(v -> exportParts(response, id, next));
            });
  }

  private Future<Void> errorPages(
      HttpServerResponse response, String id, long after, boolean first) {
    return call(
            JobsContract.ERRORS,
            new JsonObject()
                .put("id", id)
                .put("after", after)
                .put("limit", JobsContract.MAX_ERRORS_PAGE))
        .compose(
            page -> {
              JsonArray items = page.getJsonArray("items");
              String encoded = items.encode();
              Future<Void> written =
                  items.isEmpty()
                      ? Future.succeededFuture()
                      : response.write(
                          (first ? "" : ",") + encoded.substring(1, encoded.length() - 1));
              Long next = page.getLong("next");
              return next == null
                  ? written
                  : written.compose(v -> errorPages(response, id, next, false));
            });
  }

  private static JsonObject id(RoutingContext ctx) {
    return new JsonObject().put("id", JobsContract.requireJobId(ctx.pathParam("id")));
  }

  private Future<JsonObject> call(String action, JsonObject body) {
    return bus.request(JobsContract.ADDRESS, action, body, null);
  }

  private static void json(RoutingContext ctx, io.vertx.core.AsyncResult<JsonObject> ar) {
    if (ar.failed()) {
      ctx.fail(ar.cause());
    } else {
      ctx.response().putHeader("Content-Type", JSON).end(ar.result().toBuffer());
    }
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

  /**
   * One import's body: split into lines as it arrives, sent as chunks of {@code
   * TROUPE_JOBS_CHUNK_SIZE} lines, one at a time; the request is paused while a chunk is on its
   * way, so the gateway holds at most one chunk and one network buffer of the body. Completes with
   * the queued job; on any failure the job is aborted (failed) and the failure returned.
   */
  private final class Upload {
    private final RoutingContext ctx;
    private final HttpServerRequest request;
    private final String jobId;
    private final io.vertx.core.Promise<JsonObject> done = io.vertx.core.Promise.promise();
    private Buffer partial = Buffer.buffer();
    private StringBuilder chunk = new StringBuilder();
    private int chunkLines;
    private long chunkFirstLine = 1;
    private long lines;
    private long bytes;
    private int seq;
    private Future<Void> sending = Future.succeededFuture();

    Upload(RoutingContext ctx, String jobId) {
      this.ctx = ctx;
      this.request = ctx.request();
      this.jobId = jobId;
    }

    Future<JsonObject> run() {
      request.handler(this::data);
      request.exceptionHandler(
          e -> failed(TroupeException.badRequest("the upload broke off: " + e.getMessage())));
      request.endHandler(v -> end());
      // curl and others wait for this before sending a large body; the job exists now, so go ahead.
      if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
        ctx.response().writeContinue();
      }
      request.resume();
      return done.future();
    }

    private void data(Buffer buffer) {
      if (done.future().isComplete()) {
        return;
      }
      bytes += buffer.length();
      if (bytes > config.maxBodyBytes()) {
        failed(tooLarge());
        return;
      }
      int start = 0;
      for (int i = 0; i < buffer.length(); i++) {
        if (buffer.getByte(i) == '\n') {
          line(
              partial.length() == 0
                  ? buffer.getBuffer(start, i)
                  : partial.appendBuffer(buffer, start, i - start));
          partial = Buffer.buffer();
          start = i + 1;
          if (done.future().isComplete()) {
            return;
          }
        }
      }
      if (start < buffer.length()) {
        partial.appendBuffer(buffer, start, buffer.length() - start);
        if (partial.length() > maxLineBytes) {
          failed(
              new TroupeException(
                  ErrorCode.PAYLOAD_TOO_LARGE,
                  "line "
                      + (lines + 1)
                      + " is longer than "
                      + maxLineBytes
                      + " bytes (TROUPE_HTTP_MAX_BODY_BYTES)"));
        }
      }
    }

    private void line(Buffer line) {
      lines++;
      int length = line.length();
      if (length > 0 && line.getByte(length - 1) == '\r') {
        length--;
      }
      if (!blank(line, length)) {
        try {
          StrictJson.checkObject(line, 0, length);
        } catch (DecodeException e) {
          failed(
              TroupeException.badRequest(
                  "line "
                      + lines
                      + " is "
                      + e.getMessage()
                      + " (one RFC 8259 JSON object in UTF-8 per line is expected); nothing of this import is written"));
          return;
        }
      }
      chunk.append(line.getString(0, length, StandardCharsets.UTF_8.name())).append('\n');
      chunkLines++;
      if (chunkLines == config.chunkSize() || chunk.length() >= CHUNK_MAX_CHARS) {
        flush();
      }
    }

    /** Blank lines are skipped by the import, so they need no check. */
    private boolean blank(Buffer line, int length) {
      for (int i = 0; i < length; i++) {
        byte b = line.getByte(i);
        if (b != ' ' && b != '\t') {
          return false;
        }
      }
      return true;
    }

    /**
     * Queues the current chunk behind the one on its way, and holds the body until both are stored.
     */
    private void flush() {
      if (chunkLines == 0) {
        return;
      }
      ChunkUpload upload =
          new ChunkUpload(jobId, seq++, chunkFirstLine, chunkLines, chunk.toString());
      chunkFirstLine += chunkLines;
      chunk = new StringBuilder();
      chunkLines = 0;
      request.pause();
      sending =
          sending.compose(v -> call(JobsContract.APPEND, Wire.toJson(upload)).<Void>mapEmpty());
      Future<Void> mine = sending;
      mine.onComplete(
          ar -> {
            if (ar.failed()) {
              failed(ar.cause());
            } else if (mine == sending && !done.future().isComplete()) {
              request.resume();
            }
          });
    }

    private void end() {
      if (done.future().isComplete()) {
        return;
      }
      if (partial.length() > 0) {
        line(partial);
        partial = Buffer.buffer();
        if (done.future().isComplete()) {
          return;
        }
      }
      flush();
      if (lines == 0) {
        failed(
            TroupeException.badRequest(
                "the body holds no lines; send one {\"id\":...,\"data\":{...}} per line"));
        return;
      }
      sending
          .compose(
              v ->
                  call(
                      JobsContract.SUBMIT,
                      new JsonObject().put("id", jobId).put("chunks", seq).put("total", lines)))
          .onComplete(
              ar -> {
                if (ar.succeeded()) {
                  done.tryComplete(ar.result());
                } else {
                  failed(ar.cause());
                }
              });
    }

    private void failed(Throwable failure) {
      if (!done.tryFail(failure)) {
        return;
      }
      String why = failure.getMessage() == null ? failure.toString() : failure.getMessage();
      call(
              JobsContract.ABORT,
              new JsonObject().put("id", jobId).put("error", "upload failed: " + why))
          .onFailure(
              e ->
                  LOG.warn(
                      "could not mark job {} failed after its upload failed: {}",
                      jobId,
                      e.getMessage()));
    }
  }
}
