package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every contract record survives {@code toJson} -> encoded text -> decoded JSON -> parse unchanged.
 * Going through the encoded text is what the event bus to a non-Java sender does: longs come back
 * as integers, instants as strings.
 */
@DisplayName("Wire round trips")
class WireRoundTripTest {
  private static final DocKey KEY = DocKey.of("users", "alice");
  private static final Instant AT = Instant.parse("2024-05-06T07:08:09.123456789Z");

  private static JsonObject overTheWire(JsonObject json) {
    return new JsonObject(json.encode());
  }

  private static Document doc(String id, long version) {
    JsonObject data =
        new JsonObject()
            .put("name", "Alice")
            .put("age", 41)
            .put("tags", new JsonArray().add("a").add("b"))
            .put("address", new JsonObject().put("city", "Lyon"));
    return new Document(DocKey.of("users", id), version, AT, data);
  }

  @Test
  @DisplayName("a DocKey round trips as {collection, id}")
  void docKey() {
    JsonObject json = DocWire.toJson(KEY);

    assertThat(json).isEqualTo(new JsonObject().put("collection", "users").put("id", "alice"));
    assertThat(DocWire.docKey(overTheWire(json))).isEqualTo(KEY);
  }

  @Test
  @DisplayName(
      "a Document round trips as the envelope, keeping nanosecond updatedAt and nested data")
  void document() {
    Document doc = doc("alice", 7);

    JsonObject json = DocWire.toJson(doc);

    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder("collection", "id", "version", "updatedAt", "data");
    assertThat(json.getString("updatedAt")).isEqualTo("2024-05-06T07:08:09.123456789Z");
    Document back = DocWire.document(overTheWire(json));
    assertThat(back).isEqualTo(doc);
    assertThat(back.etag()).isEqualTo("\"7\"");
  }

  @Test
  @DisplayName("an integral floating-point version (3.0) from a non-Java sender parses as 3")
  void integralDoubleVersion() {
    JsonObject json = DocWire.toJson(doc("alice", 3)).put("version", 3.0);

    assertThat(DocWire.document(json).version()).isEqualTo(3L);
  }

  @Test
  @DisplayName("a PutDoc without precondition round trips with Precondition.NONE")
  void putDocNone() {
    PutDoc put = new PutDoc(KEY, new JsonObject().put("x", 1), null);

    PutDoc back = DocWire.putDoc(overTheWire(DocWire.toJson(put)));

    assertThat(back).isEqualTo(put);
    assertThat(back.precondition().isNone()).isTrue();
  }

  @Test
  @DisplayName("a PutDoc with If-Match version round trips with that version")
  void putDocIfMatch() {
    PutDoc put = new PutDoc(KEY, new JsonObject().put("x", 1), Precondition.ifMatch(12));

    PutDoc back = DocWire.putDoc(overTheWire(DocWire.toJson(put)));

    assertThat(back).isEqualTo(put);
    assertThat(back.precondition().ifMatchVersion()).isEqualTo(12L);
  }

  @Test
  @DisplayName("a PutDoc with If-Match: * round trips as mustExist")
  void putDocMustExist() {
    PutDoc put = new PutDoc(KEY, new JsonObject(), new Precondition(null, true, false));

    PutDoc back = DocWire.putDoc(overTheWire(DocWire.toJson(put)));

    assertThat(back.precondition()).isEqualTo(new Precondition(null, true, false));
  }

  @Test
  @DisplayName("a PutDoc with both mustExist and an If-Match version round trips with both")
  void putDocMustExistAndVersion() {
    PutDoc put = new PutDoc(KEY, new JsonObject(), new Precondition(4L, true, false));

    PutDoc back = DocWire.putDoc(overTheWire(DocWire.toJson(put)));

    assertThat(back.precondition()).isEqualTo(new Precondition(4L, true, false));
  }

