package dev.troupe.shared.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.actor.ActorContract;
import dev.troupe.shared.actor.ActorId;
import dev.troupe.shared.bus.Action;
import dev.troupe.shared.bus.Bus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Holds the AsyncAPI document of the bus ({@code
 * shared/src/main/resources/asyncapi/troupe-bus.yaml}) to the Java contracts: every address and
 * action constant is documented and nothing documented is stale, every error code is listed, the
 * bodies the family wire classes ({@link DocWire}, {@link JobWire}, ...) produce match the schemas,
 * and {@code docs/bus.md} is the page rendered from the document.
 */
@DisplayName("The bus contract document (AsyncAPI)")
class BusContractDocumentTest {
  /** Set to true to rewrite docs/bus.md from the document instead of failing when it is stale. */
  static final String WRITE_PROPERTY = "troupe.writeBusDoc";

  private static final Path PAGE = Path.of("..", "docs", "bus.md");
  private static final DocKey KEY = DocKey.of("books", "dune");
  private static final Document DOC =
      new Document(
          KEY,
          3,
          Instant.parse("2026-01-31T12:00:00.123Z"),
          new JsonObject().put("title", "Dune").put("year", 1965));
  private static final JobStatus JOB =
      new JobStatus(
          "0123456789abcdef0123456789abcdef",
          JobsContract.IMPORT,
          "books",
          JobStatus.RUNNING,
          40,
          100L,
          2,
          Instant.parse("2026-01-31T12:00:00Z"),
          Instant.parse("2026-01-31T12:00:01Z"),
          null,
          null);

  private static JsonObject doc;

  @BeforeAll
  static void load() {
    doc = BusDocMarkdown.load();
  }

  // ---- addresses and actions ------------------------------------------------------------------

  /**
   * Addresses with a part that varies, not constants: each documented template (AsyncAPI channel
   * parameters in braces) and how the Java contract builds the address from a sample value.
   */
  private static final Map<String, UnaryOperator<String>> PARAMETERISED =
      Map.of(
          "troupe.actor.v1.{member}",
          member -> ActorContract.hostAddress(UUID.fromString(member)),
          "troupe.chat.v1.user.{user}",
          ChatContract::userAddress,
          "troupe.chat.v1.stream.{stream}",
          ChatContract::streamAddress,
          "troupe.jobs.type.v1.{type}",
          JobTypeContract::address);

  private static final Map<String, String> PARAMETER_SAMPLES =
      Map.of(
          "member",
          "5f0c3a52-8d1e-4c1b-9a4e-2b7d9e0f1a23",
          "user",
          "alice",
          "stream",
          "7d3e2a10-4b5c-4f6e-8a9b-0c1d2e3f4a5b",
          "type",
          "thumbnail");

  /**
   * String constants of contracts that are neither addresses nor actions: values of a field,
   * checked against the schema that enumerates them instead.
   */
  private static final Map<Class<?>, Set<String>> NOT_ACTIONS =
      Map.of(
          JobsContract.class,
          Set.of(JobsContract.IMPORT, JobsContract.EXPORT, JobsContract.WARMUP),
          ChatContract.class,
          Set.of(ChatContract.STREAM_FRAME, ChatContract.STREAM_CLOSE, ChatContract.STREAM_REASON));

  @Test
  @DisplayName(
      "every address constant of the contracts is a channel, and every channel is an address constant")
  void addressesMatch() throws Exception {
    Set<String> constants = new TreeSet<>(contracts().keySet());
    constants.addAll(eventAddresses());
    constants.addAll(PARAMETERISED.keySet());
    Set<String> documented = channelsByAddress().keySet();
    assertThat(constants)
        .as("the scan found the contracts")
        .contains(RequestContract.ADDRESS, DocEvents.ADDRESS);
    assertThat(minus(constants, documented))
        .as("addresses in shared but not in troupe-bus.yaml")
        .isEmpty();
    assertThat(minus(documented, constants))
        .as("channels in troupe-bus.yaml that no contract defines")
        .isEmpty();
  }

  @Test
  @DisplayName(
      "a parameterised channel declares its parameters and is the address its contract builds")
  void parameterisedChannelsMatchTheirContracts() {
    Map<String, String> channels = channelsByAddress();
    PARAMETERISED.forEach(
        (template, build) -> {
          assertThat(channels).as("a channel with the address %s", template).containsKey(template);
          JsonObject channel = doc.getJsonObject("channels").getJsonObject(channels.get(template));
          Set<String> inBraces = new TreeSet<>();
          java.util.regex.Matcher m =
              java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(template);
          while (m.find()) {
            inBraces.add(m.group(1));
          }
          assertThat(inBraces).as(template).hasSize(1);
          assertThat(channel.getJsonObject("parameters", new JsonObject()).fieldNames())
              .as(template)
              .isEqualTo(inBraces);
          String name = inBraces.iterator().next();
          String sample = PARAMETER_SAMPLES.get(name);
          assertThat(build.apply(sample))
              .as(template)
              .isEqualTo(template.replace("{" + name + "}", sample));
        });
    assertThat(ActorContract.hostAddress(UUID.fromString(PARAMETER_SAMPLES.get("member"))))
        .startsWith(ActorContract.ADDRESS_PREFIX);
  }

