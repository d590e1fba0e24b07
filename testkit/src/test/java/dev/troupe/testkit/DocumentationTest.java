package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md stays the front door (short, the rest under docs/), and no relative link of README.md,
 * CONTRIBUTING.md or docs/*.md points at a file or a heading that is not there.
 */
@DisplayName("README and docs")
class DocumentationTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** README.md's budget: what Troupe is, how to run it, a tour, the diagram, modules, links. */
  private static final int README_MAX_LINES = 250;

  private static final Pattern CODE_SPAN = Pattern.compile("`+[^`]*`+");
  private static final Pattern LINK =
      Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

  @Test
  @DisplayName("README.md has at most 250 lines")
  void readmeIsShort() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
    assertThat(lines.size())
        .as("lines of README.md (move reference material under docs/ and link it)")
        .isLessThanOrEqualTo(README_MAX_LINES);
  }

  @Test
  @DisplayName("every relative link of README.md, CONTRIBUTING.md and docs/*.md resolves")
  void relativeLinksResolve() throws IOException {
    List<Path> pages = pages(ROOT);
    assertThat(pages)
        .as("the pages the README links")
        .contains(
            ROOT.resolve("docs/configuration.md"),
            ROOT.resolve("docs/http-api.md"),
            ROOT.resolve("docs/architecture.md"),
            ROOT.resolve("docs/operations.md"),
            ROOT.resolve("docs/testing.md"),
            ROOT.resolve("docs/bus.md"));
    LinkCheck check = LinkCheck.of(pages);
    assertThat(check.checked())
        .as("relative links found (a parser that finds none checks nothing)")
        .isGreaterThan(50);
    assertThat(check.broken()).as("relative links to a missing file or heading").isEmpty();
  }

  @Test
  @DisplayName("the link check reports a missing file and a missing heading, and passes good links")
  void linkCheckFindsBrokenLinks(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("docs"));
    Files.writeString(
        dir.resolve("README.md"),
        """
        # Title

        [good](docs/a.md) [good anchor](docs/a.md#the-cache-vertx-ha) [self](#title)
        [web](https://example.com/missing.md) `[in code](docs/none.md)`
        [gone](docs/gone.md) [bad anchor](docs/a.md#nowhere)

        ```sh
        # not a heading [fenced](docs/fenced.md)
        ```
        """);
    Files.writeString(
        dir.resolve("docs/a.md"),
        """
        # A

        ## The `cache` (Vert.x HA)

        [back](../README.md#title)
        """);
    LinkCheck check = LinkCheck.of(pages(dir));
    assertThat(check.broken())
        .containsExactlyInAnyOrder("README.md: docs/gone.md", "README.md: docs/a.md#nowhere");
    assertThat(check.checked()).isEqualTo(6);
  }

  /** README.md, CONTRIBUTING.md (when there) and every docs/*.md under {@code root}. */
  private static List<Path> pages(Path root) throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    if (Files.exists(root.resolve("CONTRIBUTING.md"))) {
      pages.add(root.resolve("CONTRIBUTING.md"));
    }
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The relative links of some Markdown pages, checked against the files and their headings. */
  private record LinkCheck(int checked, List<String> broken) {
    static LinkCheck of(List<Path> pages) {
      Map<Path, Set<String>> anchors = new HashMap<>();
      List<String> broken = new ArrayList<>();
      int checked = 0;
      Path root = pages.get(0).getParent();
      for (Path page : pages) {
        for (String target : links(page)) {
          checked++;
          int hash = target.indexOf('#');
          String file = hash < 0 ? target : target.substring(0, hash);
          String anchor = hash < 0 ? null : target.substring(hash + 1);
          Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
          boolean ok = Files.exists(resolved);
          if (ok && anchor != null && resolved.toString().endsWith(".md")) {
            ok = anchors.computeIfAbsent(resolved, LinkCheck::anchors).contains(anchor);
          }
          if (!ok) {
            broken.add(root.relativize(page) + ": " + target);
          }
        }
      }
      return new LinkCheck(checked, broken);
    }

    /** The relative link targets of a page, outside code blocks and code spans. */
    static List<String> links(Path page) {
      List<String> targets = new ArrayList<>();
      boolean fenced = false;
      for (String line : read(page)) {
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        if (fenced) {
          continue;
        }
        Matcher m = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
        while (m.find()) {
          if (!SCHEME.matcher(m.group(1)).find()) {
            targets.add(m.group(1));
          }
        }
      }
      return targets;
    }

    /** The anchors GitHub gives a page's headings (a repeated heading gets -1, -2, ...). */
    static Set<String> anchors(Path page) {
      Set<String> anchors = new HashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      boolean fenced = false;
      for (String line : read(page)) {
        if (line.strip().startsWith("```")) {
          fenced = !fenced;
          continue;
        }
        Matcher m = HEADING.matcher(line);
        if (fenced || !m.matches()) {
          continue;
        }
        String slug =
            m.group(1)
                .replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}\\p{M}_ -]", "")
                .replace(' ', '-');
        int n = seen.merge(slug, 1, Integer::sum);
        anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
      }
      return anchors;
    }

    static List<String> read(Path page) {
      try {
        return Files.readAllLines(page);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