  @Test
  @DisplayName("a PutDoc with If-None-Match: * round trips as mustNotExist")
  void putDocMustNotExist() {
    PutDoc put = new PutDoc(KEY, new JsonObject(), Precondition.ifNoneMatchAny());

    PutDoc back = DocWire.putDoc(overTheWire(DocWire.toJson(put)));

    assertThat(back.precondition()).isEqualTo(Precondition.ifNoneMatchAny());
  }

  @Test
  @DisplayName("a PutDoc whose precondition is absent or {} parses as NONE")
  void putDocPreconditionAbsentOrEmpty() {
    JsonObject base = DocWire.toJson(KEY).put("data", new JsonObject());

    assertThat(DocWire.putDoc(base.copy()).precondition()).isEqualTo(Precondition.NONE);
    assertThat(DocWire.putDoc(base.copy().put("precondition", new JsonObject())).precondition())
        .isEqualTo(Precondition.NONE);
  }

  @Test
  @DisplayName("a DeleteDoc round trips with no precondition, If-Match version and If-Match: *")
  void deleteDoc() {
    for (Precondition p :
        List.of(Precondition.NONE, Precondition.ifMatch(5), new Precondition(null, true, false))) {
      DeleteDoc delete = new DeleteDoc(KEY, p);

      assertThat(DocWire.deleteDoc(overTheWire(DocWire.toJson(delete)))).isEqualTo(delete);
    }
  }

  @Test
  @DisplayName("a ListDocs round trips with and without after")
  void listDocs() {
    ListDocs first = new ListDocs("users", 10, null);
    ListDocs next = new ListDocs("users", 1000, "alice");

    assertThat(DocWire.toJson(first).containsKey("after")).isFalse();
    assertThat(DocWire.listDocs(overTheWire(DocWire.toJson(first)))).isEqualTo(first);
    assertThat(DocWire.listDocs(overTheWire(DocWire.toJson(next)))).isEqualTo(next);
  }

  @Test
  @DisplayName("a ListDocs without limit parses with the default limit of 50")
  void listDocsDefaultLimit() {
    ListDocs parsed = DocWire.listDocs(new JsonObject().put("collection", "users"));

    assertThat(parsed.limit()).isEqualTo(ListDocs.DEFAULT_LIMIT).isEqualTo(50);
    assertThat(parsed.after()).isNull();
  }

  @Test
  @DisplayName("a DocPage round trips with items in order and a next cursor")
  void docPageWithNext() {
    DocPage page = new DocPage(List.of(doc("alice", 1), doc("bob", 2)), "bob");

    DocPage back = DocWire.docPage(overTheWire(DocWire.toJson(page)));

    assertThat(back).isEqualTo(page);
    assertThat(back.items()).extracting(d -> d.key().id()).containsExactly("alice", "bob");
  }

  @Test
  @DisplayName("the last DocPage round trips with next == null, and an empty page with no items")
  void docPageWithoutNext() {
    DocPage last = new DocPage(List.of(doc("carol", 3)), null);
    DocPage empty = new DocPage(List.of(), null);

    assertThat(DocWire.docPage(overTheWire(DocWire.toJson(last)))).isEqualTo(last);
    DocPage emptyBack = DocWire.docPage(overTheWire(DocWire.toJson(empty)));
    assertThat(emptyBack.items()).isEmpty();
    assertThat(emptyBack.next()).isNull();
  }

  @Test
  @DisplayName("a PutResult round trips both created and replaced")
  void putResult() {
    PutResult created = new PutResult(doc("alice", 1), true);
    PutResult replaced = new PutResult(doc("alice", 2), false);

    assertThat(DocWire.putResult(overTheWire(DocWire.toJson(created)))).isEqualTo(created);
    assertThat(DocWire.putResult(overTheWire(DocWire.toJson(replaced)))).isEqualTo(replaced);
  }

