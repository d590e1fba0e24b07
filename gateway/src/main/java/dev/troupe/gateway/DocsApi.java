package dev.troupe.gateway;

import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.IdempotencyKeys;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.StoredDoc;
import dev.troupe.shared.contract.StrictJson;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.metrics.Stages;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.util.function.LongPredicate;

/**
 * The document API, {@code /api/v1/docs}. Each handler turns HTTP into one request on {@link
 * RequestContract#ADDRESS} and its reply into HTTP; no business rule lives here. Requests are
 * checked against the OpenAPI document (operation ids as there) before they are handled.
 */
final class DocsApi {
  /**
   * Every API route starts with this; authentication, rate limits and admission guard all of them.
   */
  static final String API = "/api/v1";

  static final String BASE = API + "/docs";
  private static final String JSON = "application/json";

  /**
   * Header naming a write's idempotency key (IETF draft "The Idempotency-Key HTTP Header Field").
   */
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Calls calls;
  private final CacheFirstReads reads;
  private final int maxBodyBytes;
  private final ContractCheck putCheck;
  private final ContractCheck deleteCheck;
  private final ContractCheck listCheck;

  /** Opens the validate stage once the body is in; {@link #call} closes it. */
  final Handler<RoutingContext> validating;

  DocsApi(Calls calls, CacheFirstReads reads, int maxBodyBytes, OpenApi openApi, Stages stages) {
    this.validating = StageClock.open(stages, Stages.VALIDATE);
    this.calls = calls;
    this.reads = reads;
    this.maxBodyBytes = maxBodyBytes;
    this.putCheck = openApi.check("putDocument");
    this.deleteCheck = openApi.check("deleteDocument");
    this.listCheck = openApi.check("listDocuments");
  }

  void mount(Router router) {
    // The body limit comes first, so an oversized body is 413 whatever else is wrong with it.
    router
        .put(BASE + "/:collection/:id")
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(AccessLog::route)
        .handler(validating)
        .handler(putCheck::parameters)
        .handler(this::put);
    // getDocument, the hot path, skips the document's schemas: checking its two names costs about
    // 17 us of CPU (the JSON Schema validator compiles each pattern on every call), close to a
    // tenth
    // of a whole cached read, against 0.4 us for DocKey, which checks the same rules anyway.
    // OpenApiAgreementTest proves that the document and DocKey/EntityTags accept the same input.
    router
        .get(BASE + "/:collection/:id")
        .handler(AccessLog::route)
        .handler(validating)
        .handler(this::get);
    router
        .delete(BASE + "/:collection/:id")
        .handler(AccessLog::route)
        .handler(validating)
        .handler(deleteCheck::parameters)
        .handler(this::delete);
    router
        .get(BASE + "/:collection")
        .handler(AccessLog::route)
        .handler(validating)
        .handler(listCheck::parameters)
        .handler(this::list);
  }

  private void put(RoutingContext ctx) {
    DocKey key = key(ctx);
    // Parsing gives the detailed 415 and 400 answers; the document's schema of the body comes
    // after.
    JsonObject data = jsonObjectBody(ctx);
    putCheck.body(data);
    PutDoc put =
        new PutDoc(
            key,
            data,
            EntityTags.writePrecondition(
                ctx.request().getHeader("If-Match"), ctx.request().getHeader("If-None-Match")),
            idempotencyKey(ctx));
    calls.respond(
        ctx,
        RequestContract.PUT,
        put,
        result -> {
          if (result.created()) {
            ctx.response().putHeader("Location", BASE + "/" + key.collection() + "/" + key.id());
          }
          sendDocument(ctx, result.created() ? 201 : 200, result.document());
        });
  }

