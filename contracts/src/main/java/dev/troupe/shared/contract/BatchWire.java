package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.bool;
import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.object;
import static dev.troupe.shared.contract.JsonFields.objects;
import static dev.troupe.shared.contract.JsonFields.string;
import static dev.troupe.shared.contract.JsonFields.strings;

import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The codecs of the documents family's batch shapes: several ids or documents of a collection. */
public final class BatchWire {
  static {
    StrictJson.install();
  }

  public static final Codec<KeyBatch> KEY_BATCH = Codec.of(BatchWire::toJson, BatchWire::keyBatch);
  public static final Codec<MultiGet> MULTI_GET = Codec.of(BatchWire::toJson, BatchWire::multiGet);

  /** Either form of a batch read's answer, as its type says. */
  public static final Codec<MultiGetReply> MULTI_GET_REPLY =
      Codec.of(BatchWire::toJson, BatchWire::multiGetReply);

  public static final Codec<PutMany> PUT_MANY = Codec.of(BatchWire::toJson, BatchWire::putMany);
  public static final Codec<PutManyResult> PUT_MANY_RESULT =
      Codec.of(BatchWire::toJson, BatchWire::putManyResult);
  public static final Codec<LookupBatch> LOOKUP_BATCH =
      Codec.of(BatchWire::toJson, BatchWire::lookupBatch);

  private BatchWire() {}

  public static JsonObject toJson(KeyBatch batch) {
    return new JsonObject()
        .put("collection", batch.collection())
        .put("ids", new JsonArray(new ArrayList<>(batch.ids())));
  }

  public static KeyBatch keyBatch(JsonObject json) {
    return new KeyBatch(string(json, "collection"), strings(json, "ids"));
  }

  /** {@code encoded} is written only when true, so a plain read's body is what it always was. */
  public static JsonObject toJson(MultiGet get) {
    JsonObject json = toJson(get.keys()).put("partial", get.partial());
    return get.encoded() ? json.put("encoded", true) : json;
  }

  public static MultiGet multiGet(JsonObject json) {
    return new MultiGet(keyBatch(json), bool(json, "partial"), bool(json, "encoded"));
  }

  public static JsonObject toJson(LookupBatch batch) {
    JsonArray items = new JsonArray(new ArrayList<>(batch.items().size()));
    batch.items().forEach(lookup -> items.add(CacheWire.toJson(lookup)));
    return new JsonObject().put("items", items);
  }

  public static LookupBatch lookupBatch(JsonObject json) {
    List<JsonObject> items = objects(json, "items");
    List<Lookup> lookups = new ArrayList<>(items.size());
    items.forEach(item -> lookups.add(CacheWire.lookup(item)));
    return new LookupBatch(lookups);
  }

  /**
   * {@code {"found":{id:envelope},"missing":[ids]}}, plus {@code
   * "failed":[{"ids","error","code","message"}]} when parts of a partial read failed: the shape the
   * gateway's {@code _mget} answers with.
   */
  public static JsonObject toJson(MultiGetResult result) {
    JsonObject found = new JsonObject(new LinkedHashMap<>(result.found().size() * 2));
    result.found().forEach((id, doc) -> found.put(id, DocWire.toJson(doc)));
    return withMissingAndFailed(
        new JsonObject().put("found", found), result.missing(), result.failed());
  }

  public static MultiGetResult multiGetResult(JsonObject json) {
    JsonObject found = object(json, "found");
    Map<String, Document> docs = new LinkedHashMap<>();
    for (String id : found.fieldNames()) {
      docs.put(id, DocWire.document(object(found, id)));
    }
    return new MultiGetResult(docs, strings(json, "missing"), failedParts(json));
  }

  /** As {@link #toJson(MultiGetResult)}, with each found envelope as its JSON text. */
  public static JsonObject toJson(EncodedMultiGetResult result) {
    return withMissingAndFailed(
        new JsonObject().put("found", new JsonObject(new LinkedHashMap<>(result.found()))),
        result.missing(),
        result.failed());
  }

