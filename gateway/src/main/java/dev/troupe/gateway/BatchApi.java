package dev.troupe.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.troupe.shared.contract.BatchWire;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.EncodedMultiGetResult;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Batches of documents: {@code POST /api/v1/docs/{collection}/_mget} reads up to 1,000 ids in one
 * call (fork-join in request-service), {@code POST /api/v1/docs/{collection}/_mput} writes up to
 * 1,000 documents in one transaction.
 */
final class BatchApi {
  static final String MGET = "_mget";
  static final String MPUT = "_mput";
  private static final String JSON = "application/json";
  private static final JsonFactory JSON_FACTORY = new JsonFactory();

  /**
   * Bodies up to this size are decoded on the event loop; larger ones on the {@code troupe-cpu}
   * pool.
   */
  static final int DECODE_INLINE_BYTES = 64 * 1024;

  private final DocsApi docs;
  private final Calls calls;
  private final int maxBodyBytes;
  private final WorkerExecutor cpu;

  BatchApi(DocsApi docs, Calls calls, int maxBodyBytes, WorkerExecutor cpu) {
    this.docs = docs;
    this.calls = calls;
    this.maxBodyBytes = maxBodyBytes;
    this.cpu = cpu;
  }

  void mount(Router router) {
    router
        .post(DocsApi.BASE + "/:collection/" + MGET)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(AccessLog::route)
        .handler(docs.validating)
        .handler(this::mget);
    router
        .post(DocsApi.BASE + "/:collection/" + MPUT)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(AccessLog::route)
        .handler(docs.validating)
        .handler(this::mput);
  }

  /**
   * {@code {"ids":[...]}} -> {@code {"found":{id:envelope},"missing":[ids]}} (and {@code "failed"}
   * when partial). Asks request-service for the envelopes as JSON text and writes them into the
   * response as they are: the documents of a cached {@code _mget} are never parsed or encoded on
   * the way. A request-service of an older build ignores {@code encoded} and answers objects (a
   * cluster in the middle of a rolling upgrade): the reply's codec reads either form, and those are
   * encoded here ({@link dev.troupe.shared.contract.MultiGetReply#encoded()}), so {@code _mget}
   * keeps answering the same body.
   */
  private void mget(RoutingContext ctx) {
    String collection = ctx.pathParam("collection");
    boolean partial = partial(ctx);
    decode(ctx, body -> new MultiGet(new KeyBatch(collection, ids(body)), partial, true))
        .onSuccess(
            get ->
                calls.respond(
                    ctx,
                    RequestContract.GET_MANY,
                    get,
                    reply ->
                        ctx.response()
                            .putHeader("Content-Type", JSON)
                            .end(mgetBody(reply.encoded()))))
        .onFailure(ctx::fail);
  }

