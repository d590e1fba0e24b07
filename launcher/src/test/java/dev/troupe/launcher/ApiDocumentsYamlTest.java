package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The API documents hold the text their authors wrote: no unquoted description that YAML cuts
 * short. An unquoted (plain) scalar ends at {@code ", "} inside {@code {...}}, the rest becoming a
 * stray key with a null value ({@code {description: the id, unique}} is the description "the id"
 * and a key "unique"), and at {@code " #"} anywhere, the rest becoming a comment. Neither is an
 * error to a YAML parser or to the OpenAPI and AsyncAPI linters ({@code .ci/lint}), so this test
 * reads the documents' YAML nodes, where both show.
 */
@DisplayName("API documents")
class ApiDocumentsYamlTest {
  private static final List<Path> DOCUMENTS =
      List.of(
          ROOT.resolve("gateway/src/main/resources/openapi/troupe.yaml"),
          ROOT.resolve("shared/src/main/resources/asyncapi/troupe-bus.yaml"));

  /** Keys whose values are prose, where a trailing {@code #...} is text cut off, not a comment. */
  private static final Set<String> PROSE = Set.of("description", "summary", "title");

  @Test
  @DisplayName("no unquoted description is cut by YAML at ', ' in a flow mapping or at ' #'")
  void noCutText() {
    for (Path document : DOCUMENTS) {
      assertThat(cuts(DeploymentFiles.read(document)))
          .as(
              ROOT.relativize(document)
                  + ": text YAML cuts short (quote it: description: 'a, b' or \"a # b\")")
          .isEmpty();
    }
  }

  @Test
  @DisplayName("the check finds both cuts, and passes the same text quoted")
  void checkFindsCuts() {
    assertThat(
            cuts(
                """
                id: {type: string, description: the stream's id, unique}
                done:
                  description: lines processed #so far
                """))
        .hasSize(2)
        .anySatisfy(c -> assertThat(c).startsWith("line 1:").contains("'unique'"))
        .anySatisfy(c -> assertThat(c).startsWith("line 3:").contains("#so far"));
    assertThat(
            cuts(
                """
                id: {type: string, description: 'the stream''s id, unique', nullable: null}
                done:
                  description: "lines processed #so far"
                  type: integer # a comment after a value that is not prose
                """))
        .isEmpty();
  }

  /** Where YAML cuts a plain scalar short in {@code yaml}, one line each. */
  static List<String> cuts(String yaml) {
    String[] lines = yaml.split("\n", -1);
    List<String> found = new ArrayList<>();
    Node root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(new StringReader(yaml));
    walk(root, lines, found);
    return found;
  }

  private static void walk(Node node, String[] lines, List<String> found) {
    if (node instanceof SequenceNode sequence) {
      sequence.getValue().forEach(n -> walk(n, lines, found));
    } else if (node instanceof MappingNode mapping) {
      boolean flow = mapping.getFlowStyle() == DumperOptions.FlowStyle.FLOW;
      for (NodeTuple entry : mapping.getValue()) {
        Node key = entry.getKeyNode();
        Node value = entry.getValueNode();
        int line = key.getStartMark().getLine();
        if (flow && impliedNull(value) && key instanceof ScalarNode k) {
          found.add(
              "line "
                  + (line + 1)
                  + ": a key without a value, '"
                  + k.getValue()
                  + "', the rest of the text before it after a comma: "
                  + lines[line].strip());
        }
        if (key instanceof ScalarNode k
            && PROSE.contains(k.getValue())
            && value instanceof ScalarNode v
            && v.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN) {
          int end = v.getEndMark().getLine();
          String rest =
              lines[end].substring(Math.min(v.getEndMark().getColumn(), lines[end].length()));
          if (rest.strip().startsWith("#")) {
            found.add(
                "line " + (end + 1) + ": the text goes on in a comment: " + lines[end].strip());
          }
        }
        walk(key, lines, found);
        walk(value, lines, found);
      }
    }
  }

  /**
   * A value left out ({@code {a, b}} or {@code {a: }}), not one written as {@code null} or {@code
   * ~}.
   */
  private static boolean impliedNull(Node value) {
    return value instanceof ScalarNode s
        && Tag.NULL.equals(s.getTag())
        && s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
        && s.getValue().isEmpty();
  }
}