  public static EncodedMultiGetResult encodedMultiGetResult(JsonObject json) {
    JsonObject found = object(json, "found");
    Map<String, String> texts = new LinkedHashMap<>();
    for (String id : found.fieldNames()) {
      texts.put(id, string(found, id));
    }
    return new EncodedMultiGetResult(texts, strings(json, "missing"), failedParts(json));
  }

  /** Either form, as the reply's type says. */
  public static JsonObject toJson(MultiGetReply reply) {
    return reply instanceof EncodedMultiGetResult texts
        ? toJson(texts)
        : toJson((MultiGetResult) reply);
  }

  /**
   * Either form of {@link #toJson(MultiGetReply)}: found documents as text, or as objects (an
   * answer without documents reads the same in both, and is read as text).
   */
  public static MultiGetReply multiGetReply(JsonObject json) {
    JsonObject found = object(json, "found");
    Iterator<String> ids = found.fieldNames().iterator();
    return ids.hasNext() && found.getValue(ids.next()) instanceof JsonObject
        ? multiGetResult(json)
        : encodedMultiGetResult(json);
  }

  /**
   * The {@code "failed"} array of a partial read's answer: {@code
   * [{"ids","error","code","message"}]}.
   */
  public static JsonArray failedJson(List<MultiGetResult.FailedPart> failedParts) {
    JsonArray failed = new JsonArray();
    failedParts.forEach(
        part ->
            failed.add(
                new JsonObject()
                    .put("ids", new JsonArray(new ArrayList<>(part.ids())))
                    .put("error", part.code().name())
                    .put("code", part.code().code())
                    .put("message", part.message())));
    return failed;
  }

  private static JsonObject withMissingAndFailed(
      JsonObject json, List<String> missing, List<MultiGetResult.FailedPart> failed) {
    json.put("missing", new JsonArray(new ArrayList<>(missing)));
    return failed.isEmpty() ? json : json.put("failed", failedJson(failed));
  }

  private static List<MultiGetResult.FailedPart> failedParts(JsonObject json) {
    List<MultiGetResult.FailedPart> failed = new ArrayList<>();
    if (json.getValue("failed") != null) {
      for (JsonObject part : objects(json, "failed")) {
        failed.add(
            new MultiGetResult.FailedPart(
                strings(part, "ids"),
                ErrorCode.fromCode((int) longValue(part, "code")),
                string(part, "message")));
      }
    }
    return failed;
  }

  public static JsonObject toJson(PutMany put) {
    JsonArray items = new JsonArray(new ArrayList<>(put.items().size()));
    put.items()
        .forEach(
            item ->
                items.add(
                    new JsonObject()
                        .put("id", item.id())
                        .put("data", item.data())
                        .put("precondition", DocWire.toJson(item.precondition()))));
    return DocWire.withIdempotencyKey(
        new JsonObject().put("collection", put.collection()).put("items", items),
        put.idempotencyKey());
  }

  public static PutMany putMany(JsonObject json) {
    List<JsonObject> items = objects(json, "items");
    List<PutMany.Item> parsed = new ArrayList<>(items.size());
    items.forEach(
        item ->
            parsed.add(
                new PutMany.Item(
                    string(item, "id"),
                    object(item, "data"),
                    DocWire.precondition(item.getValue("precondition")))));
    return new PutMany(string(json, "collection"), parsed, DocWire.idempotencyKey(json));
  }

  public static JsonObject toJson(PutManyResult result) {
    JsonArray items = new JsonArray(new ArrayList<>(result.items().size()));
    result.items().forEach(item -> items.add(DocWire.toJson(item)));
    return new JsonObject().put("items", items);
  }

  public static PutManyResult putManyResult(JsonObject json) {
    List<JsonObject> items = objects(json, "items");
    List<PutResult> results = new ArrayList<>(items.size());
    items.forEach(item -> results.add(DocWire.putResult(item)));
    return new PutManyResult(results);
  }
}