  /**
   * Answers with the document's envelope text ({@code encoded}): on a cache hit, the bytes the
   * cache stores, parsed by no hop, asked of cache-service first ({@link CacheFirstReads}).
   */
  private void get(RoutingContext ctx) {
    DocKey key = key(ctx);
    LongPredicate clientIsCurrent = EntityTags.noneMatch(ctx.request().getHeader("If-None-Match"));
    StageClock.close(ctx);
    Calls.respond(
        ctx,
        reads.get(ctx, key),
        result -> {
          StoredDoc stored = result.stored();
          ctx.response()
              .putHeader("X-Cache", result.cache() == ReadResult.CacheStatus.HIT ? "HIT" : "MISS");
          if (clientIsCurrent.test(stored.version())) {
            ctx.response().setStatusCode(304).putHeader("ETag", stored.etag()).end();
          } else {
            ctx.response()
                .setStatusCode(200)
                .putHeader("Content-Type", JSON)
                .putHeader("ETag", stored.etag())
                .end(stored.envelope());
          }
        });
  }

  private void delete(RoutingContext ctx) {
    DeleteDoc delete =
        new DeleteDoc(
            key(ctx),
            EntityTags.writePrecondition(ctx.request().getHeader("If-Match"), null),
            idempotencyKey(ctx));
    calls.respond(
        ctx, RequestContract.DELETE, delete, reply -> ctx.response().setStatusCode(204).end());
  }

  private void list(RoutingContext ctx) {
    String collection = ctx.pathParam("collection");
    ListDocs list =
        new ListDocs(
            collection, limit(ctx.queryParams().get("limit")), ctx.queryParams().get("after"));
    calls.respond(
        ctx,
        RequestContract.LIST,
        list,
        page ->
            ctx.response().putHeader("Content-Type", JSON).end(DocWire.toJson(page).toBuffer()));
  }

  /**
   * The write's idempotency key: the client's {@code Idempotency-Key} (so the client may retry the
   * write safely too), or a fresh one, so that this gateway's and request-service's own retries of
   * the write are applied once.
   */
  static String idempotencyKey(RoutingContext ctx) {
    String sent = ctx.request().getHeader(IDEMPOTENCY_KEY);
    return sent == null ? IdempotencyKeys.generate() : IdempotencyKeys.require(sent);
  }

  private static void sendDocument(RoutingContext ctx, int status, Document doc) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", JSON)
        .putHeader("ETag", doc.etag())
        .end(DocWire.toJson(doc).toBuffer());
  }

  private static DocKey key(RoutingContext ctx) {
    return new DocKey(ctx.pathParam("collection"), ctx.pathParam("id"));
  }

  private static int limit(String value) {
    if (value == null || value.isEmpty()) {
      return ListDocs.DEFAULT_LIMIT;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw TroupeException.badRequest("limit must be an integer from 1 to " + ListDocs.MAX_LIMIT);
    }
  }

  static JsonObject jsonObjectBody(RoutingContext ctx) {
    RequestBody body = ctx.body();
    return jsonObjectBody(
        ctx.request().getHeader("Content-Type"), body == null ? null : body.buffer());
  }

  /** The same check without the routing context, for decoding off the event loop. */
  static JsonObject jsonObjectBody(String type, Buffer buffer) {
    if (type != null && !isJson(type)) {
      throw new HttpException(415, "the body must be JSON: send Content-Type: application/json");
    }
    if (buffer == null || buffer.length() == 0) {
      throw TroupeException.badRequest("the body must be a JSON object, and it is empty");
    }
    Object value;
    try {
      value = StrictJson.value(buffer);
    } catch (DecodeException e) {
      throw TroupeException.badRequest(
          "the body is " + e.getMessage() + " (RFC 8259 JSON in UTF-8 is expected)");
    }
    if (!(value instanceof JsonObject object)) {
      throw TroupeException.badRequest("the body must be a JSON object");
    }
    return object;
  }

  private static boolean isJson(String contentType) {
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return mime.equals(JSON) || (mime.startsWith("application/") && mime.endsWith("+json"));
  }
}
