package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.bool;
import static dev.troupe.shared.contract.JsonFields.instant;
import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.object;
import static dev.troupe.shared.contract.JsonFields.string;

import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The codecs of the documents family's single-document shapes: keys, documents, reads and writes of
 * one document, pages of a collection.
 */
public final class DocWire {
  static {
    StrictJson.install();
  }

  public static final Codec<DocKey> DOC_KEY = Codec.of(DocWire::toJson, DocWire::docKey);
  public static final Codec<ReadDoc> READ_DOC = Codec.of(DocWire::toJson, DocWire::readDoc);
  public static final Codec<PutDoc> PUT_DOC = Codec.of(DocWire::toJson, DocWire::putDoc);
  public static final Codec<DeleteDoc> DELETE_DOC = Codec.of(DocWire::toJson, DocWire::deleteDoc);
  public static final Codec<ListDocs> LIST_DOCS = Codec.of(DocWire::toJson, DocWire::listDocs);

  /** Either form of a read's answer, as {@link ReadResult#encoded()} says. */
  public static final Codec<ReadResult> READ_RESULT =
      Codec.of(DocWire::toJson, DocWire::readResult);

  public static final Codec<PutResult> PUT_RESULT = Codec.of(DocWire::toJson, DocWire::putResult);
  public static final Codec<DeleteResult> DELETE_RESULT =
      Codec.of(DocWire::toJson, DocWire::deleteResult);
  public static final Codec<DocPage> DOC_PAGE = Codec.of(DocWire::toJson, DocWire::docPage);

  private DocWire() {}

  public static JsonObject toJson(DocKey key) {
    return new JsonObject().put("collection", key.collection()).put("id", key.id());
  }

  public static DocKey docKey(JsonObject json) {
    return new DocKey(string(json, "collection"), string(json, "id"));
  }

  /** The envelope {@code {"collection","id","version","updatedAt","data"}}. */
  public static JsonObject toJson(Document doc) {
    return new JsonObject()
        .put("collection", doc.key().collection())
        .put("id", doc.key().id())
        .put("version", doc.version())
        .put("updatedAt", Instants.format(doc.updatedAt()))
        .put("data", doc.data());
  }

  public static Document document(JsonObject json) {
    long version = longValue(json, "version");
    if (version < 1) {
      throw TroupeException.badRequest("version must be >= 1, got " + version);
    }
    return new Document(docKey(json), version, instant(json, "updatedAt"), object(json, "data"));
  }

  static final String IDEMPOTENCY_KEY = "idempotencyKey";

  public static JsonObject toJson(PutDoc put) {
    return withIdempotencyKey(
        toJson(put.key()).put("data", put.data()).put("precondition", toJson(put.precondition())),
        put.idempotencyKey());
  }

  public static PutDoc putDoc(JsonObject json) {
    return new PutDoc(
        docKey(json),
        object(json, "data"),
        precondition(json.getValue("precondition")),
        idempotencyKey(json));
  }

  public static JsonObject toJson(DeleteDoc delete) {
    return withIdempotencyKey(
        toJson(delete.key()).put("precondition", toJson(delete.precondition())),
        delete.idempotencyKey());
  }

  public static DeleteDoc deleteDoc(JsonObject json) {
    return new DeleteDoc(
        docKey(json), precondition(json.getValue("precondition")), idempotencyKey(json));
  }

  /** Writes carry their idempotency key as {@code "idempotencyKey"}, absent when there is none. */
  static JsonObject withIdempotencyKey(JsonObject json, String key) {
    return key == null ? json : json.put(IDEMPOTENCY_KEY, key);
  }

