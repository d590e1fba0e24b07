package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hand-built JSON from other languages: every wrong shape is a BAD_REQUEST whose message names the
 * field.
 */
@DisplayName("Wire strict parsing")
class WireStrictParsingTest {

  private static JsonObject key() {
    return new JsonObject().put("collection", "users").put("id", "alice");
  }

  private static JsonObject envelope() {
    return DocWire.toJson(
        new Document(
            DocKey.of("users", "alice"),
            3,
            Instant.parse("2024-01-01T00:00:00Z"),
            new JsonObject().put("x", 1)));
  }

  private static Arguments bad(
      String what, Function<JsonObject, ?> parser, JsonObject json, String message) {
    return Arguments.of(what, parser, json, message);
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        bad(
            "version as a string",
            DocWire::document,
            envelope().put("version", "3"),
            "version must be an integer"),
        bad(
            "version with a fraction",
            DocWire::document,
            envelope().put("version", 3.5),
            "version must be an integer"),
        bad(
            "version missing",
            DocWire::document,
            removed(envelope(), "version"),
            "version must be an integer"),
        bad(
            "updatedAt not an instant",
            DocWire::document,
            envelope().put("updatedAt", "yesterday"),
            "updatedAt must be an ISO-8601 instant"),
        bad(
            "updatedAt as a number",
            DocWire::document,
            envelope().put("updatedAt", 17),
            "updatedAt must be a string"),
        bad(
            "envelope data as an array",
            DocWire::document,
            envelope().put("data", new JsonArray().add(1)),
            "data must be a JSON object"),
        bad(
            "put data as an array",
            DocWire::putDoc,
            key().put("data", new JsonArray().add(1)),
            "data must be a JSON object"),
        bad(
            "put data as a string",
            DocWire::putDoc,
            key().put("data", "{}"),
            "data must be a JSON object"),
        bad("put data missing", DocWire::putDoc, key(), "data must be a JSON object"),
        bad(
            "collection missing",
            DocWire::docKey,
            removed(key(), "collection"),
            "collection must be a string"),
        bad(
            "collection as a number",
            DocWire::docKey,
            key().put("collection", 5),
            "collection must be a string"),
        bad(
            "collection invalid",
            DocWire::docKey,
            key().put("collection", "Users"),
            "collection must match"),
        bad("id missing", DocWire::docKey, removed(key(), "id"), "id must be a string"),
        bad(
            "id as an object",
            DocWire::docKey,
            key().put("id", new JsonObject()),
            "id must be a string"),
        bad(
            "precondition as a string",
            DocWire::putDoc,
            key().put("data", new JsonObject()).put("precondition", "*"),
            "precondition must be an object"),
        bad(
            "ifMatch as a string",
            DocWire::putDoc,
            key()
                .put("data", new JsonObject())
                .put("precondition", new JsonObject().put("ifMatch", "3")),
            "ifMatch must be an integer"),
        bad(
            "mustExist as a string",
            DocWire::putDoc,
            key()
                .put("data", new JsonObject())
                .put("precondition", new JsonObject().put("mustExist", "true")),
            "mustExist must be a boolean"),
        bad(
            "mustNotExist as a number",
            DocWire::deleteDoc,
            key().put("precondition", new JsonObject().put("mustNotExist", 1)),
            "mustNotExist must be a boolean"),
        bad(
            "mustNotExist combined with ifMatch",
            DocWire::putDoc,
            key()
                .put("data", new JsonObject())
                .put("precondition", new JsonObject().put("ifMatch", 2).put("mustNotExist", true)),
            "If-None-Match"),
        bad(
            "mustNotExist on delete",
            DocWire::deleteDoc,
            key().put("precondition", new JsonObject().put("mustNotExist", true)),
            "If-None-Match"),
        bad(
            "list collection missing",
            DocWire::listDocs,
            new JsonObject().put("limit", 5),
            "collection must be a string"),
        bad(
            "list limit 0",
            DocWire::listDocs,
            new JsonObject().put("collection", "c").put("limit", 0),
            "limit must be between 1 and 1000"),
        bad(
            "list limit 1001",
            DocWire::listDocs,
            new JsonObject().put("collection", "c").put("limit", 1001),
            "limit must be between 1 and 1000"),
        bad(
            "list limit negative",
            DocWire::listDocs,
            new JsonObject().put("collection", "c").put("limit", -1),
            "limit must be between 1 and 1000"),
        bad(
            "list limit 1.5",
            DocWire::listDocs,
            new JsonObject().put("collection", "c").put("limit", 1.5),
            "limit must be an integer"),
        bad(
            "list limit as a string",
            DocWire::listDocs,
            new JsonObject().put("collection", "c").put("limit", "10"),
            "limit must be an integer"),
        bad(
            "list after as a number",
            DocWire::listDocs,
            new JsonObject().put("collection", "c").put("after", 3),
            "after must be a string"),
        bad(
            "page items missing",
            DocWire::docPage,
            new JsonObject().put("next", "x"),
            "items must be an array"),
        bad(
            "put result created as a string",
            DocWire::putResult,
            new JsonObject().put("document", envelope()).put("created", "yes"),
            "created must be a boolean"),
        bad(
            "put result document missing",
            DocWire::putResult,
            new JsonObject().put("created", true),
            "document must be a JSON object"),
        bad(
            "delete result version as a string",
            DocWire::deleteResult,
            key().put("version", "4"),
            "version must be an integer"),
        bad(
            "absent lookup without version",
            CacheWire::lookup,
            key(),
            "version must be an integer"),
        bad(
            "cache lookup hit as a string",
            CacheWire::cacheLookup,
            new JsonObject().put("hit", "true"),
            "hit must be a boolean"),
        bad(
            "cache lookup hit without version",
            CacheWire::cacheLookup,
            new JsonObject().put("hit", true),
            "version must be an integer"),
        bad(
            "cache lookup envelope as an object",
            CacheWire::cacheLookup,
            new JsonObject().put("hit", true).put("version", 2).put("envelope", envelope()),
            "envelope must be a string"),
        bad(
            "cache lookup document at version 0",
            CacheWire::cacheLookup,
            new JsonObject().put("hit", true).put("version", 0).put("envelope", "{}"),
            "version must be >= 1, got 0"),
        bad(
            "read result unknown cache status",
            DocWire::readResult,
            new JsonObject().put("document", envelope()).put("cache", "WARM"),
            "cache must be HIT, MISS or BYPASS"),
        bad(
            "read result cache missing",
            DocWire::readResult,
            new JsonObject().put("document", envelope()),
            "cache must be a string"),
        bad(
            "read result document as an array",
            DocWire::readResult,
            new JsonObject().put("document", new JsonArray()).put("cache", "HIT"),
            "document must be a JSON object"),
        bad(
            "multi get encoded as a string",
            BatchWire::multiGet,
            new JsonObject()
                .put("collection", "c")
                .put("ids", new JsonArray().add("a"))
                .put("encoded", "true"),
            "encoded must be a boolean"),
        bad(
            "cached lookups envelope as an object",
            CacheWire::cachedLookups,
            new JsonObject()
                .put("envelopes", new JsonObject().put("a", envelope()))
                .put("absent", new JsonObject()),
            "a must be a string"),
        bad(
            "cached lookups without absent",
            CacheWire::cachedLookups,
            new JsonObject().put("envelopes", new JsonObject()),
            "absent must be a JSON object"),
        bad(
            "cached lookups negative absent version",
            CacheWire::cachedLookups,
            new JsonObject()
                .put("envelopes", new JsonObject())
                .put("absent", new JsonObject().put("b", -1)),
            "absent.b must be a version >= 0"),
        bad(
            "encoded result envelope as an object",
            BatchWire::encodedMultiGetResult,
            new JsonObject()
                .put("found", new JsonObject().put("a", envelope()))
                .put("missing", new JsonArray()),
            "a must be a string"));
  }

  private static JsonObject removed(JsonObject json, String field) {
    json.remove(field);
    return json;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  @DisplayName("malformed JSON fails with BAD_REQUEST naming the field")
  void rejects(String what, Function<JsonObject, ?> parser, JsonObject json, String message) {
    ThrowingCallable parse = () -> parser.apply(json);

    assertThatThrownBy(parse)
        .isInstanceOfSatisfying(
            TroupeException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessageContaining(message);
  }
}
