package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every {@code TROUPE_*} key the code reads is documented in docs/configuration.md's configuration
 * table.
 */
@DisplayName("configuration keys are documented")
class ConfigKeysDocumentedTest {
  private static final Pattern KEY = Pattern.compile("\"(TROUPE_[A-Z0-9_]+)\"");

  @Test
  @DisplayName("each TROUPE_* key in main code has a row in docs/configuration.md")
  void everyKeyHasARow() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Set<String> keys = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file :
          files
              .filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/"))
              .toList()) {
        Matcher m = KEY.matcher(Files.readString(file));
        while (m.find()) {
          keys.add(m.group(1));
        }
      }
    }
    assertThat(keys).as("keys found in main code").contains("TROUPE_HTTP_PORT", "TROUPE_DATA_DIR");
    String reference = Files.readString(root.resolve("docs").resolve("configuration.md"));
    Set<String> undocumented = new TreeSet<>();
    keys.stream().filter(k -> !reference.contains("| `" + k + "` |")).forEach(undocumented::add);
    assertThat(undocumented)
        .as("keys without a row in docs/configuration.md's configuration table")
        .isEmpty();
  }
}