  /**
   * The {@code _mget} response body: each found envelope's text written raw (it is JSON that
   * Troupe's own services encoded, see {@link EncodedMultiGetResult}), ids and failures encoded as
   * usual.
   */
  static Buffer mgetBody(EncodedMultiGetResult result) {
    int estimate = 64;
    for (Map.Entry<String, String> found : result.found().entrySet()) {
      estimate += found.getKey().length() + found.getValue().length() + 4;
    }
    for (String id : result.missing()) {
      estimate += id.length() + 3;
    }
    Buffer body = Buffer.buffer(estimate);
    try (JsonGenerator json = JSON_FACTORY.createGenerator(new BufferOutput(body))) {
      json.writeStartObject();
      json.writeObjectFieldStart("found");
      for (Map.Entry<String, String> found : result.found().entrySet()) {
        json.writeFieldName(found.getKey());
        json.writeRawValue(found.getValue());
      }
      json.writeEndObject();
      json.writeArrayFieldStart("missing");
      for (String id : result.missing()) {
        json.writeString(id);
      }
      json.writeEndArray();
      if (!result.failed().isEmpty()) {
        json.writeFieldName("failed");
        JacksonCodec.encodeJson(BatchWire.failedJson(result.failed()), json);
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write an _mget response", e);
    }
    return body;
  }

  /** Jackson's generator buffers its output and hands it over here in blocks. */
  private static final class BufferOutput extends OutputStream {
    private final Buffer buffer;

    BufferOutput(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }

  /**
   * {@code {"items":[{"id","data","ifMatch":version?,"ifNoneMatch":"*"?}]}} -> {@code
   * {"items":[{"status":201|200,"document":envelope}]}}, all committed or none.
   */
  private void mput(RoutingContext ctx) {
    String collection = ctx.pathParam("collection");
    String idempotencyKey;
    try {
      idempotencyKey = DocsApi.idempotencyKey(ctx);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    decode(ctx, body -> new PutMany(collection, items(body), idempotencyKey))
        .onSuccess(
            put ->
                calls.respond(ctx, RequestContract.PUT_MANY, put, reply -> respondPut(ctx, reply)))
        .onFailure(ctx::fail);
  }

  /**
   * Parses and checks the body into the message to send: on the event loop when the body is small,
   * on the {@code troupe-cpu} pool when it is large enough that decoding would hold the loop up for
   * milliseconds. Either way a bad body fails with the same 4xx.
   */
  private <T> Future<T> decode(RoutingContext ctx, Function<JsonObject, T> message) {
    String contentType = ctx.request().getHeader("Content-Type");
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    if (body == null || body.length() <= DECODE_INLINE_BYTES) {
      try {
        return Future.succeededFuture(message.apply(DocsApi.jsonObjectBody(contentType, body)));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    return cpu.executeBlocking(
        () -> message.apply(DocsApi.jsonObjectBody(contentType, body)), false);
  }

  private static void respondPut(RoutingContext ctx, PutManyResult result) {
    JsonArray items = new JsonArray(new ArrayList<>(result.items().size()));
    for (PutResult item : result.items()) {
      items.add(
          new JsonObject()
              .put("status", item.created() ? 201 : 200)
              .put("document", DocWire.toJson(item.document())));
    }
    ctx.response()
        .putHeader("Content-Type", JSON)
        .end(new JsonObject().put("items", items).toBuffer());
  }

  private static List<String> ids(JsonObject body) {
    if (!(body.getValue("ids") instanceof JsonArray array)) {
      throw TroupeException.badRequest(
          "the body must be {\"ids\":[...]} with 1 to " + KeyBatch.MAX_IDS + " ids");
    }
    List<String> ids = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String id)) {
        throw TroupeException.badRequest("ids[" + i + "] must be a string");
      }
      ids.add(id);
    }
    return ids;
  }

  private static List<PutMany.Item> items(JsonObject body) {
    if (!(body.getValue("items") instanceof JsonArray array)) {
      throw TroupeException.badRequest(
          "the body must be {\"items\":[{\"id\":...,\"data\":{...}}]} with 1 to "
              + PutMany.MAX_ITEMS
              + " items");
    }
    List<PutMany.Item> items = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject item)) {
        throw TroupeException.badRequest("items[" + i + "] must be an object");
      }
      if (!(item.getValue("id") instanceof String id)) {
        throw TroupeException.badRequest("items[" + i + "].id must be a string");
      }
      if (!(item.getValue("data") instanceof JsonObject data)) {
        throw TroupeException.badRequest("items[" + i + "].data must be a JSON object");
      }
      items.add(new PutMany.Item(id, data, precondition(item, i)));
    }
    return items;
  }

  private static Precondition precondition(JsonObject item, int index) {
    Object ifMatch = item.getValue("ifMatch");
    Object ifNoneMatch = item.getValue("ifNoneMatch");
    if (ifNoneMatch != null && !"*".equals(ifNoneMatch)) {
      throw TroupeException.badRequest("items[" + index + "].ifNoneMatch can only be \"*\"");
    }
    if (ifMatch != null && !(ifMatch instanceof Integer || ifMatch instanceof Long)) {
      throw TroupeException.badRequest("items[" + index + "].ifMatch must be a version number");
    }
    return new Precondition(
        ifMatch == null ? null : ((Number) ifMatch).longValue(), false, ifNoneMatch != null);
  }

  private static boolean partial(RoutingContext ctx) {
    String value = ctx.queryParams().get("partial");
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw TroupeException.badRequest("partial must be true or false");
  }
}
