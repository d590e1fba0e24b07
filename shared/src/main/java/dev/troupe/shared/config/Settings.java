package dev.troupe.shared.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Troupe's configuration as flat {@code TROUPE_*} keys, read once at start from (lowest to highest)
 * the built-in defaults of each typed config record, an optional YAML file named by {@code
 * TROUPE_CONFIG}, then {@code TROUPE_*} environment variables.
 *
 * <p>In YAML a key may be written nested ({@code http: {port: 8080}}) or flat ({@code
 * TROUPE_HTTP_PORT: 8080}); both mean {@code TROUPE_HTTP_PORT}. Typed getters fail with a message
 * naming the key and the bad value.
 */
public final class Settings {
  public static final String PREFIX = "TROUPE_";
  public static final String CONFIG_FILE = "TROUPE_CONFIG";

  private final Map<String, String> values;

  private Settings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Settings of(Map<String, String> values) {
    Map<String, String> copy = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (v != null) {
            copy.put(k, v);
          }
        });
    return new Settings(copy);
  }

  public static Settings empty() {
    return new Settings(Map.of());
  }

  /**
   * Reads the YAML file named by {@code TROUPE_CONFIG} (if any), then overlays the {@code TROUPE_*}
   * variables.
   */
  public static Settings load(Map<String, String> environment) {
    Map<String, String> merged = new TreeMap<>();
    String file = environment.get(CONFIG_FILE);
    if (file != null && !file.isBlank()) {
      merged.putAll(readYaml(Path.of(file)));
    }
    environment.forEach(
        (k, v) -> {
          if (k.startsWith(PREFIX) && v != null && !v.isBlank()) {
            merged.put(k, v);
          }
        });
    return new Settings(merged);
  }

  static Map<String, String> readYaml(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          CONFIG_FILE + " names " + file + ", which is not a readable file");
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      Map<String, String> flat = new TreeMap<>();
      if (root == null) {
        return flat;
      }
      if (!(root instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException(file + " must hold a YAML mapping at the top");
      }
      flatten("", map, flat);
      return flat;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new IllegalArgumentException(file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    map.forEach(
        (k, v) -> {
          String part =
              String.valueOf(k).trim().toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
          String key =
              prefix.isEmpty() && part.startsWith(PREFIX)
                  ? part
                  : (prefix.isEmpty() ? PREFIX : prefix + "_") + part;
          if (v instanceof Map<?, ?> nested) {
            flatten(key, nested, out);
          } else if (v instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(i -> items.add(String.valueOf(i)));
            out.put(key, String.join(",", items));
          } else if (v != null) {
            out.put(key, String.valueOf(v));
          }
        });
  }

  public String string(String key, String defaultValue) {
    String v = values.get(key);
    return v == null || v.isBlank() ? defaultValue : v.trim();
  }

  public String optional(String key) {
    return string(key, null);
  }

  public int integer(String key, int defaultValue, int min, int max) {
    String v = optional(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < min || i > max) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
    }
  }

  public long longValue(String key, long defaultValue, long min, long max) {
    String v = optional(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      long l = Long.parseLong(v);
      if (l < min || l > max) {
        throw new NumberFormatException();
      }
      return l;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
    }
  }

  public double decimal(String key, double defaultValue, double min, double max) {
    String v = optional(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v);
      if (!(d >= min && d <= max)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be a number from " + min + " to " + max + ", got '" + v + "'");
    }
  }

  public boolean bool(String key, boolean defaultValue) {
    String v = optional(key);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
    };
  }

  public List<String> list(String key, List<String> defaultValue) {
    String v = optional(key);
    if (v == null) {
      return defaultValue;
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** A copy with {@code key} set, for tests and for the launcher's command-line flags. */
  public Settings with(String key, String value) {
    Map<String, String> copy = new TreeMap<>(values);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, value);
    }
    return new Settings(copy);
  }

  public Map<String, String> asMap() {
    return values;
  }

  /** The settings as a deployment config, so every verticle reads the same values. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    values.forEach(json::put);
    return json;
  }

  public static Settings fromJson(JsonObject json) {
    Map<String, String> map = new TreeMap<>();
    json.forEach(
        e -> {
          if (e.getKey().startsWith(PREFIX) && e.getValue() != null) {
            map.put(e.getKey(), String.valueOf(e.getValue()));
          }
        });
    return new Settings(map);
  }

  @Override
  public String toString() {
    return values.keySet().toString();
  }
}
