package dev.troupe.gateway;

import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the gateway sends: {@code application/problem+json} (RFC 9457) with {@code type,
 * title, status, detail, requestId}. Each {@link ErrorCode} maps to one status; a downstream fault
 * becomes 502/503/504, never a stack trace.
 */
final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  /** The one HTTP status of each error code. */
  static int status(ErrorCode code) {
    return switch (code) {
      case BAD_REQUEST -> 400;
      case UNAUTHORIZED -> 401;
      case FORBIDDEN -> 403;
      case MOVED -> 421;
      case TOO_MANY_REQUESTS -> 429;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
      case PRECONDITION_FAILED -> 412;
      case PAYLOAD_TOO_LARGE -> 413;
      case INTERNAL -> 502;
      case UNAVAILABLE, OVERLOADED -> 503;
      case TIMEOUT -> 504;
    };
  }

  /** The failure handler of every route: maps {@code ctx.failure()} or {@code ctx.statusCode()}. */
  static void handle(RoutingContext ctx) {
    StageClock.fail(ctx);
    Throwable failure = ctx.failure();
    if (ctx.response().headWritten()) {
      LOG.warn("failure after the response started (request {})", RequestIds.of(ctx), failure);
      ctx.response().reset();
      return;
    }
    if (failure instanceof HttpClosedException) {
      // The connection went while the request was read (the client left, or idled out): no one to
      // answer.
      LOG.debug("connection closed before the request was read (request {})", RequestIds.of(ctx));
      return;
    }
    if (!RequestIds.assigned(ctx)) {
      refusedByRouter(ctx);
      return;
    }
    if (failure instanceof TroupeException || failure instanceof ReplyException) {
      ErrorCode code = Failures.code(failure);
      if (failure instanceof ReplyException re
          && re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
        LOG.warn("pipeline call failed: {} (request {})", re.getMessage(), RequestIds.of(ctx));
      }
      StageClock.fail(ctx);
      send(
          ctx.response(),
          status(code),
          Failures.stage(failure),
          Failures.message(failure),
          RequestIds.of(ctx),
          null);
    } else if (failure instanceof DecodeException) {
      send(ctx, 400, "the body is not valid JSON");
    } else if (failure instanceof HttpException he) {
      send(ctx, he.getStatusCode(), detail(he.getStatusCode(), he.getPayload()));
    } else if (brokenBody(ctx, failure)) {
      // The HTTP decoder gave up on the body (a bad chunk size, say); Vert.x closes the connection.
      ctx.response().putHeader("Connection", "close");
      send(
          ctx,
          400,
          "the request body is not valid HTTP/1.1 (its chunked encoding or trailers are broken)");
    } else if (failure != null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      send(ctx, ctx.statusCode(), detail(ctx.statusCode(), null));
    } else if (failure != null) {
      LOG.error("unexpected failure (request {})", RequestIds.of(ctx), failure);
      send(ctx, 500, "internal error; quote the request id when reporting it");
    } else {
      int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      send(ctx, status, detail(status, null));
    }
  }

  /**
   * A failure of HTTP decoding while the body was still arriving (a bad chunk size, a trailer
   * without a colon): the client's mistake, not ours. Netty reports some of these as plain {@code
   * IllegalArgumentException}s, told apart by where they were thrown.
   */
  private static boolean brokenBody(RoutingContext ctx, Throwable failure) {
    if (ctx.request().isEnded() || failure == null) {
      return false;
    }
    if (failure instanceof DecoderException) {
      return true;
    }
    StackTraceElement[] at = failure.getStackTrace();
    return failure instanceof IllegalArgumentException
        && at.length > 0
        && at[0].getClassName().startsWith("io.netty.handler.codec.http.");
  }

  /**
   * The router refuses some requests before the first route ({@link RequestIds#assign}) runs: an
   * HTTP/1.1 request without {@code Host} (400), a target that is not a path (it answers 404). Both
   * are malformed requests: 400, with a request id like every other answer.
   */
  private static void refusedByRouter(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String why = RequestIds.refusal(request);
    if (why == null && request.authority() == null && request.version() != HttpVersion.HTTP_1_0) {
      why = "the request has no Host header";
    }
    if (why == null) {
      int status = ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 400;
      why = detail(status, null);
      send(ctx, status, why);
      return;
    }
    send(ctx, 400, why);
  }

  static void send(RoutingContext ctx, int status, String detail) {
    send(ctx, status, detail, null);
  }

  /**
   * As {@link #send(RoutingContext, int, String)} with extension members (RFC 9457 section 3.2)
   * that say more than the detail, for a client to act on (e.g. the earliest position of a 410).
   */
  static void send(RoutingContext ctx, int status, String detail, JsonObject extensions) {
    StageClock.fail(ctx);
    send(ctx.response(), status, null, detail, RequestIds.of(ctx), extensions);
  }

  /**
   * Answers a request that HTTP decoding already rejected (a broken request line, headers too
   * large): the same problem+json as every other error, then the connection closes.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String detail;
    if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      detail = "the request headers are too large";
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      detail = "the request line is too long";
    } else if (cause instanceof ConnectionChecks.UnsupportedVersion) {
      status = 400;
      detail = "the request line must name HTTP/1.1 or HTTP/1.0";
    } else {
      status = 400;
      detail = "the request is not valid HTTP";
    }
    String id = RequestIds.idFor(givenId(request));
    request.response().putHeader(RequestIds.HEADER, id).putHeader("Connection", "close");
    send(request.response(), status, null, detail, id, null);
  }

  /** The client's {@code X-Request-Id}, when its headers could be read at all. */
  private static String givenId(HttpServerRequest request) {
    try {
      return request.getHeader(RequestIds.HEADER);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The problem document; {@code stage} is the failed stage a failure named ({@link
   * Failures#stage}), or null, when a status that only one stage gives names it.
   */
  private static void send(
      HttpServerResponse response,
      int status,
      String stage,
      String detail,
      String requestId,
      JsonObject extensions) {
    HttpResponseStatus http = HttpResponseStatus.valueOf(status);
    if (stage == null) {
      stage =
          switch (status) {
            case 400, 413, 414, 415, 431 -> Stages.VALIDATE;
            case 401, 403 -> Stages.AUTHORIZE;
            default -> null;
          };
    }
    JsonObject problem =
        new JsonObject()
            .put(
                "type",
                "urn:troupe:problem:"
                    + http.reasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '-'))
            .put("title", http.reasonPhrase())
            .put("status", status)
            .put("detail", detail)
            .put("requestId", requestId);
    if (stage != null) {
      problem.put("stage", stage);
    }
    if (extensions != null) {
      extensions.forEach(member -> problem.put(member.getKey(), member.getValue()));
    }
    response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE);
    if (status == 503) {
      response.putHeader("Retry-After", "1");
    }
    response.end(problem.toBuffer());
  }

  private static String detail(int status, String payload) {
    if (payload != null && !payload.isBlank()) {
      return payload;
    }
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "this method is not allowed on this resource";
      case 413 -> "the request body is larger than the configured limit";
      case 400 -> "the request is malformed";
      default -> HttpResponseStatus.valueOf(status).reasonPhrase();
    };
  }
}
