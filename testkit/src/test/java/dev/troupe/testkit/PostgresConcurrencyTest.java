package dev.troupe.testkit;

import static dev.troupe.testkit.DocumentApiClusterTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Concurrent conditional writers on one document, through both gateways of a three-node cluster on
 * PostgreSQL: the database serialises them, so every acknowledged write has a version of its own,
 * the final version counts the acknowledged writes, and the final data is the last acknowledged
 * one.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Concurrent writers on PostgreSQL")
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class PostgresConcurrencyTest {
  private static final long HTTP_DEADLINE_S = 30;
  private static final int WRITERS = 8;
  private static final int ATTEMPTS = 200;
  private static final int RACERS = 20;

  // Before the cluster: its condition skips the class without PostgreSQL, its afterAll drops the
  // schema last.
  @RegisterExtension
  @Order(1)
  static final PostgresSchema PG = new PostgresSchema();

  @RegisterExtension
  @Order(2)
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway")
              .node("request", "cache")
              .node("db", "gateway")
              .setting("TROUPE_DB_URL", PG.url())
              .setting("TROUPE_DB_SCHEMA", PG.schema()));

  private Http gatewayA;
  private Http gatewayB;
  private Pool db;

  @BeforeEach
  void clients(Vertx vertx) {
    gatewayA = new Http(vertx, TROUPE.cluster().httpPort(0));
    gatewayB = new Http(vertx, TROUPE.cluster().httpPort(2));
    db = PG.directPool(vertx);
  }

  @AfterEach
  void close() {
    gatewayA.close();
    gatewayB.close();
    db.close();
  }

  private Http gateway(int n) {
    return n % 2 == 0 ? gatewayA : gatewayB;
  }

  /** One acknowledged (200) conditional write. */
  private record Ack(int writer, int attempt, long ifMatch, long version, JsonObject data) {}

  @Test
  @DisplayName(
      "8 If-Match writer loops over both gateways: final version = 1 + the 200s, no version twice,"
          + " data = the last acknowledged write, changes logged once per version")
  void ifMatchWriters(VertxTestContext ctx) {
    Checkpoint created = ctx.checkpoint();
    Checkpoint loopsDone = ctx.checkpoint();
    Checkpoint consistent = ctx.checkpoint();
    String id = "writers";
    String uri = "/api/v1/docs/race/" + id;
    List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger preconditionFailed = new AtomicInteger();
    List<String> unexpected = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger remaining = new AtomicInteger(ATTEMPTS);
    long started = System.nanoTime();

    bounded(gatewayA.putJson(uri, new JsonObject().put("writer", -1).put("attempt", 0).encode()))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode()).as("create: %s", r.bodyAsString()).isEqualTo(201);
                    assertThat(r.getHeader("ETag")).isEqualTo("\"1\"");
                  });
              created.flag();
              List<Future<Void>> loops =
                  IntStream.range(0, WRITERS)
                      .mapToObj(
                          w ->
                              writerLoop(
                                  uri, w, 0, remaining, acks, preconditionFailed, unexpected))
                      .toList();
              return Future.all(loops);
            })
        .compose(
            done -> {
              ctx.verify(
                  () -> {
                    assertThat(unexpected)
                        .as("answers other than 200/412, or wrong 200s")
                        .isEmpty();
                    assertThat(acks.size() + preconditionFailed.get()).isEqualTo(ATTEMPTS);
                  });
              loopsDone.flag();
              System.out.printf(
                  "If-Match writers: %d attempts in %d ms: %d x 200, %d x 412%n",
                  ATTEMPTS,
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                  acks.size(),
                  preconditionFailed.get());
              return Future.all(
                  bounded(gatewayA.get(uri)),
                  bounded(gatewayB.get(uri)),
                  stored("race", id),
                  changeVersions("race", id));
            })
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          List<Long> versions = acks.stream().map(Ack::version).sorted().toList();
                          assertThat(versions)
                              .as("versions of the 200 answers")
                              .doesNotHaveDuplicates();
                          assertThat(acks).as("at least one writer made progress").isNotEmpty();
                          long expectedFinal = 1L + acks.size();
                          assertThat(versions)
                              .containsExactlyElementsOf(
                                  LongStream.rangeClosed(2, expectedFinal).boxed().toList());
                          Ack last =
                              acks.stream()
                                  .max(Comparator.comparingLong(Ack::version))
                                  .orElseThrow();

                          Row row = all.resultAt(2);
                          assertThat(row).as("row in %s.troupe_documents", PG.schema()).isNotNull();
                          assertThat(row.getLong("version"))
                              .as("stored version")
                              .isEqualTo(expectedFinal);
                          assertThat(row.getBoolean("deleted")).isFalse();
                          assertThat(new JsonObject(row.getString("data")))
                              .as("stored data")
                              .isEqualTo(last.data());
                          for (int i = 0; i < 2; i++) {
                            HttpResponse<Buffer> r = all.resultAt(i);
                            assertThat(r.statusCode()).isEqualTo(200);
                            assertThat(r.getHeader("ETag"))
                                .as("ETag through gateway %d", i)
                                .isEqualTo("\"" + expectedFinal + "\"");
                            assertThat(r.bodyAsJsonObject().getJsonObject("data"))
                                .isEqualTo(last.data());
                          }
                          List<Long> changes = all.resultAt(3);
                          assertThat(changes)
                              .as("troupe_changes versions in commit order")
                              .containsExactlyElementsOf(
                                  LongStream.rangeClosed(1, expectedFinal).boxed().toList());
                          consistent.flag();
                        })));
  }

  /**
   * One writer: read the current version through one gateway, write with If-Match through the
   * other, until the shared budget of attempts is spent.
   */
  private Future<Void> writerLoop(
      String uri,
      int writer,
      int attempt,
      AtomicInteger remaining,
      List<Ack> acks,
      AtomicInteger preconditionFailed,
      List<String> unexpected) {
    if (remaining.getAndDecrement() <= 0 || !unexpected.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonObject data = new JsonObject().put("writer", writer).put("attempt", attempt);
    return bounded(gateway(writer + attempt).get(uri))
        .compose(
            read -> {
              if (read.statusCode() != 200) {
                unexpected.add(
                    "GET " + uri + " -> " + read.statusCode() + " " + read.bodyAsString());
                return Future.succeededFuture();
              }
              long seen = read.bodyAsJsonObject().getLong("version");
              if (!("\"" + seen + "\"").equals(read.getHeader("ETag"))) {
                unexpected.add(
                    "GET " + uri + ": ETag " + read.getHeader("ETag") + " but version " + seen);
              }
              return bounded(
                      gateway(writer + attempt + 1)
                          .putJson(uri, data.encode(), "If-Match", "\"" + seen + "\""))
                  .map(
                      write -> {
                        judge(
                            write,
                            writer,
                            attempt,
                            seen,
                            data,
                            acks,
                            preconditionFailed,
                            unexpected);
                        return null;
                      });
            })
        .compose(
            v ->
                writerLoop(
                    uri, writer, attempt + 1, remaining, acks, preconditionFailed, unexpected));
  }

  private static void judge(
      HttpResponse<Buffer> write,
      int writer,
      int attempt,
      long ifMatch,
      JsonObject data,
      List<Ack> acks,
      AtomicInteger preconditionFailed,
      List<String> unexpected) {
    String what =
        "writer "
            + writer
            + " attempt "
            + attempt
            + " If-Match \""
            + ifMatch
            + "\" -> "
            + write.statusCode()
            + " "
            + write.getHeader("ETag")
            + " "
            + write.bodyAsString();
    if (write.statusCode() == 412) {
      preconditionFailed.incrementAndGet();
    } else if (write.statusCode() == 200) {
      JsonObject env = write.bodyAsJsonObject();
      long version = env.getLong("version");
      acks.add(new Ack(writer, attempt, ifMatch, version, env.getJsonObject("data")));
      if (version != ifMatch + 1
          || !("\"" + version + "\"").equals(write.getHeader("ETag"))
          || !data.equals(env.getJsonObject("data"))) {
        unexpected.add("a 200 that is not the write it acknowledges: " + what);
      }
    } else {
      unexpected.add(what);
    }
  }

  @Test
  @DisplayName(
      "20 concurrent PUTs with If-Match \"1\" over both gateways: exactly one 200 (version 2), 19 x 412")
  void ifMatchRace(VertxTestContext ctx) {
    Checkpoint oneWinner = ctx.checkpoint();
    Checkpoint stored = ctx.checkpoint();
    String id = "once";
    String uri = "/api/v1/docs/race/" + id;
    bounded(gatewayB.putJson(uri, "{\"racer\":-1}"))
        .compose(
            r -> {
              ctx.verify(
                  () ->
                      assertThat(r.statusCode()).as("create: %s", r.bodyAsString()).isEqualTo(201));
              return Future.all(
                  IntStream.range(0, RACERS)
                      .mapToObj(
                          n ->
                              bounded(
                                  gateway(n)
                                      .putJson(uri, "{\"racer\":" + n + "}", "If-Match", "\"1\"")))
                      .toList());
            })
        .compose(
            all -> {
              List<HttpResponse<Buffer>> answers = all.list();
              List<HttpResponse<Buffer>> winners =
                  answers.stream().filter(r -> r.statusCode() == 200).toList();
              ctx.verify(
                  () -> {
                    assertThat(answers)
                        .extracting(HttpResponse::statusCode)
                        .as("statuses")
                        .containsOnly(200, 412);
                    assertThat(winners).as("200 answers: %s", bodies(winners)).hasSize(1);
                    assertThat(winners.get(0).getHeader("ETag")).isEqualTo("\"2\"");
                    answers.stream()
                        .filter(r -> r.statusCode() == 412)
                        .forEach(r -> assertProblem(r, 412));
                  });
              oneWinner.flag();
              JsonObject won = winners.get(0).bodyAsJsonObject().getJsonObject("data");
              return Future.all(
                      bounded(gatewayA.get(uri)), bounded(gatewayB.get(uri)), stored("race", id))
                  .map(
                      reads -> {
                        ctx.verify(
                            () -> {
                              for (int i = 0; i < 2; i++) {
                                HttpResponse<Buffer> r = reads.resultAt(i);
                                assertThat(r.getHeader("ETag")).isEqualTo("\"2\"");
                                assertThat(r.bodyAsJsonObject().getJsonObject("data"))
                                    .isEqualTo(won);
                              }
                              Row row = reads.resultAt(2);
                              assertThat(row.getLong("version")).isEqualTo(2L);
                              assertThat(new JsonObject(row.getString("data"))).isEqualTo(won);
                            });
                        return null;
                      });
            })
        .onComplete(ctx.succeeding(v -> stored.flag()));
  }

  @Test
  @DisplayName(
      "20 concurrent creators of one new key: with If-None-Match * one 201 and 19 x 412;"
          + " unconditional, one 201 and 19 x 200 with versions 1..20, each once")
  void concurrentCreators(VertxTestContext ctx) {
    Checkpoint createOnly = ctx.checkpoint();
    Checkpoint unconditional = ctx.checkpoint();
    String onlyUri = "/api/v1/docs/race/create-only";
    String anyUri = "/api/v1/docs/race/create-any";
    Future.all(
            IntStream.range(0, RACERS)
                .mapToObj(
                    n ->
                        bounded(
                            gateway(n)
                                .putJson(onlyUri, "{\"racer\":" + n + "}", "If-None-Match", "*")))
                .toList())
        .compose(
            all -> {
              List<HttpResponse<Buffer>> answers = all.list();
              ctx.verify(
                  () -> {
                    assertThat(answers)
                        .extracting(HttpResponse::statusCode)
                        .as("statuses of %s", bodies(answers))
                        .containsOnly(201, 412);
                    assertThat(answers)
                        .filteredOn(r -> r.statusCode() == 201)
                        .as("201 answers of %s", bodies(answers))
                        .hasSize(1);
                  });
              createOnly.flag();
              return Future.all(
                  IntStream.range(0, RACERS)
                      .mapToObj(n -> bounded(gateway(n).putJson(anyUri, "{\"racer\":" + n + "}")))
                      .toList());
            })
        .compose(
            all -> {
              List<HttpResponse<Buffer>> answers = all.list();
              ctx.verify(
                  () -> {
                    assertThat(answers)
                        .extracting(HttpResponse::statusCode)
                        .as("statuses of %s", bodies(answers))
                        .containsOnly(201, 200);
                    assertThat(answers)
                        .filteredOn(r -> r.statusCode() == 201)
                        .as("201 answers of %s", bodies(answers))
                        .hasSize(1);
                    assertThat(answers)
                        .extracting(r -> r.bodyAsJsonObject().getLong("version"))
                        .containsExactlyInAnyOrderElementsOf(
                            LongStream.rangeClosed(1, RACERS).boxed().toList());
                  });
              JsonObject last =
                  answers.stream()
                      .max(Comparator.comparingLong(r -> r.bodyAsJsonObject().getLong("version")))
                      .orElseThrow()
                      .bodyAsJsonObject()
                      .getJsonObject("data");
              return Future.all(stored("race", "create-any"), bounded(gatewayA.get(anyUri)))
                  .map(
                      reads -> {
                        ctx.verify(
                            () -> {
                              Row row = reads.resultAt(0);
                              assertThat(row.getLong("version")).isEqualTo((long) RACERS);
                              assertThat(new JsonObject(row.getString("data"))).isEqualTo(last);
                              HttpResponse<Buffer> r = reads.resultAt(1);
                              assertThat(r.getHeader("ETag")).isEqualTo("\"" + RACERS + "\"");
                              assertThat(r.bodyAsJsonObject().getJsonObject("data"))
                                  .isEqualTo(last);
                            });
                        return null;
                      });
            })
        .onComplete(ctx.succeeding(v -> unconditional.flag()));
  }

  private static List<String> bodies(List<HttpResponse<Buffer>> answers) {
    return answers.stream().map(r -> r.statusCode() + " " + r.bodyAsString()).toList();
  }

  /** The stored row of a document, read from PostgreSQL directly; null when there is none. */
  private Future<Row> stored(String collection, String id) {
    return db.preparedQuery(
            "SELECT version, deleted, data FROM "
                + PG.schema()
                + ".troupe_documents"
                + " WHERE collection = $1 AND id = $2")
        .execute(Tuple.of(collection, id))
        .map(
            rows -> {
              var it = rows.iterator();
              return it.hasNext() ? it.next() : null;
            });
  }

  /** The versions logged in troupe_changes for a document, in commit (seq) order. */
  private Future<List<Long>> changeVersions(String collection, String id) {
    return db.preparedQuery(
            "SELECT version FROM "
                + PG.schema()
                + ".troupe_changes"
                + " WHERE collection = $1 AND id = $2 ORDER BY seq")
        .execute(Tuple.of(collection, id))
        .map(
            rows -> {
              List<Long> versions = new ArrayList<>();
              rows.forEach(row -> versions.add(row.getLong(0)));
              return versions;
            });
  }

  /**
   * Every HTTP call completes, or fails the test: far above the 10 s gateway deadline, never a
   * hang.
   */
  static <T> Future<T> bounded(Future<T> call) {
    return call.timeout(HTTP_DEADLINE_S, TimeUnit.SECONDS);
  }
}
