package dev.troupe.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the repository's deployment files for the tests that check them: Dockerfiles, YAML, and the
 * configuration reference (docs/configuration.md).
 */
final class DeploymentFiles {
  /** The repository root (tests run in the launcher module's directory). */
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** Where every image keeps the launcher jar. */
  static final String JAR_IN_IMAGE = "/opt/troupe/troupe.jar";

  /**
   * The port every image serves HTTP on: the gateway's API, the other nodes' TROUPE_HEALTH_PORT.
   */
  static final int HTTP_PORT = 8080;

  /** The configuration reference: one table row per {@code TROUPE_*} key. */
  static final Path CONFIGURATION_DOC = ROOT.resolve("docs").resolve("configuration.md");

  private static final Pattern DOCUMENTED_KEY =
      Pattern.compile("^\\| `(TROUPE_[A-Z0-9_]+)` \\|", Pattern.MULTILINE);

  private DeploymentFiles() {}

  /**
   * The Maven module (folder) that holds a service's code and its image's Dockerfile. The names do
   * not follow one rule (gateway and chat have no "-service" suffix), so each is listed; a service
   * added to {@link Service} fails to compile here until its module is named.
   */
  static Path module(Service service) {
    String folder =
        switch (service) {
          case DB -> "db-service";
          case CACHE -> "cache-service";
          case REQUEST -> "request-service";
          case CHAT -> "chat";
          case GATEWAY -> "gateway";
        };
    return ROOT.resolve(folder);
  }

  /** The Dockerfile of each service's image, in its module. */
  static Path dockerfile(Service service) {
    return module(service).resolve("Dockerfile");
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One YAML document. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) {
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(read(file));
    assertThat(doc).as(file + " holds a YAML mapping").isInstanceOf(Map.class);
    return (Map<String, Object>) doc;
  }

