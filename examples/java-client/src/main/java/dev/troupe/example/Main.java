package dev.troupe.example;

import dev.troupe.client.ClientOptions;
import dev.troupe.client.TroupeClient;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the Troupe cluster as a lite member ({@code troupe-client}) and runs {@link
 * ChangeCounterVerticle} on the client's Vert.x, with its HTTP port from {@code EXAMPLE_HTTP_PORT}
 * (default 8090). The cluster is the one of {@code ./troupe up} unless {@code TROUPE_CLUSTER_NAME}
 * and {@code TROUPE_CLUSTER_MEMBERS} (comma-separated {@code host:port}) name another; {@code
 * EXAMPLE_HOST} is the address the members reach this process on (default 127.0.0.1).
 *
 * <pre>{@code
 * ./troupe up                                                       # in Troupe's directory
 * mvn -q compile exec:java                                          # in this one
 * curl -X PUT localhost:8080/api/v1/docs/books/dune -H 'Content-Type: application/json' -d '{}'
 * curl localhost:8090/counts                                        # {"books":{"put":1,"delete":0}}
 * }</pre>
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    int port = Integer.parseInt(env.getOrDefault("EXAMPLE_HTTP_PORT", "8090"));
    ClientOptions options =
        ClientOptions.builder()
            .cluster(
                env.getOrDefault("TROUPE_CLUSTER_NAME", "troupe"),
                Arrays.stream(
                        env.getOrDefault("TROUPE_CLUSTER_MEMBERS", "127.0.0.1:5701").split(","))
                    .map(String::trim)
                    .toList())
            .host(env.getOrDefault("EXAMPLE_HOST", "127.0.0.1"))
            .build();
    LOG.info("joining Troupe: {}", options);
    TroupeClient.connect(options)
        .compose(
            troupe -> {
              Runtime.getRuntime()
                  .addShutdownHook(
                      new Thread(
                          () -> troupe.close().toCompletionStage().toCompletableFuture().join(),
                          "troupe-client-close"));
              return troupe
                  .vertx()
                  .deployVerticle(new ChangeCounterVerticle(troupe, port))
                  .map(id -> troupe);
            })
        .onSuccess(troupe -> LOG.info("change counter on http://127.0.0.1:{}/counts", port))
        .onFailure(
            failure -> {
              LOG.error("could not start: {}", failure.getMessage());
              System.exit(1);
            });
  }
}
