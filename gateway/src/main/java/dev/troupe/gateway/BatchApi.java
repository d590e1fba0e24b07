package dev.troupe.gateway;

import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import dev.troupe.shared.contract.Wire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches of documents: {@code POST /api/v1/docs/{collection}/_mget} reads up to 1,000 ids in one
 * call (fork-join in request-service), {@code POST /api/v1/docs/{collection}/_mput} writes up to
 * 1,000 documents in one transaction.
 */
final class BatchApi {
  static final String MGET = "_mget";
  static final String MPUT = "_mput";
  private static final String JSON = "application/json";

  private final DocsApi docs;
  private final int maxBodyBytes;

  BatchApi(DocsApi docs, int maxBodyBytes) {
    this.docs = docs;
    this.maxBodyBytes = maxBodyBytes;
  }

  void mount(Router router) {
    router.post(DocsApi.BASE + "/:collection/" + MGET)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(AccessLog::route)
        .handler(this::mget);
    router.post(DocsApi.BASE + "/:collection/" + MPUT)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(AccessLog::route)
        .handler(this::mput);
  }

  /** {@code {"ids":[...]}} -> {@code {"found":{id:envelope},"missing":[ids]}} (and {@code "failed"} when partial). */
  private void mget(RoutingContext ctx) {
    JsonObject body = DocsApi.jsonObjectBody(ctx);
    MultiGet get = new MultiGet(new KeyBatch(ctx.pathParam("collection"), ids(body)), partial(ctx));
    docs.call(ctx, RequestContract.GET_MANY, Wire.toJson(get), reply ->
        ctx.response().putHeader("Content-Type", JSON).end(reply.toBuffer()));
  }

  /**
   * {@code {"items":[{"id","data","ifMatch":version?,"ifNoneMatch":"*"?}]}} ->
   * {@code {"items":[{"status":201|200,"document":envelope}]}}, all committed or none.
   */
  private void mput(RoutingContext ctx) {
    JsonObject body = DocsApi.jsonObjectBody(ctx);
    PutMany put = new PutMany(ctx.pathParam("collection"), items(body), DocsApi.idempotencyKey(ctx));
    docs.call(ctx, RequestContract.PUT_MANY, Wire.toJson(put), reply -> {
      PutManyResult result = Wire.putManyResult(reply);
      JsonArray items = new JsonArray(new ArrayList<>(result.items().size()));
      for (PutResult item : result.items()) {
        items.add(new JsonObject().put("status", item.created() ? 201 : 200).put("document", Wire.toJson(item.document())));
      }
      ctx.response().putHeader("Content-Type", JSON).end(new JsonObject().put("items", items).toBuffer());
    });
  }

  private static List<String> ids(JsonObject body) {
    if (!(body.getValue("ids") instanceof JsonArray array)) {
      throw TroupeException.badRequest("the body must be {\"ids\":[...]} with 1 to " + KeyBatch.MAX_IDS + " ids");
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
      throw TroupeException.badRequest("the body must be {\"items\":[{\"id\":...,\"data\":{...}}]} with 1 to "
          + PutMany.MAX_ITEMS + " items");
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
    return new Precondition(ifMatch == null ? null : ((Number) ifMatch).longValue(), false, ifNoneMatch != null);
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
