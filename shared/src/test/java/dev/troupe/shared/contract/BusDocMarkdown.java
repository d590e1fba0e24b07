package dev.troupe.shared.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders the AsyncAPI document of the bus ({@value #RESOURCE}) as the Markdown page {@code
 * docs/bus.md}, without npm tooling: the page lists the channels, each operation with its body and
 * reply, the error codes, and every schema. {@link BusContractDocumentTest} holds the committed
 * page to this output.
 */
final class BusDocMarkdown {
  static final String RESOURCE = "/asyncapi/troupe-bus.yaml";

  private BusDocMarkdown() {}

  /** The document as JSON, read from the classpath. */
  static JsonObject load() {
    try (InputStream in = BusDocMarkdown.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the classpath");
      }
      Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) yaml;
      // Through the JSON text, so nested maps and lists become JsonObject and JsonArray.
      return new JsonObject(JsonObject.of().put("d", map).encode()).getJsonObject("d");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String render(JsonObject doc) {
    StringBuilder out = new StringBuilder();
    JsonObject info = doc.getJsonObject("info");
    out.append("# ")
        .append(info.getString("title"))
        .append(" (contract ")
        .append(info.getString("version"))
        .append(")\n\n");
    out.append("<!-- Generated from shared/src/main/resources")
        .append(RESOURCE)
        .append(
            " by BusDocMarkdown; do not edit. Regenerate: see BusContractDocumentTest. -->\n\n");
    out.append(info.getString("description").strip()).append("\n\n");
    out.append("The machine-readable contract (AsyncAPI ")
        .append(doc.getString("asyncapi"))
        .append(") is `shared/src/main/resources")
        .append(RESOURCE)
        .append("`; it is also on the classpath of `troupe-shared`.\n\n");

    out.append("## Addresses\n\n| address | service | actions |\n|---|---|---|\n");
    JsonObject channels = doc.getJsonObject("channels");
    JsonObject operations = doc.getJsonObject("operations");
    for (String name : channels.fieldNames()) {
      JsonObject channel = channels.getJsonObject(name);
      List<String> actions = new ArrayList<>();
      for (String op : operations.fieldNames()) {
        JsonObject operation = operations.getJsonObject(op);
        if (channelName(operation).equals(name)) {
          actions.add(
              operation.containsKey("x-troupe-action")
                  ? "`" + operation.getString("x-troupe-action") + "`"
                  : "(published)");
        }
      }
      out.append("| `")
          .append(channel.getString("address"))
          .append("` | ")
          .append(channel.getString("title"))
          .append(" | ")
          .append(String.join(", ", actions))
          .append(" |\n");
    }
    out.append('\n');

    for (String name : channels.fieldNames()) {
      JsonObject channel = channels.getJsonObject(name);
      out.append("## `")
          .append(channel.getString("address"))
          .append("`: ")
          .append(channel.getString("title"))
          .append("\n\n")
          .append(oneLine(channel.getString("description")))
          .append("\n\n");
      JsonObject parameters = channel.getJsonObject("parameters", new JsonObject());
      for (String parameter : parameters.fieldNames()) {
        out.append("- `{")
            .append(parameter)
            .append("}`: ")
            .append(oneLine(parameters.getJsonObject(parameter).getString("description")))
            .append('\n');
      }
      if (!parameters.isEmpty()) {
        out.append('\n');
      }
      out.append("| action | body | reply | failures |\n|---|---|---|---|\n");
      for (String op : operations.fieldNames()) {
        JsonObject operation = operations.getJsonObject(op);
        if (!channelName(operation).equals(name)) {
          continue;
        }
        String action =
            operation.containsKey("x-troupe-action")
                ? "`" + operation.getString("x-troupe-action") + "`"
                : "published";
        String body = payloadOf(doc, operation.getJsonArray("messages").getJsonObject(0));
        JsonObject reply = operation.getJsonObject("reply");
        List<String> replyPayloads = new ArrayList<>();
        if (reply != null) {
          reply
              .getJsonArray("messages")
              .forEach(m -> replyPayloads.add(payloadOf(doc, (JsonObject) m)));
        }
        String replies = reply == null ? "none (published)" : String.join(" or ", replyPayloads);
        JsonArray errors = operation.getJsonArray("x-troupe-errors", new JsonArray());
        List<String> codes = new ArrayList<>();
        errors.forEach(e -> codes.add("`" + e + "`"));
        out.append("| ")
            .append(action)
            .append(" | ")
            .append(body)
            .append(" | ")
            .append(replies)
            .append(" | ")
            .append(codes.isEmpty() ? "none" : String.join(", ", codes))
            .append(" |\n");
      }
      out.append('\n');
      for (String op : operations.fieldNames()) {
        JsonObject operation = operations.getJsonObject(op);
        if (channelName(operation).equals(name) && operation.containsKey("summary")) {
          String action = operation.getString("x-troupe-action", "published");
          out.append("- `")
              .append(action)
              .append("`: ")
              .append(oneLine(operation.getString("summary")))
              .append('\n');
        }
      }
      out.append('\n');
    }

    out.append(
            "## Error codes\n\nA failed request gets a `ReplyException` (over the TCP bridge an `err` frame) whose ")
        .append("failure code is one of these. The gateway answers each with one HTTP status.\n\n")
        .append("| name | failure code | HTTP status | meaning |\n|---|---|---|---|\n");
    for (Object e : doc.getJsonArray("x-troupe-errors")) {
      JsonObject error = (JsonObject) e;
      out.append("| `")
          .append(error.getString("name"))
          .append("` | ")
          .append(error.getInteger("code"))
          .append(" | ")
          .append(error.getInteger("httpStatus"))
          .append(" | ")
          .append(oneLine(error.getString("description")))
          .append(" |\n");
    }
    out.append('\n');

    out.append("## Schemas\n\n");
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    for (String name : schemas.fieldNames()) {
      if (name.startsWith("Action")) {
        continue;
      }
      JsonObject schema = schemas.getJsonObject(name);
      out.append("### ").append(name).append("\n\n");
      if (schema.containsKey("description")) {
        out.append(oneLine(schema.getString("description"))).append("\n\n");
      }
      JsonObject properties = schema.getJsonObject("properties");
      if (properties == null) {
        out.append("`").append(describe(schema)).append("`\n\n");
        continue;
      }
      JsonArray required = schema.getJsonArray("required", new JsonArray());
      out.append("| field | type | required |\n|---|---|---|\n");
      for (String field : properties.fieldNames()) {
        out.append("| `")
            .append(field)
            .append("` | ")
            .append(describe(properties.getJsonObject(field)).replace("|", "\\|"))
            .append(" | ")
            .append(required.contains(field) ? "yes" : "no")
            .append(" |\n");
      }
      out.append('\n');
    }
    out.append(
            "Header `action` (required) names the operation; `requestId` (optional) ties log lines of one ")
        .append("request together.\n");
    return out.toString();
  }

  private static String channelName(JsonObject operation) {
    String ref = operation.getJsonObject("channel").getString("$ref");
    return ref.substring(ref.lastIndexOf('/') + 1);
  }

  /**
   * The payload schema name of a message reference (a channel's message or a component message).
   */
  private static String payloadOf(JsonObject doc, JsonObject messageRef) {
    JsonObject message = resolve(doc, messageRef.getString("$ref"));
    if (message.containsKey("$ref")) {
      message = resolve(doc, message.getString("$ref"));
    }
    String ref = message.getJsonObject("payload").getString("$ref");
    String schema = ref.substring(ref.lastIndexOf('/') + 1);
    return "Anything".equals(schema)
        ? "anything"
        : "[" + schema + "](#" + schema.toLowerCase(Locale.ROOT) + ")";
  }

  static JsonObject resolve(JsonObject doc, String ref) {
    Object at = doc;
    for (String part : ref.substring(2).split("/")) {
      at = ((JsonObject) at).getValue(part);
    }
    return (JsonObject) at;
  }

  private static String describe(JsonObject schema) {
    if (schema.containsKey("$ref")) {
      String name =
          schema.getString("$ref").substring(schema.getString("$ref").lastIndexOf('/') + 1);
      return "[" + name + "](#" + name.toLowerCase(Locale.ROOT) + ")";
    }
    if (schema.containsKey("oneOf")) {
      List<String> parts = new ArrayList<>();
      schema.getJsonArray("oneOf").forEach(s -> parts.add(describe((JsonObject) s)));
      return String.join(" or ", parts);
    }
    StringBuilder text = new StringBuilder();
    String type = schema.getString("type", schema.containsKey("const") ? "constant" : "any");
    text.append(type);
    if ("array".equals(type) && schema.containsKey("items")) {
      text.append(" of ").append(describe(schema.getJsonObject("items")));
    }
    if (schema.containsKey("enum")) {
      List<String> values = new ArrayList<>();
      schema.getJsonArray("enum").forEach(v -> values.add(String.valueOf(v)));
      text.append(" (").append(String.join(", ", values)).append(")");
    }
    for (String bound :
        new String[] {
          "minimum",
          "maximum",
          "minItems",
          "maxItems",
          "minLength",
          "maxLength",
          "pattern",
          "format",
          "default"
        }) {
      if (schema.containsKey(bound)) {
        text.append(", ").append(bound).append(" ").append(schema.getValue(bound));
      }
    }
    if (schema.containsKey("description")) {
      text.append(": ").append(oneLine(schema.getString("description")));
    }
    return text.toString();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\n\\s*", " ");
  }

  /** Writes the page to {@code args[0]} (default {@code docs/bus.md} of the working directory). */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/bus.md");
    Files.createDirectories(target.toAbsolutePath().getParent());
    Files.writeString(target, render(load()), StandardCharsets.UTF_8);
  }
}
