package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test kit example of docs/testing.md, kept compiling and passing here; a second test fails
 * when the page's example and this class part ways.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("docs/testing.md test kit example")
class TestKitExampleTest {
  private static final Path PAGE = Path.of("..", "docs", "testing.md");
  private static final Path THIS_SOURCE =
      Path.of("src", "test", "java", "dev", "troupe", "testkit", "TestKitExampleTest.java");
  private static final Pattern EXAMPLE =
      Pattern.compile("```java\n(.*?class MyServiceTest .*?)```", Pattern.DOTALL);

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway")
              .node("request", "cache")
              .node("db")
              .setting("TROUPE_CACHE_TTL_SECONDS", "60"));

  @Test
  @DisplayName("a document stored through the gateway is read back")
  void storesAndReads(Vertx vertx, VertxTestContext ctx) {
    WebClient http = WebClient.create(vertx);
    int port = TROUPE.cluster().httpPort(0);
    http.put(port, "127.0.0.1", "/api/v1/docs/orders/o1")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"total\":42}"))
        .compose(put -> http.get(port, "127.0.0.1", "/api/v1/docs/orders/o1").send())
        .onComplete(
            ctx.succeeding(
                get ->
                    ctx.verify(
                        () -> {
                          assertThat(get.statusCode()).isEqualTo(200);
                          assertThat(
                                  get.bodyAsJsonObject().getJsonObject("data").getInteger("total"))
                              .isEqualTo(42);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("the page's example is this class's cluster and test, whitespace aside")
  void pageShowsThisExample() throws IOException {
    Matcher block = EXAMPLE.matcher(Files.readString(PAGE));
    assertThat(block.find()).as("a java block with class MyServiceTest in " + PAGE).isTrue();
    String example = block.group(1);
    String cluster =
        example.substring(example.indexOf("@RegisterExtension"), example.indexOf("@Test"));
    String test = example.substring(example.indexOf("void storesAndReads("));
    test = test.substring(0, test.lastIndexOf('}')); // the class's closing brace
    String source = withoutWhitespace(Files.readString(THIS_SOURCE));
    assertThat(source)
        .as("the cluster of the example in " + PAGE)
        .contains(withoutWhitespace(cluster))
        .as("the test method of the example in " + PAGE)
        .contains(withoutWhitespace(test));
  }

  private static String withoutWhitespace(String text) {
    return text.replaceAll("\\s+", "");
  }
}