  /** Every non-empty document of a multi-document YAML file. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> yamlDocuments(Path file) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(file))) {
      if (doc != null) {
        assertThat(doc).as("a document of " + file + " is a YAML mapping").isInstanceOf(Map.class);
        docs.add((Map<String, Object>) doc);
      }
    }
    return docs;
  }

  /** The value at a path of nested mappings ({@code "spec", "template", "spec"}), or null. */
  @SuppressWarnings("unchecked")
  static <T> T at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(key);
    }
    return (T) current;
  }

  /** {@link #at} as a plain value, for assertions on it. */
  static Object valueAt(Object node, String... path) {
    return at(node, path);
  }

  /** The keys with a row in docs/configuration.md's configuration table. */
  static Set<String> documentedKeys() {
    Set<String> keys = new TreeSet<>();
    Matcher m = DOCUMENTED_KEY.matcher(read(CONFIGURATION_DOC));
    while (m.find()) {
      keys.add(m.group(1));
    }
    assertThat(keys)
        .as("docs/configuration.md's configuration table")
        .contains("TROUPE_HTTP_PORT", "TROUPE_CLUSTER_MEMBERS");
    return keys;
  }

  /**
   * Fails naming every key of {@code keys} without a row in docs/configuration.md's configuration
   * table.
   */
  static void assertDocumented(Set<String> keys, String where) {
    Set<String> undocumented = new TreeSet<>(keys);
    undocumented.removeAll(documentedKeys());
    assertThat(undocumented)
        .as(
            "TROUPE_* keys set in "
                + where
                + " without a row in docs/configuration.md's configuration table")
        .isEmpty();
  }

  /** The {@code TROUPE_*} keys among {@code names}. */
  static Set<String> troupeKeys(Iterable<String> names) {
    Set<String> keys = new TreeSet<>();
    names.forEach(
        n -> {
          if (n.startsWith("TROUPE_")) {
            keys.add(n);
          }
        });
    return keys;
  }

  /**
   * A Dockerfile as its instructions, in order: continuation lines joined, comments dropped (as
   * Docker reads it), each with the stage it belongs to (0 before the first FROM, then 1, 2, ...).
   */
  record Dockerfile(Path path, List<Instruction> instructions) {
    record Instruction(int stage, String keyword, String arguments) {}

    static Dockerfile read(Path path) {
      List<Instruction> instructions = new ArrayList<>();
      StringBuilder pending = new StringBuilder();
      int stage = 0;
      for (String line : DeploymentFiles.read(path).split("\n", -1)) {
        String trimmed = line.strip();
        if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.isEmpty())) {
          continue;
        }
        if (trimmed.endsWith("\\")) {
          pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
          continue;
        }
        pending.append(trimmed);
        String full = pending.toString().strip();
        pending.setLength(0);
        if (full.isEmpty()) {
          continue;
        }
        String[] parts = full.split("\\s+", 2);
        String keyword = parts[0].toUpperCase(Locale.ROOT);
        if (keyword.equals("FROM")) {
          stage++;
        }
        instructions.add(new Instruction(stage, keyword, parts.length > 1 ? parts[1] : ""));
      }
      return new Dockerfile(path, instructions);
    }

    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    int lastStage() {
      return instructions.stream().mapToInt(Instruction::stage).max().orElse(0);
    }

    /**
     * The instructions of the final stage (the image that runs), with those of the earlier stages
     * it is built {@code FROM} by name.
     */
    List<Instruction> runtime(String keyword) {
      return image(lastStage(), keyword);
    }

    /**
     * The instructions of the image a stage makes: its own and those of the stages it builds on.
     */
    List<Instruction> image(int stage, String keyword) {
      List<Integer> chain = chain(stage);
      return all(keyword).stream().filter(i -> chain.contains(i.stage())).toList();
    }

    /** The stage named {@code name} ({@code FROM ... AS name}), or 0. */
    int stageNamed(String name) {
      return all("FROM").stream()
          .filter(i -> i.arguments().matches("(?i).*\\s+AS\\s+" + Pattern.quote(name) + "\\s*"))
          .mapToInt(Instruction::stage)
          .findFirst()
          .orElse(0);
    }

    /** {@code stage} and the earlier stages it is built on, nearest first. */
    private List<Integer> chain(int stage) {
      List<Integer> chain = new ArrayList<>();
      int current = stage;
      while (current > 0) {
        chain.add(current);
        current = stageNamed(from(current).split("\\s+")[0]);
      }
      return chain;
    }

    private String from(int stage) {
      return all("FROM").stream()
          .filter(i -> i.stage() == stage)
          .findFirst()
          .orElseThrow()
          .arguments();
    }

    /**
     * The defaults of the global {@code ARG}s (before the first FROM), for resolving {@code FROM
     * ${X}}.
     */
    Map<String, String> globalArgs() {
      Map<String, String> args = new LinkedHashMap<>();
      all("ARG").stream()
          .filter(i -> i.stage() == 0)
          .forEach(
              i -> {
                String[] kv = i.arguments().split("=", 2);
                args.put(kv[0].strip(), kv.length > 1 ? kv[1].strip() : "");
              });
      return args;
    }

    /**
     * The image a stage starts from, with global ARG defaults substituted; for a stage built on an
     * earlier one, that one's.
     */
    String baseImage(int stage) {
      List<Integer> chain = chain(stage);
      String image = from(chain.get(chain.size() - 1)).split("\\s+")[0];
      for (Map.Entry<String, String> arg : globalArgs().entrySet()) {
        image = image.replace("${" + arg.getKey() + "}", arg.getValue());
      }
      return image;
    }

    /** The final stage's ENV as a map (both {@code ENV K=V K2="V 2"} and {@code ENV K V}). */
    Map<String, String> env() {
      Map<String, String> env = new LinkedHashMap<>();
      Pattern pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
      for (Instruction i : runtime("ENV")) {
        Matcher m = pair.matcher(i.arguments());
        boolean any = false;
        while (m.find()) {
          any = true;
          String value = m.group(2);
          env.put(
              m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
        }
        if (!any) {
          String[] kv = i.arguments().split("\\s+", 2);
          env.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
      }
      return env;
    }

    /** The instructions of a stage, as text, for comparing stages of different files. */
    List<String> stage(int stage) {
      return instructions.stream()
          .filter(i -> i.stage() == stage)
          .map(i -> i.keyword() + " " + i.arguments())
          .toList();
    }
  }
}