  @Test
  @DisplayName(
      "values that are not actions (job types) are the enum of the schema that carries them")
  void nonActionConstantsAreDocumentedValues() {
    JsonArray types =
        doc.getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject("BuiltInJobType")
            .getJsonArray("enum");
    assertThat(new TreeSet<>(types.getList()))
        .isEqualTo(new TreeSet<>(NOT_ACTIONS.get(JobsContract.class)));
  }

  @Test
  @DisplayName(
      "every action constant is an operation of its address, every operation an action constant or ping")
  void actionsMatch() throws Exception {
    Map<String, String> channels = channelsByAddress();
    Map<String, Class<?>> contracts = new TreeMap<>(contracts());
    contracts.put("troupe.actor.v1.{member}", ActorContract.class);
    contracts.put("troupe.jobs.type.v1.{type}", JobTypeContract.class);
    for (Map.Entry<String, Class<?>> contract : contracts.entrySet()) {
      String channel = channels.get(contract.getKey());
      Set<String> constants = actionConstants(contract.getValue());
      Set<String> documented = actionsOf(channel);
      boolean service = !contract.getValue().equals(DocEvents.class);
      if (service) {
        constants.add(Bus.PING);
      }
      assertThat(minus(constants, documented))
          .as("actions of %s missing from troupe-bus.yaml", contract.getKey())
          .isEmpty();
      assertThat(minus(documented, constants))
          .as(
              "operations of %s that %s does not define",
              contract.getKey(), contract.getValue().getSimpleName())
          .isEmpty();
    }
  }

  @Test
  @DisplayName(
      "a contract's declared actions are on its address, all in its ACTIONS list, ping among them")
  void declaredActionsAreOnTheirAddress() throws Exception {
    Map<String, String> channels = channelsByAddress();
    int declaring = 0;
    for (Map.Entry<String, Class<?>> contract : contracts().entrySet()) {
      List<Action<?, ?>> declared = declaredActions(contract.getValue());
      if (declared.isEmpty()) {
        continue;
      }
      declaring++;
      Set<String> documented = actionsOf(channels.get(contract.getKey()));
      for (Action<?, ?> action : declared) {
        assertThat(action.address()).as("%s", action).isEqualTo(contract.getKey());
        assertThat(documented).as("operations of %s", contract.getKey()).contains(action.name());
      }
      List<Object> list = List.copyOf((List<?>) contract.getValue().getField("ACTIONS").get(null));
      assertThat(list)
          .as("%s.ACTIONS", contract.getValue().getSimpleName())
          .containsExactlyInAnyOrderElementsOf(List.<Object>copyOf(declared));
      assertThat(declared).extracting(Action::name).as("names").doesNotHaveDuplicates();
      assertThat(declared).extracting(Action::name).contains(Bus.PING);
    }
    assertThat(declaring).as("contracts that declare their actions").isPositive();
    // The actor hosts' address varies by member: ask is declared on the channel's template.
    assertThat(ActorContract.ASK.address()).isIn(channels.keySet());
    assertThat(actionsOf(channels.get(ActorContract.ASK.address())))
        .contains(ActorContract.ASK.name());
    assertThat(ActorContract.askOn(UUID.fromString(PARAMETER_SAMPLES.get("member"))).address())
        .isEqualTo(ActorContract.hostAddress(UUID.fromString(PARAMETER_SAMPLES.get("member"))));
    // So are a user job type's handlers: describe is declared on the channel's template too.
    assertThat(JobTypeContract.DESCRIBE.address()).isIn(channels.keySet());
    assertThat(actionsOf(channels.get(JobTypeContract.DESCRIBE.address())))
        .contains(JobTypeContract.DESCRIBE.name());
    assertThat(JobTypeContract.describeOn(PARAMETER_SAMPLES.get("type")).address())
        .isEqualTo(JobTypeContract.address(PARAMETER_SAMPLES.get("type")));
  }

  @Test
  @DisplayName(
      "the check sees an undocumented action: a contract class with one more constant fails it")
  void checkCatchesAnUndocumentedAction() throws Exception {
    Set<String> withExtra = actionConstants(Extended.class);
    withExtra.add(Bus.PING);
    assertThat(minus(withExtra, actionsOf("request"))).containsExactly("archive");
  }

  /** A stand-in for a contract that gained an action nobody documented. */
  static final class Extended {
    public static final String ADDRESS = RequestContract.ADDRESS;
    public static final String GET = RequestContract.GET.name();
    public static final String PUT = RequestContract.PUT.name();
    public static final String DELETE = RequestContract.DELETE.name();
    public static final String LIST = RequestContract.LIST.name();
    public static final String GET_MANY = RequestContract.GET_MANY.name();
    public static final String PUT_MANY = RequestContract.PUT_MANY.name();
    public static final String ARCHIVE = "archive";
  }