  @Test
  @DisplayName("a DeleteResult round trips with the version the delete took")
  void deleteResult() {
    DeleteResult result = new DeleteResult(KEY, 9);

    assertThat(DocWire.deleteResult(overTheWire(DocWire.toJson(result)))).isEqualTo(result);
  }

  @Test
  @DisplayName("a found Lookup round trips with its document")
  void lookupFound() {
    Lookup found = Lookup.found(doc("alice", 4));

    Lookup back = CacheWire.lookup(overTheWire(CacheWire.toJson(found)));

    assertThat(back).isEqualTo(found);
    assertThat(back.exists()).isTrue();
    assertThat(back.version()).isEqualTo(4L);
  }

  @Test
  @DisplayName(
      "an absent Lookup round trips at version 0 (never written) and at a delete's version")
  void lookupAbsent() {
    Lookup never = Lookup.absent(KEY, 0);
    Lookup deleted = Lookup.absent(KEY, 6);

    assertThat(CacheWire.toJson(never).containsKey("document")).isFalse();
    assertThat(CacheWire.lookup(overTheWire(CacheWire.toJson(never)))).isEqualTo(never);
    Lookup back = CacheWire.lookup(overTheWire(CacheWire.toJson(deleted)));
    assertThat(back).isEqualTo(deleted);
    assertThat(back.exists()).isFalse();
  }

  @Test
  @DisplayName(
      "a CacheLookup hit round trips (found or absent), the envelope text unchanged and unparsed")
  void cacheLookupHit() {
    CacheLookup hitFound = CacheLookup.of(Lookup.found(doc("alice", 2)));
    CacheLookup hitAbsent = CacheLookup.of(Lookup.absent(KEY, 3));

    assertThat(CacheWire.cacheLookup(overTheWire(CacheWire.toJson(hitFound)))).isEqualTo(hitFound);
    assertThat(CacheWire.toJson(hitFound).getValue("envelope"))
        .isEqualTo(DocWire.toJson(doc("alice", 2)).encode());
    assertThat(hitFound.document().document()).isEqualTo(doc("alice", 2));
    CacheLookup back = CacheWire.cacheLookup(overTheWire(CacheWire.toJson(hitAbsent)));
    assertThat(back.hit()).isTrue();
    assertThat(back).isEqualTo(hitAbsent);
  }

  @Test
  @DisplayName("a CacheLookup miss round trips as {hit:false}, and a missing hit field is a miss")
  void cacheLookupMiss() {
    JsonObject json = CacheWire.toJson(CacheLookup.MISS);

    assertThat(json).isEqualTo(new JsonObject().put("hit", false));
    assertThat(CacheWire.cacheLookup(overTheWire(json)).hit()).isFalse();
    assertThat(CacheWire.cacheLookup(new JsonObject()).hit()).isFalse();
  }

  @Test
  @DisplayName(
      "a MultiGet round trips with partial and encoded; a plain read's body has no encoded field")
  void multiGet() {
    KeyBatch keys = new KeyBatch("users", List.of("alice", "bob"));
    MultiGet encoded = new MultiGet(keys, true, true);
    MultiGet plain = new MultiGet(keys, false);

    assertThat(BatchWire.multiGet(overTheWire(BatchWire.toJson(encoded)))).isEqualTo(encoded);
    assertThat(BatchWire.toJson(plain).containsKey("encoded")).isFalse();
    assertThat(BatchWire.multiGet(overTheWire(BatchWire.toJson(plain)))).isEqualTo(plain);
  }

  @Test
  @DisplayName("CachedLookups round trip with the envelope text unchanged, character for character")
  void cachedLookups() {
    String text = DocWire.toJson(doc("alice", 2)).encode();
    CachedLookups held =
        new CachedLookups(java.util.Map.of("alice", text), java.util.Map.of("bob", 4L));

    CachedLookups back = CacheWire.cachedLookups(overTheWire(CacheWire.toJson(held)));

    assertThat(back).isEqualTo(held);
    assertThat(back.envelopes().get("alice")).isEqualTo(text);
    assertThat(back.holds("alice")).isTrue();
    assertThat(back.holds("bob")).isTrue();
    assertThat(back.holds("carol")).isFalse();
  }

