package dev.troupe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.BatchWire;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.EncodedMultiGetResult;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.MultiGetResult;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@code _mget} body written from envelope texts is the JSON the objects would have encoded to.
 */
@DisplayName("_mget response body")
class MgetBodyTest {
  private static Document doc(String id, JsonObject data) {
    return new Document(DocKey.of("notes", id), 2, Instant.parse("2026-01-01T00:00:00.5Z"), data);
  }

  @Test
  @DisplayName(
      "found envelopes are spliced in as they are, in order, and the body parses as the object form would")
  void sameJsonAsTheObjects() {
    Document plain = doc("b-1", new JsonObject().put("n", 1).put("tags", new JsonArray().add("x")));
    Document unicode =
        doc(
            "a-2",
            new JsonObject()
                .put("title", "Ça va \"ok\" \\ é 日本 \u2028 😀")
                .put("exact", new java.math.BigDecimal("0.1000000000000000055511151231257827")));
    Map<String, Document> docs = new LinkedHashMap<>();
    docs.put("b-1", plain);
    docs.put("a-2", unicode);
    Map<String, String> texts = new LinkedHashMap<>();
    docs.forEach((id, d) -> texts.put(id, DocWire.toJson(d).encode()));
    List<MultiGetResult.FailedPart> failed =
        List.of(
            new MultiGetResult.FailedPart(
                List.of("z-9"), ErrorCode.TIMEOUT, "part 2 of 2 failed: \"late\""));

    String body =
        BatchApi.mgetBody(new EncodedMultiGetResult(texts, List.of("m-3"), failed))
            .toString(StandardCharsets.UTF_8);

    JsonObject expected = BatchWire.toJson(new MultiGetResult(docs, List.of("m-3"), failed));
    assertThat(new JsonObject(body)).isEqualTo(expected);
    assertThat(new JsonObject(body).getJsonObject("found").fieldNames())
        .containsExactly("b-1", "a-2");
    assertThat(body)
        .as("the envelope text itself, not a re-encoding of it")
        .contains(texts.get("a-2"));
  }

  @Test
  @DisplayName(
      "a reply with documents as objects (a request-service of the build before) gives the same body")
  void objectsFromAnEarlierBuild() {
    Map<String, Document> docs = new LinkedHashMap<>();
    docs.put("b-1", doc("b-1", new JsonObject().put("n", 1)));
    docs.put("a-2", doc("a-2", new JsonObject().put("n", 2)));
    MultiGetResult result = new MultiGetResult(docs, List.of("m-3"), List.of());
    Map<String, String> texts = new LinkedHashMap<>();
    docs.forEach((id, d) -> texts.put(id, DocWire.toJson(d).encode()));

    EncodedMultiGetResult fromObjects =
        RequestContract.GET_MANY.reply().decode(BatchWire.toJson(result)).encoded();

    assertThat(fromObjects).isEqualTo(new EncodedMultiGetResult(texts, List.of("m-3"), List.of()));
    assertThat(RequestContract.GET_MANY.reply().decode(BatchWire.toJson(fromObjects)).encoded())
        .as("the text form passes as it is")
        .isEqualTo(fromObjects);
  }

  @Test
  @DisplayName(
      "without failed parts the body has no failed field; with nothing found, found is empty")
  void emptyParts() {
    String body =
        BatchApi.mgetBody(new EncodedMultiGetResult(Map.of(), List.of("a", "b"), List.of()))
            .toString(StandardCharsets.UTF_8);

    assertThat(body).isEqualTo("{\"found\":{},\"missing\":[\"a\",\"b\"]}");
  }
}