  @Test
  @DisplayName("each operation's message header names its action, and every $ref resolves")
  void operationsAreWellFormed() {
    JsonObject operations = doc.getJsonObject("operations");
    for (String name : operations.fieldNames()) {
      JsonObject operation = operations.getJsonObject(name);
      String action = operation.getString("x-troupe-action");
      JsonObject message =
          BusDocMarkdown.resolve(
              doc,
              BusDocMarkdown.resolve(
                      doc, operation.getJsonArray("messages").getJsonObject(0).getString("$ref"))
                  .getString("$ref"));
      assertThat(message.getJsonObject("payload").getString("$ref")).as(name).isNotNull();
      if (action != null) {
        JsonObject headers =
            BusDocMarkdown.resolve(doc, message.getJsonObject("headers").getString("$ref"));
        assertThat(headers.getJsonObject("properties").getJsonObject(Bus.ACTION).getString("const"))
            .as(name)
            .isEqualTo(action);
        assertThat(name).isEqualTo(channelOf(operation) + "." + action);
      }
      if (operation.containsKey("reply")) {
        JsonObject reply =
            BusDocMarkdown.resolve(
                doc,
                operation
                    .getJsonObject("reply")
                    .getJsonArray("messages")
                    .getJsonObject(0)
                    .getString("$ref"));
        BusDocMarkdown.resolve(doc, reply.getJsonObject("payload").getString("$ref"));
      }
    }
  }

  // ---- error codes ----------------------------------------------------------------------------

  @Test
  @DisplayName(
      "every ErrorCode is listed with its number, nothing else is, and operations name only listed codes")
  void errorCodesMatch() {
    Map<String, Integer> documented = new TreeMap<>();
    for (Object e : doc.getJsonArray("x-troupe-errors")) {
      JsonObject error = (JsonObject) e;
      assertThat(documented.put(error.getString("name"), error.getInteger("code")))
          .as("listed twice")
          .isNull();
      assertThat(error.getInteger("httpStatus")).as(error.getString("name")).isBetween(400, 599);
    }
    Map<String, Integer> codes =
        Arrays.stream(ErrorCode.values())
            .collect(Collectors.toMap(ErrorCode::name, ErrorCode::code, (a, b) -> a, TreeMap::new));
    assertThat(documented).isEqualTo(codes);
    JsonObject operations = doc.getJsonObject("operations");
    for (String name : operations.fieldNames()) {
      for (Object code :
          operations.getJsonObject(name).getJsonArray("x-troupe-errors", new JsonArray())) {
        assertThat(codes).as("%s names an unknown error code", name).containsKey((String) code);
      }
    }
  }

  // ---- schemas against the JSON mapping -------------------------------------------------------

  @Test
  @DisplayName(
      "the bodies Wire writes for every request, reply and event validate against their schemas")
  void wireBodiesValidate() {
    Map<String, List<JsonObject>> samples = samples();
    Set<String> schemas = doc.getJsonObject("components").getJsonObject("schemas").fieldNames();
    assertThat(schemas).containsAll(samples.keySet());
    samples.forEach(
        (schema, bodies) ->
            bodies.forEach(
                body -> {
                  OutputUnit result = validator(schema).validate(body);
                  assertThat(result.getValid())
                      .as("%s: %s\n%s", schema, body.encode(), result.toString())
                      .isTrue();
                }));
  }

