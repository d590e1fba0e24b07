package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("DocKey validation")
class DocKeyTest {
  private static final String COLLECTION_64 = "a" + "b".repeat(63);
  private static final String ID_128 = "A".repeat(64) + "z9._~-".repeat(10) + "x".repeat(4);

  private static TroupeException badRequest(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(TroupeException.class);
    TroupeException e = (TroupeException) thrown;
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
    return e;
  }

  @ParameterizedTest(name = "collection \"{0}\"")
  @ValueSource(strings = {"a", "0", "users", "my-coll_2", "9lives", "a-", "a_"})
  @DisplayName("accepts lowercase collection names starting with a letter or digit")
  void validCollections(String collection) {
    assertThat(new DocKey(collection, "x").collection()).isEqualTo(collection);
  }

  @Test
  @DisplayName("accepts a collection of exactly 64 characters")
  void collectionOf64() {
    assertThat(COLLECTION_64).hasSize(64);

    assertThat(new DocKey(COLLECTION_64, "x").collection()).isEqualTo(COLLECTION_64);
  }

  @ParameterizedTest(name = "id \"{0}\"")
  @ValueSource(strings = {"a", "Z", "0", "A.b_c~d-e", "...", "a..b", ".a", "~", "-", "_"})
  @DisplayName("accepts ids of the URL-unreserved set, including dots other than . and ..")
  void validIds(String id) {
    assertThat(new DocKey("c", id).id()).isEqualTo(id);
  }

  @Test
  @DisplayName("accepts an id of exactly 128 characters")
  void idOf128() {
    assertThat(ID_128).hasSize(128);

    assertThat(new DocKey("c", ID_128).id()).isEqualTo(ID_128);
  }

  @ParameterizedTest(name = "collection \"{0}\"")
  @ValueSource(
      strings = {
        "troupe-",
        "troupe-jobs",
        "actor-",
        "actor-chat-room",
        "actor-chat-user",
        "chat-messages"
      })
  @DisplayName(
      "refuses the reserved collection names (troupe-*, actor-*, chat-messages) with FORBIDDEN, naming the rule")
  void reservedCollections(String collection) {
    for (ThrowingCallable call :
        new ThrowingCallable[] {
          () -> new DocKey(collection, "x"), () -> DocKey.requireCollection(collection),
          () -> new ListDocs(collection, 5, null),
              () -> new KeyBatch(collection, java.util.List.of("x"))
        }) {
      Throwable thrown = catchThrowable(call);
      assertThat(thrown).isInstanceOf(TroupeException.class);
      assertThat(((TroupeException) thrown).code()).isEqualTo(ErrorCode.FORBIDDEN);
      assertThat(thrown.getMessage()).contains("reserved").contains(collection);
    }
  }

  @ParameterizedTest(name = "collection \"{0}\"")
  @ValueSource(
      strings = {
        "troupe",
        "troupes",
        "actor",
        "actors",
        "chat-messages2",
        "chat",
        "my-troupe-x",
        "chat-rooms"
      })
  @DisplayName("names that only resemble the reserved ones stay open to documents")
  void nearlyReserved(String collection) {
    assertThat(new DocKey(collection, "x").collection()).isEqualTo(collection);
  }

  @ParameterizedTest(name = "collection \"{0}\"")
  @ValueSource(
      strings = {
        "Users", "uSers", "-users", "_users", "", "a b", " a", "a/b", "a.b", "café", "ü", "a\u0000",
        "users\n"
      })
  @DisplayName(
      "rejects collections with uppercase, a leading - or _, separators, unicode or spaces")
  void invalidCollections(String collection) {
    TroupeException e = badRequest(() -> new DocKey(collection, "x"));

    assertThat(e.getMessage()).startsWith("collection must match");
  }

  @Test
  @DisplayName("rejects a collection of 65 characters")
  void collectionOf65() {
    TroupeException e = badRequest(() -> new DocKey(COLLECTION_64 + "c", "x"));

    assertThat(e.getMessage()).startsWith("collection must match");
  }

