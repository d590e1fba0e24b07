package dev.troupe.gateway;

import dev.troupe.shared.contract.AbortJob;
import dev.troupe.shared.contract.ChunkUpload;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobView;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.StrictJson;
import dev.troupe.shared.contract.SubmitJob;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One import's body: split into lines as it arrives, sent as chunks of {@code
 * TROUPE_JOBS_CHUNK_SIZE} lines, one at a time; the request is paused while a chunk is on its way,
 * so the gateway holds at most one chunk and one network buffer of the body. Completes with the
 * queued job; on any failure the job is aborted (failed) and the failure returned.
 */
final class JobUpload {
  private static final Logger LOG = LoggerFactory.getLogger(JobUpload.class);
  static final String NDJSON = "application/x-ndjson";
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

  private final Calls calls;
  private final JobUploadConfig config;
  private final int maxLineBytes;
  private final RoutingContext ctx;
  private final HttpServerRequest request;
  private final String jobId;
  private final Promise<JobView> done = Promise.promise();
  private Buffer partial = Buffer.buffer();
  private StringBuilder chunk = new StringBuilder();
  private int chunkLines;
  private long chunkFirstLine = 1;
  private long lines;
  private long bytes;
  private int seq;
  private Future<Void> sending = Future.succeededFuture();

  JobUpload(
      Calls calls, JobUploadConfig config, int maxLineBytes, RoutingContext ctx, String jobId) {
    this.calls = calls;
    this.config = config;
    this.maxLineBytes = maxLineBytes;
    this.ctx = ctx;
    this.request = ctx.request();
    this.jobId = jobId;
  }

  /**
   * Fails with 415 or 413 before the job exists when the headers already show that the body is not
   * NDJSON or is too large.
   */
  static void check(HttpServerRequest request, JobUploadConfig config) {
    String contentType = request.getHeader("Content-Type");
    if (contentType != null
        && !NDJSON_TYPES.contains(contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))) {
      throw new HttpException(415, "an import's body is NDJSON: send Content-Type: " + NDJSON);
    }
    String length = request.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.trim()) > config.maxBodyBytes()) {
          throw tooLarge(config);
        }
      } catch (NumberFormatException e) {
        throw TroupeException.badRequest("Content-Length is not a number");
      }
    }
  }

  private static TroupeException tooLarge(JobUploadConfig config) {
    return new TroupeException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "an import's body may hold at most "
            + config.maxBodyBytes()
            + " bytes (TROUPE_JOBS_MAX_BODY_BYTES)");
  }

  /** Takes the body; completes with the queued job, or fails after aborting it. */
  Future<JobView> run() {
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
      failed(tooLarge(config));
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
    sending = sending.compose(v -> calls.call(ctx, JobsContract.APPEND, upload).<Void>mapEmpty());
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
        .compose(v -> calls.call(ctx, JobsContract.SUBMIT, new SubmitJob(jobId, seq, lines)))
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
    calls
        .call(ctx, JobsContract.ABORT, new AbortJob(jobId, "upload failed: " + why))
        .onFailure(
            e ->
                LOG.warn(
                    "could not mark job {} failed after its upload failed: {}",
                    jobId,
                    e.getMessage()));
  }
}