  @Test
  @DisplayName(
      "an EncodedMultiGetResult round trips in the order asked, with missing ids and failed parts")
  void encodedMultiGetResult() {
    java.util.Map<String, String> found = new java.util.LinkedHashMap<>();
    found.put("zed", DocWire.toJson(doc("zed", 1)).encode());
    found.put("alice", DocWire.toJson(doc("alice", 2)).encode());
    EncodedMultiGetResult result =
        new EncodedMultiGetResult(
            found,
            List.of("bob"),
            List.of(
                new MultiGetResult.FailedPart(
                    List.of("carol"), ErrorCode.TIMEOUT, "part 2 of 2 failed")));

    EncodedMultiGetResult back =
        BatchWire.encodedMultiGetResult(overTheWire(BatchWire.toJson(result)));

    assertThat(back).isEqualTo(result);
    assertThat(back.found().keySet()).containsExactly("zed", "alice");
  }

  @ParameterizedTest(name = "cache status {0}")
  @EnumSource(ReadResult.CacheStatus.class)
  @DisplayName("a ReadResult round trips with every cache status")
  void readResult(ReadResult.CacheStatus status) {
    ReadResult result = new ReadResult(doc("alice", 5), status);

    JsonObject json = DocWire.toJson(result);

    assertThat(json.getString("cache")).isEqualTo(status.name());
    assertThat(json.getJsonObject("document")).isEqualTo(DocWire.toJson(doc("alice", 5)));
    assertThat(DocWire.readResult(overTheWire(json))).isEqualTo(result);
  }

  @ParameterizedTest(name = "cache status {0}")
  @EnumSource(ReadResult.CacheStatus.class)
  @DisplayName("an encoded ReadResult carries the envelope text as it is, and round trips")
  void encodedReadResult(ReadResult.CacheStatus status) {
    ReadResult result = new ReadResult(doc("alice", 5), status).answering(new ReadDoc(KEY, true));

    JsonObject json = DocWire.toJson(result);

    assertThat(json.getValue("envelope")).isEqualTo(DocWire.toJson(doc("alice", 5)).encode());
    assertThat(json.getLong("version")).isEqualTo(5L);
    assertThat(json.containsKey("document")).isFalse();
    assertThat(DocWire.readResult(overTheWire(json))).isEqualTo(result);
  }

  @Test
  @DisplayName("a ReadDoc round trips; a plain read's body is the key alone")
  void readDoc() {
    ReadDoc encoded = new ReadDoc(KEY, true);
    ReadDoc plain = new ReadDoc(KEY, false);

    assertThat(DocWire.readDoc(overTheWire(DocWire.toJson(encoded)))).isEqualTo(encoded);
    assertThat(DocWire.toJson(plain)).isEqualTo(DocWire.toJson(KEY));
    assertThat(DocWire.readDoc(overTheWire(DocWire.toJson(plain)))).isEqualTo(plain);
  }

  @Test
  @DisplayName("a change event carries op, collection, id, version and its position in the log")
  void changeEvent() {
    JsonObject event = ChangeWire.changeEvent("delete", KEY, 8, 17);

    assertThat(event)
        .isEqualTo(
            new JsonObject()
                .put("collection", "users")
                .put("id", "alice")
                .put("op", "delete")
                .put("version", 8L)
                .put("seq", 17L));
    assertThat(ChangeWire.docChange(overTheWire(event)))
        .isEqualTo(new DocChange("delete", KEY, 8, 17));
    JsonObject unnumbered = event.copy();
    unnumbered.remove("seq");
    assertThat(ChangeWire.docChange(overTheWire(unnumbered)).seq())
        .as("an event of a node that predates the numbered log")
        .isZero();
  }
}