  @ParameterizedTest(name = "id \"{0}\"")
  @ValueSource(
      strings = {"", ".", "..", "a/b", "/", "a b", " a", "é", "日本", "a?b", "a%20b", "a#b", "a\tb"})
  @DisplayName(
      "rejects empty, . and .., slashes, spaces, unicode and reserved URL characters in ids")
  void invalidIds(String id) {
    TroupeException e = badRequest(() -> new DocKey("c", id));

    assertThat(e.getMessage()).startsWith("id must be 1 to 128 characters");
  }

  @Test
  @DisplayName("rejects an id of 129 characters")
  void idOf129() {
    TroupeException e = badRequest(() -> new DocKey("c", ID_128 + "a"));

    assertThat(e.getMessage()).startsWith("id must be 1 to 128 characters");
  }

  @Test
  @DisplayName("rejects a null collection as BAD_REQUEST saying it got nothing")
  void nullCollection() {
    TroupeException e = badRequest(() -> new DocKey(null, "x"));

    assertThat(e.getMessage()).startsWith("collection").endsWith("got nothing");
  }

  @Test
  @DisplayName("rejects a null id as BAD_REQUEST saying it got nothing")
  void nullId() {
    TroupeException e = badRequest(() -> new DocKey("c", null));

    assertThat(e.getMessage()).startsWith("id").endsWith("got nothing");
  }

  @Test
  @DisplayName("error messages replace control characters instead of echoing them")
  void noControlCharactersInMessages() {
    String hostile = "x\r\nX-Injected: 1\u0000\u001b[31m\t\u007f";

    TroupeException onCollection = badRequest(() -> new DocKey(hostile, "x"));
    TroupeException onId = badRequest(() -> new DocKey("c", hostile));

    for (TroupeException e : new TroupeException[] {onCollection, onId}) {
      assertThat(e.getMessage()).doesNotContainPattern("\\p{Cntrl}");
      assertThat(e.getMessage()).contains("x??X-Injected: 1??[31m??");
    }
  }

  @Test
  @DisplayName("error messages cut a very long bad value instead of echoing all of it")
  void longValuesAreCut() {
    String huge = "/".repeat(10_000);

    TroupeException e = badRequest(() -> new DocKey("c", huge));

    assertThat(e.getMessage()).hasSizeLessThan(300).endsWith("...\"");
  }

  @Test
  @DisplayName("toString and asString are collection/id")
  void stringForm() {
    DocKey key = DocKey.of("users", "alice.v2");

    assertThat(key.toString()).isEqualTo("users/alice.v2");
    assertThat(key.asString()).isEqualTo("users/alice.v2");
  }

  @Test
  @DisplayName("the static checks return the value they accept")
  void requireReturnsValue() {
    assertThat(DocKey.requireCollection("users")).isEqualTo("users");
    assertThat(DocKey.requireId("alice")).isEqualTo("alice");
    assertThatThrownBy(() -> DocKey.requireId("..")).isInstanceOf(TroupeException.class);
  }

  @Test
  @DisplayName("the character checks accept exactly what the documented patterns accept")
  void checksMatchTheDocumentedPatterns() {
    java.util.regex.Pattern collection =
        java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    java.util.regex.Pattern id = java.util.regex.Pattern.compile("[A-Za-z0-9._~-]{1,128}");
    String valid = "az09_-";
    String any = "aAzZ09_-.~/ %\u00e9\u0000\n";
    java.util.Random random = new java.util.Random(42);
    for (int n = 0; n < 200_000; n++) {
      int length = n % 50 == 0 ? 60 + random.nextInt(75) : random.nextInt(6);
      String alphabet = n % 4 < 2 ? valid : any;
      StringBuilder sb = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      assertThat(DocKey.isCollection(s))
          .as("collection %s", s)
          .isEqualTo(collection.matcher(s).matches());
      assertThat(DocKey.isId(s)).as("id %s", s).isEqualTo(id.matcher(s).matches());
    }
    assertThat(DocKey.isCollection(null)).isFalse();
    assertThat(DocKey.isId(null)).isFalse();
  }
}