  static String idempotencyKey(JsonObject json) {
    Object v = json.getValue(IDEMPOTENCY_KEY);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw TroupeException.badRequest(IDEMPOTENCY_KEY + " must be a string");
    }
    return s;
  }

  public static JsonObject toJson(Precondition p) {
    JsonObject json = new JsonObject();
    if (p.ifMatchVersion() != null) {
      json.put("ifMatch", p.ifMatchVersion());
    }
    if (p.mustExist()) {
      json.put("mustExist", true);
    }
    if (p.mustNotExist()) {
      json.put("mustNotExist", true);
    }
    return json;
  }

  static Precondition precondition(Object value) {
    if (value == null) {
      return Precondition.NONE;
    }
    if (!(value instanceof JsonObject json)) {
      throw TroupeException.badRequest("precondition must be an object");
    }
    Long ifMatch = json.containsKey("ifMatch") ? longValue(json, "ifMatch") : null;
    return new Precondition(ifMatch, bool(json, "mustExist"), bool(json, "mustNotExist"));
  }

  public static JsonObject toJson(ListDocs list) {
    JsonObject json =
        new JsonObject().put("collection", list.collection()).put("limit", list.limit());
    if (list.after() != null) {
      json.put("after", list.after());
    }
    return json;
  }

  public static ListDocs listDocs(JsonObject json) {
    Object limit = json.getValue("limit");
    int parsedLimit =
        limit == null
            ? ListDocs.DEFAULT_LIMIT
            : (int)
                Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longValue(json, "limit")));
    Object after = json.getValue("after");
    if (after != null && !(after instanceof String)) {
      throw TroupeException.badRequest("after must be a string");
    }
    return new ListDocs(string(json, "collection"), parsedLimit, (String) after);
  }

  public static JsonObject toJson(DocPage page) {
    JsonArray items = new JsonArray(new ArrayList<>(page.items().size()));
    page.items().forEach(d -> items.add(toJson(d)));
    return new JsonObject().put("items", items).put("next", page.next());
  }

  public static DocPage docPage(JsonObject json) {
    if (!(json.getValue("items") instanceof JsonArray items)) {
      throw TroupeException.badRequest("items must be an array");
    }
    List<Document> docs = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      if (!(items.getValue(i) instanceof JsonObject item)) {
        throw TroupeException.badRequest("items[" + i + "] must be a document object");
      }
      docs.add(document(item));
    }
    Object next = json.getValue("next");
    if (next != null && !(next instanceof String)) {
      throw TroupeException.badRequest("next must be a string or null");
    }
    return new DocPage(docs, (String) next);
  }

  public static JsonObject toJson(PutResult result) {
    return new JsonObject()
        .put("document", toJson(result.document()))
        .put("created", result.created());
  }

  public static PutResult putResult(JsonObject json) {
    return new PutResult(document(object(json, "document")), bool(json, "created"));
  }

  public static JsonObject toJson(DeleteResult result) {
    return toJson(result.key()).put("version", result.version());
  }

  public static DeleteResult deleteResult(JsonObject json) {
    return new DeleteResult(docKey(json), longValue(json, "version"));
  }

  /** The {@code "version"} and {@code "envelope"} (JSON text) fields of {@code json}. */
  static StoredDoc storedDoc(JsonObject json) {
    long version = longValue(json, "version");
    if (version < 1) {
      throw TroupeException.badRequest("version must be >= 1, got " + version);
    }
    return new StoredDoc(version, string(json, "envelope"));
  }

  /** {@code {"collection","id"}}, plus {@code "encoded":true} when asked. */
  public static JsonObject toJson(ReadDoc read) {
    JsonObject json = toJson(read.key());
    return read.encoded() ? json.put("encoded", true) : json;
  }

  public static ReadDoc readDoc(JsonObject json) {
    return new ReadDoc(docKey(json), bool(json, "encoded"));
  }

  /**
   * As {@link ReadResult#encoded()} says: {@code {"version","envelope":"envelope JSON
   * text","cache"}}, the text passed through unparsed, or {@code {"document":{envelope},"cache"}}.
   */
  public static JsonObject toJson(ReadResult result) {
    JsonObject json = new JsonObject();
    if (result.encoded()) {
      json.put("version", result.stored().version()).put("envelope", result.stored().envelope());
    } else {
      json.put("document", new JsonObject(result.stored().envelope()));
    }
    return json.put("cache", result.cache().name());
  }

  /** Either shape of {@link #toJson(ReadResult)}; the encoded one is not parsed. */
  public static ReadResult readResult(JsonObject json) {
    String cache = string(json, "cache");
    ReadResult.CacheStatus status;
    try {
      status = ReadResult.CacheStatus.valueOf(cache);
    } catch (IllegalArgumentException e) {
      throw TroupeException.badRequest("cache must be HIT, MISS or BYPASS");
    }
    if (json.getValue("envelope") != null) {
      return new ReadResult(storedDoc(json), status, true);
    }
    return new ReadResult(document(object(json, "document")), status);
  }
}
