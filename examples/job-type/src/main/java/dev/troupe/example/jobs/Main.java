package dev.troupe.example.jobs;

import dev.troupe.client.ClientOptions;
import dev.troupe.client.TroupeClient;
import dev.troupe.shared.jobs.JobTypeOptions;
import dev.troupe.shared.jobs.JobTypes;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the Troupe cluster as a lite member ({@code troupe-client}) and registers the job type
 * {@value WordCount#TYPE} on the client's Vert.x; it then runs that type's chunks until it is
 * stopped. The cluster is the one of {@code ./troupe up} unless {@code TROUPE_CLUSTER_NAME} and
 * {@code TROUPE_CLUSTER_MEMBERS} (comma-separated {@code host:port}) name another; {@code
 * EXAMPLE_HOST} is the address the members reach this process on (default 127.0.0.1). {@code
 * WORDCOUNT_NODE} names this process in the output (default its pid@host), {@code
 * WORDCOUNT_DELAY_MS} adds work per chunk (default 0) and {@code WORDCOUNT_LEASE_MS} sets the lease
 * (default 30000). It prints {@value #PREFIX}{@code ready} once registered, then a line per chunk
 * started and done.
 *
 * <pre>{@code
 * ./troupe up                                                       # in Troupe's directory
 * mvn -q compile exec:java                                          # in this one
 * printf '{"text":"to be or not"}\n{"text":"to be"}\n' | curl -s -X POST \
 *   'localhost:8080/api/v1/jobs?type=wordcount&collection=texts&input=ndjson' \
 *   -H 'Content-Type: application/x-ndjson' --data-binary @-        # 202 {"id":"3f2a..."}
 * curl -s localhost:8080/api/v1/jobs/3f2a.../result                 # {"item":1,"words":4,...} ...
 * }</pre>
 */
public final class Main {
  /** The prefix of the lines this process prints for whoever runs it. */
  public static final String PREFIX = "WORDCOUNT ";

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
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
    String node =
        env.getOrDefault("WORDCOUNT_NODE", ManagementFactory.getRuntimeMXBean().getName());
    long delayMs = Long.parseLong(env.getOrDefault("WORDCOUNT_DELAY_MS", "0"));
    JobTypeOptions jobOptions =
        JobTypeOptions.defaults()
            .leaseMs(Long.parseLong(env.getOrDefault("WORDCOUNT_LEASE_MS", "30000")));
    LOG.info("joining Troupe: {}", options);
    TroupeClient.connect(options)
        .compose(
            troupe -> {
              Runtime.getRuntime()
                  .addShutdownHook(
                      new Thread(
                          () -> troupe.close().toCompletionStage().toCompletableFuture().join(),
                          "troupe-client-close"));
              return JobTypes.register(
                  troupe.vertx(),
                  WordCount.TYPE,
                  jobOptions,
                  new WordCount(troupe.vertx(), node, delayMs, Main::print));
            })
        .onSuccess(registration -> print("ready " + node))
        .onFailure(
            failure -> {
              LOG.error("could not start: {}", failure.getMessage());
              System.exit(1);
            });
  }

  private static synchronized void print(String line) {
    System.out.println(PREFIX + line);
    System.out.flush();
  }
}