  @Test
  @DisplayName("bodies that Wire refuses break the schemas too: the schemas are not vacuous")
  void badBodiesFail() {
    List<Map.Entry<String, JsonObject>> bad =
        List.of(
            Map.entry("DocKey", new JsonObject().put("collection", "books")),
            Map.entry("DocKey", new JsonObject().put("collection", "Books").put("id", "dune")),
            Map.entry("DocKey", DocWire.toJson(KEY).put("extra", 1)),
            Map.entry("PutDoc", DocWire.toJson(KEY).put("data", "not an object")),
            Map.entry("ListDocs", new JsonObject().put("collection", "books").put("limit", 1001)),
            Map.entry("Document", DocWire.toJson(DOC).put("version", 0)),
            Map.entry("ChangeEvent", ChangeWire.changeEvent("upsert", KEY, 1, 1)),
            Map.entry(
                "ReadResult",
                new JsonObject().put("document", DocWire.toJson(DOC)).put("cache", "WARM")),
            Map.entry("JobStatus", JobWire.toJson(JOB).put("id", "not-a-job-id")),
            Map.entry("JobStatus", JobWire.toJson(JOB).put("state", "paused")),
            Map.entry("JobStatus", JobWire.toJson(JOB).put("type", "Thumbnail")),
            Map.entry(
                "JobTypeInfo",
                new JsonObject().put("type", "thumbnail").put("inputs", new JsonArray())),
            Map.entry(
                "CreateJob",
                JobWire.toJson(new CreateJob("thumbnail", "photos")).put("input", "csv")),
            Map.entry(
                "ChunkUpload",
                JobWire.toJson(new ChunkUpload(JOB.id(), 0, 1, 1, "{}\n")).put("seq", -1)),
            Map.entry(
                "ChatPost",
                new JsonObject().put("room", "lobby").put("from", "alice").put("text", "   ")),
            Map.entry(
                "ChatMembership",
                new JsonObject()
                    .put("room", "x".repeat(ChatContract.MAX_ROOM + 1))
                    .put("user", "alice")),
            Map.entry(
                "ChatReadMarker",
                new JsonObject().put("room", "lobby").put("user", "alice").put("seq", -1)),
            Map.entry(
                "ChatMembersQuery",
                new JsonObject().put("room", "lobby").put("user", "alice").put("limit", 0)),
            Map.entry(
                "ChatStreamEvent",
                new JsonObject()
                    .put("user", "alice")
                    .put("node", "n")
                    .put("member", "x")
                    .put("stream", "y")),
            Map.entry("ActorEnvelope", new JsonObject().put("type", "room").put("key", "lobby")));
    bad.forEach(
        entry ->
            assertThat(validator(entry.getKey()).validate(entry.getValue()).getValid())
                .as("%s accepted %s", entry.getKey(), entry.getValue().encode())
                .isFalse());
    for (String refused :
        List.of("{\"collection\":\"books\"}", "{\"collection\":\"Books\",\"id\":\"dune\"}")) {
      JsonObject body = new JsonObject(refused);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> DocWire.docKey(body))
          .isInstanceOf(TroupeException.class);
      assertThat(validator("DocKey").validate(body).getValid()).isFalse();
    }
  }

  private static Map<String, List<JsonObject>> samples() {
    Map<String, List<JsonObject>> s = new LinkedHashMap<>();
    PutDoc put = new PutDoc(KEY, DOC.data(), Precondition.ifMatch(2));
    PutResult putResult = new PutResult(DOC, false);
    s.put("DocKey", List.of(DocWire.toJson(KEY)));
    s.put(
        "ReadDoc",
        List.of(DocWire.toJson(new ReadDoc(KEY, true)), DocWire.toJson(new ReadDoc(KEY, false))));
    s.put(
        "PutDoc",
        List.of(
            DocWire.toJson(put),
            DocWire.toJson(new PutDoc(KEY, new JsonObject(), Precondition.ifNoneMatchAny())),
            DocWire.toJson(
                new PutDoc(KEY, new JsonObject(), new Precondition(null, true, false)))));
    s.put(
        "DeleteDoc",
        List.of(
            DocWire.toJson(new DeleteDoc(KEY, null)),
            DocWire.toJson(new DeleteDoc(KEY, Precondition.ifMatch(3)))));
    s.put(
        "ListDocs",
        List.of(
            DocWire.toJson(new ListDocs("books", 10, null)),
            DocWire.toJson(new ListDocs("books", 1000, "dune"))));
    KeyBatch batch = new KeyBatch("books", List.of("dune", "emma"));
    s.put("KeyBatch", List.of(BatchWire.toJson(batch)));
    s.put(
        "MultiGet",
        List.of(
            BatchWire.toJson(new MultiGet(batch, true)),
            BatchWire.toJson(new MultiGet(batch, false)),
            BatchWire.toJson(new MultiGet(batch, false, true))));
    s.put(
        "PutMany",
        List.of(
            BatchWire.toJson(
                new PutMany(
                    "books",
                    List.of(
                        new PutMany.Item("dune", DOC.data(), null),
                        new PutMany.Item(
                            "emma", new JsonObject(), Precondition.ifNoneMatchAny()))))));
    s.put(
        "TakeTokens",
        List.of(
            RateLimitWire.toJson(
                new TakeTokens(2.5, 10, List.of(new TokenDemand("key:a", 1, 4, 0))))));
    s.put("Document", List.of(DocWire.toJson(DOC)));
    s.put(
        "ReadResult",
        List.of(
            DocWire.toJson(new ReadResult(DOC, ReadResult.CacheStatus.HIT)),
            DocWire.toJson(new ReadResult(DOC, ReadResult.CacheStatus.BYPASS)),
            DocWire.toJson(new ReadResult(StoredDoc.of(DOC), ReadResult.CacheStatus.HIT, true))));
    s.put("PutResult", List.of(DocWire.toJson(putResult)));
    s.put("DeleteResult", List.of(DocWire.toJson(new DeleteResult(KEY, 4))));
    s.put(
        "DocPage",
        List.of(
            DocWire.toJson(new DocPage(List.of(DOC), "dune")),
            DocWire.toJson(new DocPage(List.of(), null))));
    s.put(
        "MultiGetResult",
        List.of(
            BatchWire.toJson(new MultiGetResult(Map.of("dune", DOC), List.of("emma"), List.of())),
            BatchWire.toJson(
                new MultiGetResult(
                    Map.of(),
                    List.of(),
                    List.of(
                        new MultiGetResult.FailedPart(
                            List.of("emma"), ErrorCode.TIMEOUT, "part 1 of 1 failed"))))));
    s.put(
        "EncodedMultiGetResult",
        List.of(
            BatchWire.toJson(
                new EncodedMultiGetResult(
                    Map.of("dune", DocWire.toJson(DOC).encode()), List.of("emma"), List.of())),
            BatchWire.toJson(
                new EncodedMultiGetResult(
                    Map.of(),
                    List.of(),
                    List.of(
                        new MultiGetResult.FailedPart(
                            List.of("emma"), ErrorCode.TIMEOUT, "part 1 of 1 failed"))))));
    s.put(
        "CachedLookups",
        List.of(
            CacheWire.toJson(
                new CachedLookups(
                    Map.of("dune", DocWire.toJson(DOC).encode()), Map.of("emma", 3L)))));
    s.put("PutManyResult", List.of(BatchWire.toJson(new PutManyResult(List.of(putResult)))));
    Lookup found = Lookup.found(DOC);
    Lookup absent = Lookup.absent(KEY, 0);
    s.put("Lookup", List.of(CacheWire.toJson(found), CacheWire.toJson(absent)));
    s.put("LookupBatch", List.of(BatchWire.toJson(new LookupBatch(List.of(found, absent)))));
    s.put(
        "CacheLookup",
        List.of(
            CacheWire.toJson(CacheLookup.of(found)),
            CacheWire.toJson(CacheLookup.of(absent)),
            CacheWire.toJson(CacheLookup.MISS)));
    s.put("TokenGrants", List.of(RateLimitWire.toJson(List.of(new TokenGrant("key:a", 5, 4.5)))));
    s.put(
        "ChangeEvent",
        List.of(
            ChangeWire.changeEvent("put", KEY, 1, 41),
            ChangeWire.toJson(new DocChange(DocChange.DELETE, KEY, 2, 42))));
    JobStatus receiving =
        new JobStatus(
            JOB.id(),
            JobsContract.IMPORT,
            "books",
            JobStatus.RECEIVING,
            0,
            null,
            0,
            JOB.createdAt(),
            null,
            null,
            null);
    JobStatus failed =
        new JobStatus(
            JOB.id(),
            JobsContract.EXPORT,
            "books",
            JobStatus.FAILED,
            10,
            20L,
            0,
            JOB.createdAt(),
            JOB.startedAt(),
            Instant.parse("2026-01-31T12:01:00Z"),
            "chunk 0: boom");
    s.put(
        "JobStatus",
        List.of(JobWire.toJson(JOB), JobWire.toJson(receiving), JobWire.toJson(failed)));
    s.put(
        "ChunkUpload",
        List.of(
            JobWire.toJson(
                new ChunkUpload(JOB.id(), 0, 1, 2, "{\"id\":\"a\"}\n{\"id\":\"b\"}\n"))));
    JobChunk page = new JobChunk(JOB.id(), JobsContract.EXPORT, "books", 0, 0, 0, "", 1);
    s.put(
        "JobChunk",
        List.of(
            JobWire.toJson(page),
            JobWire.toJson(
                new JobChunk(JOB.id(), JobsContract.IMPORT, "books", 3, 301, 100, "{}\n", 2))));
    s.put(
        "ClaimedChunk",
        List.of(JobWire.toJson(new ClaimedChunk(page)), JobWire.toJson(ClaimedChunk.NONE)));
    s.put(
        "ChunkOutcome",
        List.of(
            JobWire.toJson(
                new ChunkOutcome(
                    JOB.id(),
                    0,
                    "node-1/0",
                    100,
                    List.of(new ChunkOutcome.LineError(7, "bad json")),
                    null,
                    null)),
            JobWire.toJson(
                new ChunkOutcome(JOB.id(), 1, "node-1/0", 100, List.of(), "{}\n", "dune"))));
    s.put("LineError", List.of(JobWire.toJson(new ChunkOutcome.LineError(7, "bad json"))));
    s.put(
        "ChatMembership", List.of(ChatWire.toJson(new ChatContract.Membership("lobby", "alice"))));
    s.put("ChatPost", List.of(ChatWire.toJson(new ChatContract.Post("lobby", "alice", "hello"))));
    s.put(
        "ChatHistoryQuery",
        List.of(
            ChatWire.toJson(new ChatContract.HistoryQuery("lobby", "alice", 0, 50)),
            new JsonObject().put("room", "lobby").put("user", "alice")));
    ChatContract.ChatMessage message =
        new ChatContract.ChatMessage(
            "lobby", 1, "alice", "hello", Instant.parse("2026-01-31T12:00:00.5Z"));
    s.put("ChatMessage", List.of(ChatWire.toJson(message)));
    StateStoreContract.StateKey state = new StateStoreContract.StateKey("chat-room", "lobby");
    s.put("StateKey", List.of(StateWire.toJson(state)));
    s.put(
        "SaveState",
        List.of(
            StateWire.toJson(new StateStoreContract.SaveState(state, 0, new JsonObject())),
            StateWire.toJson(
                new StateStoreContract.SaveState(state, 7, new JsonObject().put("seq", 1))),
            StateWire.toJson(
                new StateStoreContract.SaveState(
                    state,
                    7,
                    new JsonObject().put("seq", 1),
                    List.of(
                        new StateStoreContract.StoredMessage(
                            "lobby", 1, ChatWire.toJson(message)))))));
    s.put(
        "LoadedState",
        List.of(
            StateWire.toJson(new StateStoreContract.LoadedState(null, 0)),
            StateWire.toJson(
                new StateStoreContract.LoadedState(new JsonObject().put("seq", 1), 3))));
    s.put("SavedState", List.of(new JsonObject().put("version", 1L)));
    s.put(
        "StoredMessage",
        List.of(
            StateWire.toJson(
                new StateStoreContract.StoredMessage("lobby", 1, ChatWire.toJson(message)))));
    s.put(
        "MessageRange",
        List.of(StateWire.toJson(new StateStoreContract.MessageRange("lobby", 0, 50))));
    s.put("StoredMessages", List.of(StateWire.messages(List.of(ChatWire.toJson(message)))));
    s.put(
        "ChatHistoryPage",
        List.of(ChatWire.history(List.of(message)), ChatWire.history(List.of())));
    s.put(
        "ChatReadMarker",
        List.of(ChatWire.toJson(new ChatContract.ReadMarker("lobby", "alice", 3))));
    s.put("ChatUserQuery", List.of(ChatWire.toJson(new ChatContract.UserQuery("alice"))));
    s.put(
        "ChatMembersQuery",
        List.of(
            ChatWire.toJson(new ChatContract.MembersQuery("lobby", "alice", null, 100)),
            ChatWire.toJson(new ChatContract.MembersQuery("lobby", "alice", "bob", 2))));
    s.put(
        "ChatMemberPage",
        List.of(
            new JsonObject()
                .put("total", 3)
                .put(
                    "items",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("user", "alice")
                                .put("online", true)
                                .put("since", "2026-01-31T12:00:00Z"))
                        .add(
                            new JsonObject()
                                .put("user", "bob")
                                .put("online", false)
                                .putNull("since"))
                        .add(new JsonObject().put("user", "carol")))));
    s.put(
        "ChatStreamEvent",
        List.of(
            ChatWire.toJson(
                new ChatContract.StreamEvent(
                    "alice",
                    "node-1",
                    "5f0c3a52-8d1e-4c1b-9a4e-2b7d9e0f1a23",
                    "0b9c1a52-8d1e-4c1b-9a4e-2b7d9e0f1a24"))));
    JsonObject presence =
        new JsonObject()
            .put("online", true)
            .put("streams", 2)
            .put("since", "2026-01-31T12:00:00Z")
            .put("nodes", new JsonObject().put("node-1", 2));
    JsonObject mark = new JsonObject().put("lastSeq", 5L).put("readSeq", 3L).put("unread", 2L);
    s.put("ChatRoomMark", List.of(mark, mark.copy().put("room", "lobby")));
    s.put(
        "ChatPresence",
        List.of(
            presence,
            new JsonObject()
                .put("online", false)
                .put("streams", 0)
                .putNull("since")
                .put("nodes", new JsonObject())));
    s.put(
        "ChatUserView",
        List.of(
            new JsonObject()
                .put("user", "alice")
                .put("presence", presence)
                .put("rooms", new JsonObject().put("lobby", mark))));
    s.put(
        "ActorEnvelope",
        List.of(
            ActorContract.toJson(
                new ActorContract.Envelope(
                    new ActorId("room", "lobby"), new JsonObject().put("op", "join"))),
            ActorContract.toJson(
                new ActorContract.Envelope(
                    new ActorId("room", "lobby").child("member", "ada").child("session", "s1"),
                    new JsonObject().put("op", "hi")))));
    s.put(
        "JobView",
        List.of(
            JobWire.toJson(new JobView(JOB, 40.0, 2L)),
            JobWire.toJson(JobView.of(receiving, JOB.createdAt()))));
    s.put(
        "JobErrorsPage",
        List.of(
            JobWire.toJson(
                new JobErrorsPage(List.of(new ChunkOutcome.LineError(7, "bad json")), 7L)),
            JobWire.toJson(new JobErrorsPage(List.of(), null))));
    s.put(
        "JobResultPart",
        List.of(
            JobWire.toJson(new JobResultPart("{}\n", 1)),
            JobWire.toJson(new JobResultPart("{}\n", null))));
    s.put("Renewed", List.of(JobWire.RENEWED.encode(false), JobWire.RENEWED.encode(true)));
    s.put("JobStoreStats", List.of(JobWire.toJson(new JobStoreStats(3, 1))));
    s.put("Expired", List.of(JobWire.EXPIRED.encode(0)));
    s.put(
        "CreateJob",
        List.of(
            JobWire.toJson(new CreateJob(JobsContract.EXPORT, "books")),
            JobWire.toJson(new CreateJob("thumbnail", "photos", JobInput.NDJSON))));
    s.put(
        "StoreCreateJob",
        List.of(JobWire.toJson(new StoreCreateJob(JOB.id(), JobsContract.IMPORT, "books", false))));
    s.put("SubmitJob", List.of(JobWire.toJson(new SubmitJob(JOB.id(), 2, 150))));
    s.put("AbortJob", List.of(JobWire.toJson(new AbortJob(JOB.id(), "upload failed: reset"))));
    s.put("JobRef", List.of(JobWire.toJson(new JobRef(JOB.id()))));
    s.put(
        "JobErrorsQuery",
        List.of(JobWire.toJson(new JobErrorsQuery(JOB.id(), 0, JobsContract.MAX_ERRORS_PAGE))));
    s.put("JobResultQuery", List.of(JobWire.toJson(new JobResultQuery(JOB.id(), 0))));
    s.put(
        "ClaimChunk",
        List.of(
            JobWire.toJson(new ClaimChunk("node-1/0", 30_000)),
            JobWire.toJson(new ClaimChunk("thumbnail@1/0", 30_000, List.of("thumbnail")))));
    s.put(
        "JobTypeInfo",
        List.of(
            JobWire.toJson(
                new JobTypeInfo("thumbnail", List.of(JobInput.NDJSON, JobInput.COLLECTION)))));
    s.put("RenewLease", List.of(JobWire.toJson(new RenewLease(JOB.id(), 0, "node-1/0", 30_000))));
    s.put(
        "ReleaseChunk",
        List.of(JobWire.toJson(new ReleaseChunk(JOB.id(), 0, "node-1/0", "boom", true, 5))));
    s.put("ExpireUploads", List.of(JobWire.EXPIRE_UPLOADS.encode(new ExpireUploads(60_000))));
    s.put("ChatMembers", List.of(new JsonObject().put("members", 2)));
    s.put("ChatPosted", List.of(new JsonObject().put("seq", 1L)));
    s.put("ActorReply", List.of(new JsonObject().put("members", 2)));
    s.put(
        "PingReply",
        List.of(
            new JsonObject().put("service", "request"),
            new JsonObject().put("service", "jobs-store"),
            new JsonObject().put("service", "actors").put("live", 3)));
    s.put("Stored", List.of(new JsonObject().put("stored", true)));
    s.put("StoredCount", List.of(new JsonObject().put("stored", 2)));
    s.put("Empty", List.of(new JsonObject()));
    s.put("Changes", List.of(new JsonObject().put("since", 0).put("limit", 100)));
    s.put(
        "ChangesPage",
        List.of(
            new JsonObject()
                .put("next", 7)
                .put(
                    "items",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("seq", 7)
                                .put("collection", "books")
                                .put("id", "dune")
                                .put("version", 3)
                                .put("op", "put")
                                .put("at", "2026-01-31T12:00:00Z")))));
    return s;
  }

  private static Validator validator(String schema) {
    JsonObject root =
        new JsonObject()
            .put("$ref", "#/components/schemas/" + schema)
            .put(
                "components",
                new JsonObject()
                    .put(
                        "schemas",
                        doc.getJsonObject("components").getJsonObject("schemas").copy()));
    return Validator.create(
        JsonSchema.of(root),
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT7)
            .setBaseUri("https://troupe.dev/asyncapi/")
            .setOutputFormat(OutputFormat.Basic));
  }

  // ---- the rendered page ----------------------------------------------------------------------

  @Test
  @DisplayName("docs/bus.md is the page rendered from the document")
  void pageIsFresh() throws IOException {
    String rendered = BusDocMarkdown.render(doc);
    if (Boolean.getBoolean(WRITE_PROPERTY)) {
      Files.createDirectories(PAGE.getParent());
      Files.writeString(PAGE, rendered, StandardCharsets.UTF_8);
    }
    String committed = Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "";
    assertThat(committed)
        .as(
            "docs/bus.md is stale; regenerate it with: mvn -B -o -q -pl shared verify "
                + "-Dtest=BusContractDocumentTest -D"
                + WRITE_PROPERTY
                + "=true")
        .isEqualTo(rendered);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /**
   * Every class of the contract package with a {@code public static final String ADDRESS}, by
   * address.
   */
  private static Map<String, Class<?>> contracts()
      throws IOException, URISyntaxException, ClassNotFoundException {
    String pkg = DocKey.class.getPackageName();
    Map<String, Class<?>> byAddress = new TreeMap<>();
    String path = pkg.replace('.', '/');
    Enumeration<URL> dirs = DocKey.class.getClassLoader().getResources(path);
    while (dirs.hasMoreElements()) {
      URL url = dirs.nextElement();
      for (String file : classFiles(url, path)) {
        Class<?> type = Class.forName(pkg + "." + file.substring(0, file.length() - 6));
        if (type.getName().endsWith("Test") || type == BusDocMarkdown.class) {
          continue;
        }
        String address = stringConstants(type).get("ADDRESS");
        if (address != null) {
          assertThat(byAddress.put(address, type)).as("two contracts on " + address).isNull();
        }
      }
    }
    return byAddress;
  }

  /**
   * The top-level class files of package directory {@code path} at {@code url}: a directory (this
   * module's classes) or a jar (troupe-contracts, when the reactor hands over its jar).
   */
  private static List<String> classFiles(URL url, String path)
      throws IOException, URISyntaxException {
    List<String> names = new ArrayList<>();
    if ("file".equals(url.getProtocol())) {
      String[] files = new File(url.toURI()).list();
      names.addAll(List.of(files == null ? new String[0] : files));
    } else if ("jar".equals(url.getProtocol())) {
      JarURLConnection connection = (JarURLConnection) url.openConnection();
      connection.setUseCaches(false);
      try (JarFile jar = connection.getJarFile()) {
        jar.stream()
            .map(JarEntry::getName)
            .filter(n -> n.startsWith(path + "/") && n.indexOf('/', path.length() + 1) < 0)
            .map(n -> n.substring(path.length() + 1))
            .forEach(names::add);
      }
    }
    names.removeIf(n -> !n.endsWith(".class") || n.contains("$"));
    return names;
  }

  private static Map<String, String> stringConstants(Class<?> type) {
    Map<String, String> constants = new LinkedHashMap<>();
    for (Field field : type.getDeclaredFields()) {
      int m = field.getModifiers();
      if (Modifier.isPublic(m)
          && Modifier.isStatic(m)
          && Modifier.isFinal(m)
          && field.getType() == String.class) {
        try {
          constants.put(field.getName(), (String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return constants;
  }

  /**
   * A contract's string constants, less its addresses (and address prefixes) and its values that
   * are not actions.
   */
  private static Set<String> actionConstants(Class<?> contract) {
    Set<String> actions = new TreeSet<>(stringConstants(contract).values());
    actions.removeIf(value -> value.startsWith("troupe."));
    actions.removeAll(NOT_ACTIONS.getOrDefault(contract, Set.of()));
    String address = stringConstants(contract).get("ADDRESS");
    for (Action<?, ?> action : declaredActions(contract)) {
      if (address != null) {
        assertThat(action.address())
            .as("%s is on its contract's address", action)
            .isEqualTo(address);
      }
      actions.add(action.name());
    }
    return actions;
  }

  /** A contract's actions declared as {@link Action} constants. */
  private static List<Action<?, ?>> declaredActions(Class<?> contract) {
    List<Action<?, ?>> actions = new java.util.ArrayList<>();
    for (Field field : contract.getDeclaredFields()) {
      int m = field.getModifiers();
      if (Modifier.isPublic(m)
          && Modifier.isStatic(m)
          && Modifier.isFinal(m)
          && field.getType() == Action.class) {
        try {
          actions.add((Action<?, ?>) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return actions;
  }

  @Test
  @DisplayName(
      "the jobs families list every action they declare, and each is an operation of its channel")
  void jobActionsAreListedAndDocumented() {
    Map<String, String> channels = channelsByAddress();
    Map<Class<?>, List<Action<?, ?>>> families =
        Map.of(
            JobsContract.class, JobsContract.ACTIONS,
            JobStoreContract.class, JobStoreContract.ACTIONS);
    families.forEach(
        (contract, listed) -> {
          assertThat(listed)
              .as("%s.ACTIONS", contract.getSimpleName())
              .containsExactlyInAnyOrderElementsOf(declaredActions(contract));
          Set<String> documented = actionsOf(channels.get(listed.get(0).address()));
          assertThat(listed.stream().map(Action::name).collect(Collectors.toSet()))
              .as("actions of %s", contract.getSimpleName())
              .isEqualTo(documented);
        });
  }

  /** Addresses a contract names besides its own: where its service publishes events. */
  private static Set<String> eventAddresses()
      throws IOException, URISyntaxException, ClassNotFoundException {
    Set<String> events = new TreeSet<>();
    for (Class<?> contract : contracts().values()) {
      stringConstants(contract)
          .forEach(
              (name, value) -> {
                if (!name.equals("ADDRESS") && value.startsWith("troupe.")) {
                  events.add(value);
                }
              });
    }
    return events;
  }

  private static Map<String, String> channelsByAddress() {
    Map<String, String> byAddress = new TreeMap<>();
    JsonObject channels = doc.getJsonObject("channels");
    for (String name : channels.fieldNames()) {
      assertThat(byAddress.put(channels.getJsonObject(name).getString("address"), name))
          .as("address twice")
          .isNull();
    }
    return byAddress;
  }

  private static Set<String> actionsOf(String channel) {
    Set<String> actions = new TreeSet<>();
    JsonObject operations = doc.getJsonObject("operations");
    for (String name : operations.fieldNames()) {
      JsonObject operation = operations.getJsonObject(name);
      if (channelOf(operation).equals(channel) && operation.containsKey("x-troupe-action")) {
        actions.add(operation.getString("x-troupe-action"));
      }
    }
    return actions;
  }

  private static String channelOf(JsonObject operation) {
    String ref = operation.getJsonObject("channel").getString("$ref");
    return ref.substring(ref.lastIndexOf('/') + 1);
  }

  private static Set<String> minus(Set<String> a, Set<String> b) {
    Set<String> rest = new HashSet<>(a);
    rest.removeAll(b);
    return new TreeSet<>(rest);
  }
}
