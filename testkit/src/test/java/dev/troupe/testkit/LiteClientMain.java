package dev.troupe.testkit;

import dev.troupe.client.ClientOptions;
import dev.troupe.client.TroupeClient;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A JVM service that uses Troupe through {@code troupe-client} as a lite member, run as a child
 * process by {@link LiteMemberClientTest}: {@code java ... LiteClientMain <cluster> <member>}. It
 * prints one line per fact, {@value #PREFIX} and a JSON object: {@code ready} (with its Hazelcast
 * member's UUID), each change event it is told of, and the answer to each command read from stdin
 * ({@code put <collection> <id> <json>}, {@code get <collection> <id>}). It runs until it is
 * killed.
 */
public final class LiteClientMain {
  static final String PREFIX = "CLIENT ";

  private LiteClientMain() {}

  public static void main(String[] args) throws Exception {
    ClientOptions options =
        ClientOptions.builder().cluster(args[0], args[1]).timeout(Duration.ofSeconds(10)).build();
    TroupeClient troupe =
        TroupeClient.connect(options).toCompletionStage().toCompletableFuture().get();
    troupe
        .onChange(
            change ->
                print(
                    new JsonObject()
                        .put("kind", "event")
                        .put("op", change.op())
                        .put("collection", change.key().collection())
                        .put("id", change.key().id())
                        .put("version", change.version())))
        .toCompletionStage()
        .toCompletableFuture()
        .get();
    // The Hazelcast member this JVM is, as the cluster's data members list it.
    String member =
        ((HazelcastClusterManager) ((VertxInternal) troupe.vertx()).clusterManager())
            .getHazelcastInstance()
            .getCluster()
            .getLocalMember()
            .getUuid()
            .toString();
    print(new JsonObject().put("kind", "ready").put("member", member));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String read; (read = in.readLine()) != null; ) {
      String line = read;
      String[] words = line.split(" ", 4);
      DocKey key = DocKey.of(words[1], words[2]);
      Future<JsonObject> answer =
          switch (words[0]) {
            case "put" ->
                troupe
                    .put(key, new JsonObject(words[3]))
                    .map(
                        put ->
                            new JsonObject()
                                .put("kind", "put")
                                .put("id", key.id())
                                .put("version", put.document().version()));
            case "get" ->
                troupe
                    .get(key)
                    .map(
                        doc ->
                            new JsonObject()
                                .put("kind", "get")
                                .put("document", DocWire.toJson(doc)));
            default -> Future.failedFuture(new IllegalArgumentException(line));
          };
      answer.onComplete(
          ar ->
              print(
                  ar.succeeded()
                      ? ar.result()
                      : new JsonObject()
                          .put("kind", "error")
                          .put("command", line)
                          .put(
                              "code",
                              ar.cause() instanceof TroupeException te
                                  ? te.code().name()
                                  : ar.cause().toString())));
    }
  }

  private static synchronized void print(JsonObject line) {
    System.out.println(PREFIX + line.encode());
    System.out.flush();
  }
}
