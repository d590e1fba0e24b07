package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.bool;
import static dev.troupe.shared.contract.JsonFields.instant;
import static dev.troupe.shared.contract.JsonFields.intValue;
import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.number;
import static dev.troupe.shared.contract.JsonFields.object;
import static dev.troupe.shared.contract.JsonFields.objects;
import static dev.troupe.shared.contract.JsonFields.optionalInstant;
import static dev.troupe.shared.contract.JsonFields.optionalString;
import static dev.troupe.shared.contract.JsonFields.string;
import static dev.troupe.shared.contract.JsonFields.strings;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where contract records are mapped to and from the JSON objects that travel on the
 * event bus. Senders in other languages build these shapes by hand, so parsing is strict and every
 * mistake is a {@link ErrorCode#BAD_REQUEST} naming the field: every field is read through {@link
 * JsonFields}.
 */
public final class Wire {
  static {
    StrictJson.install();
  }

  private Wire() {}

  // ---- keys and documents
  // -------------------------------------------------------------------------

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

  // ---- requests
  // ----------------------------------------------------------------------------------

  private static final String IDEMPOTENCY_KEY = "idempotencyKey";

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
  private static JsonObject withIdempotencyKey(JsonObject json, String key) {
    return key == null ? json : json.put(IDEMPOTENCY_KEY, key);
  }

  private static String idempotencyKey(JsonObject json) {
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

  // ---- replies
  // -----------------------------------------------------------------------------------

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

  public static JsonObject toJson(Lookup lookup) {
    JsonObject json = toJson(lookup.key()).put("version", lookup.version());
    if (lookup.document() != null) {
      json.put("document", toJson(lookup.document()));
    }
    return json;
  }

  public static Lookup lookup(JsonObject json) {
    if (json.getValue("document") != null) {
      return Lookup.found(document(object(json, "document")));
    }
    long version = longValue(json, "version");
    if (version < 0) {
      throw TroupeException.badRequest("version must be >= 0, got " + version);
    }
    return Lookup.absent(docKey(json), version);
  }

  /**
   * {@code {"hit":false}}, or {@code {"hit":true,"version":v}} plus, for a document, {@code
   * "envelope"}: its envelope's JSON text as the cache stores it, passed on unparsed.
   */
  public static JsonObject toJson(CacheLookup lookup) {
    if (!lookup.hit()) {
      return new JsonObject().put("hit", false);
    }
    JsonObject json = new JsonObject().put("hit", true).put("version", lookup.version());
    return lookup.exists() ? json.put("envelope", lookup.document().envelope()) : json;
  }

  public static CacheLookup cacheLookup(JsonObject json) {
    if (!bool(json, "hit")) {
      return CacheLookup.MISS;
    }
    if (json.getValue("envelope") != null) {
      return CacheLookup.found(storedDoc(json));
    }
    long version = longValue(json, "version");
    if (version < 0) {
      throw TroupeException.badRequest("version must be >= 0, got " + version);
    }
    return CacheLookup.absent(version);
  }

  /** The {@code "version"} and {@code "envelope"} (JSON text) fields of {@code json}. */
  private static StoredDoc storedDoc(JsonObject json) {
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

  // ---- batches ----------------------------------------------------------------------------------

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

  /** {@code {"envelopes":{id:"envelope JSON text"},"absent":{id:version}}}. */
  public static JsonObject toJson(CachedLookups lookups) {
    return new JsonObject()
        .put("envelopes", new JsonObject(new LinkedHashMap<>(lookups.envelopes())))
        .put("absent", new JsonObject(new LinkedHashMap<>(lookups.absent())));
  }

  public static CachedLookups cachedLookups(JsonObject json) {
    JsonObject envelopes = object(json, "envelopes");
    Map<String, String> texts = new LinkedHashMap<>();
    for (String id : envelopes.fieldNames()) {
      texts.put(id, string(envelopes, id));
    }
    JsonObject absent = object(json, "absent");
    Map<String, Long> versions = new LinkedHashMap<>();
    for (String id : absent.fieldNames()) {
      long version = longValue(absent, id);
      if (version < 0) {
        throw TroupeException.badRequest(
            "absent." + id + " must be a version >= 0, got " + version);
      }
      versions.put(id, version);
    }
    return new CachedLookups(texts, versions);
  }

  public static JsonObject toJson(LookupBatch batch) {
    JsonArray items = new JsonArray(new ArrayList<>(batch.items().size()));
    batch.items().forEach(lookup -> items.add(toJson(lookup)));
    return new JsonObject().put("items", items);
  }

  public static LookupBatch lookupBatch(JsonObject json) {
    List<JsonObject> items = objects(json, "items");
    List<Lookup> lookups = new ArrayList<>(items.size());
    items.forEach(item -> lookups.add(lookup(item)));
    return new LookupBatch(lookups);
  }

  /**
   * {@code {"found":{id:envelope},"missing":[ids]}}, plus {@code
   * "failed":[{"ids","error","code","message"}]} when parts of a partial read failed: the shape the
   * gateway's {@code _mget} answers with.
   */
  public static JsonObject toJson(MultiGetResult result) {
    JsonObject found = new JsonObject(new LinkedHashMap<>(result.found().size() * 2));
    result.found().forEach((id, doc) -> found.put(id, toJson(doc)));
    return withMissingAndFailed(
        new JsonObject().put("found", found), result.missing(), result.failed());
  }

  public static MultiGetResult multiGetResult(JsonObject json) {
    JsonObject found = object(json, "found");
    Map<String, Document> docs = new LinkedHashMap<>();
    for (String id : found.fieldNames()) {
      docs.put(id, document(object(found, id)));
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
    java.util.Iterator<String> ids = found.fieldNames().iterator();
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
                        .put("precondition", toJson(item.precondition()))));
    return withIdempotencyKey(
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
                    precondition(item.getValue("precondition")))));
    return new PutMany(string(json, "collection"), parsed, idempotencyKey(json));
  }

  public static JsonObject toJson(PutManyResult result) {
    JsonArray items = new JsonArray(new ArrayList<>(result.items().size()));
    result.items().forEach(item -> items.add(toJson(item)));
    return new JsonObject().put("items", items);
  }

  public static PutManyResult putManyResult(JsonObject json) {
    List<JsonObject> items = objects(json, "items");
    List<PutResult> results = new ArrayList<>(items.size());
    items.forEach(item -> results.add(putResult(item)));
    return new PutManyResult(results);
  }

  /** The body of a change event on {@link DocEvents#ADDRESS}. */
  public static JsonObject changeEvent(String op, DocKey key, long version) {
    return toJson(key).put("op", op).put("version", version);
  }

  public static JsonObject toJson(DocChange change) {
    return changeEvent(change.op(), change.key(), change.version());
  }

  public static DocChange docChange(JsonObject json) {
    return new DocChange(string(json, "op"), docKey(json), longValue(json, "version"));
  }

  /** {@code {"since":seq,"limit":n}}. */
  public static JsonObject toJson(ChangesQuery query) {
    return new JsonObject().put("since", query.since()).put("limit", query.limit());
  }

  /**
   * Both fields are optional: {@code since} 0, {@code limit} {@link ChangesQuery#DEFAULT_LIMIT}.
   */
  public static ChangesQuery changesQuery(JsonObject json) {
    return new ChangesQuery(
        JsonFields.longValue(json, "since", 0),
        JsonFields.intValue(json, "limit", ChangesQuery.DEFAULT_LIMIT));
  }

  // ---- rate limits
  // -------------------------------------------------------------------------------

  public static JsonObject toJson(TakeTokens take) {
    JsonArray demands = new JsonArray(new ArrayList<>(take.demands().size()));
    take.demands()
        .forEach(
            d ->
                demands.add(
                    new JsonObject()
                        .put("client", d.client())
                        .put("need", d.need())
                        .put("extra", d.extra())
                        .put("giveBack", d.giveBack())));
    return new JsonObject()
        .put("ratePerSec", take.ratePerSec())
        .put("burst", take.burst())
        .put("demands", demands);
  }

  public static TakeTokens takeTokens(JsonObject json) {
    List<TokenDemand> demands = new ArrayList<>();
    for (JsonObject d : objects(json, "demands")) {
      demands.add(
          new TokenDemand(
              string(d, "client"),
              intValue(d, "need"),
              intValue(d, "extra"),
              intValue(d, "giveBack")));
    }
    return new TakeTokens(number(json, "ratePerSec"), intValue(json, "burst"), demands);
  }

  public static JsonObject toJson(List<TokenGrant> grants) {
    JsonArray items = new JsonArray(new ArrayList<>(grants.size()));
    grants.forEach(
        g ->
            items.add(
                new JsonObject()
                    .put("client", g.client())
                    .put("granted", g.granted())
                    .put("tokens", g.tokens())));
    return new JsonObject().put("grants", items);
  }

  public static List<TokenGrant> tokenGrants(JsonObject json) {
    List<TokenGrant> grants = new ArrayList<>();
    for (JsonObject g : objects(json, "grants")) {
      grants.add(new TokenGrant(string(g, "client"), intValue(g, "granted"), number(g, "tokens")));
    }
    return grants;
  }

  // ---- background jobs
  // ---------------------------------------------------------------------------

  public static JsonObject toJson(JobStatus job) {
    return new JsonObject()
        .put("id", job.id())
        .put("type", job.type())
        .put("collection", job.collection())
        .put("state", job.state())
        .put("done", job.done())
        .put("total", job.total())
        .put("failed", job.failed())
        .put("createdAt", Instants.format(job.createdAt()))
        .put("startedAt", job.startedAt() == null ? null : Instants.format(job.startedAt()))
        .put("finishedAt", job.finishedAt() == null ? null : Instants.format(job.finishedAt()))
        .put("error", job.error());
  }

  public static JobStatus jobStatus(JsonObject json) {
    return new JobStatus(
        string(json, "id"),
        string(json, "type"),
        string(json, "collection"),
        string(json, "state"),
        longValue(json, "done"),
        json.getValue("total") == null ? null : longValue(json, "total"),
        longValue(json, "failed"),
        instant(json, "createdAt"),
        optionalInstant(json, "startedAt"),
        optionalInstant(json, "finishedAt"),
        optionalString(json, "error"));
  }

  public static JsonObject toJson(ChunkUpload chunk) {
    return new JsonObject()
        .put("id", chunk.jobId())
        .put("seq", chunk.seq())
        .put("firstLine", chunk.firstLine())
        .put("lines", chunk.lines())
        .put("payload", chunk.payload());
  }

  public static ChunkUpload chunkUpload(JsonObject json) {
    return new ChunkUpload(
        string(json, "id"),
        intValue(json, "seq"),
        longValue(json, "firstLine"),
        intValue(json, "lines"),
        string(json, "payload"));
  }

  public static JsonObject toJson(JobChunk chunk) {
    return new JsonObject()
        .put("id", chunk.jobId())
        .put("type", chunk.type())
        .put("collection", chunk.collection())
        .put("seq", chunk.seq())
        .put("firstLine", chunk.firstLine())
        .put("lines", chunk.lines())
        .put("payload", chunk.payload())
        .put("attempts", chunk.attempts());
  }

  public static JobChunk jobChunk(JsonObject json) {
    return new JobChunk(
        string(json, "id"),
        string(json, "type"),
        string(json, "collection"),
        intValue(json, "seq"),
        longValue(json, "firstLine"),
        intValue(json, "lines"),
        string(json, "payload"),
        intValue(json, "attempts"));
  }

  public static JsonObject toJson(ChunkOutcome outcome) {
    JsonArray errors = new JsonArray(new ArrayList<>(outcome.errors().size()));
    outcome.errors().forEach(e -> errors.add(toJson(e)));
    return new JsonObject()
        .put("id", outcome.jobId())
        .put("seq", outcome.seq())
        .put("owner", outcome.owner())
        .put("processed", outcome.processed())
        .put("errors", errors)
        .put("result", outcome.result())
        .put("next", outcome.next());
  }

  public static ChunkOutcome chunkOutcome(JsonObject json) {
    List<ChunkOutcome.LineError> errors = new ArrayList<>();
    for (JsonObject error : objects(json, "errors")) {
      errors.add(lineError(error));
    }
    return new ChunkOutcome(
        string(json, "id"),
        intValue(json, "seq"),
        string(json, "owner"),
        longValue(json, "processed"),
        errors,
        optionalString(json, "result"),
        optionalString(json, "next"));
  }

  public static JsonObject toJson(ChunkOutcome.LineError error) {
    return new JsonObject().put("line", error.line()).put("error", error.error());
  }

  public static ChunkOutcome.LineError lineError(JsonObject json) {
    return new ChunkOutcome.LineError(longValue(json, "line"), string(json, "error"));
  }
}
