package dev.troupe.testkit;

import static dev.troupe.testkit.PostgresConcurrencyTest.bounded;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL failing under a running cluster. It becomes unreachable in the middle of traffic and
 * comes back, with Troupe running all along: a TCP proxy between db-service and the server is cut
 * (every connection closed, new ones refused) and restored on the same port. During the cut every
 * request completes, database-bound ones with 503 + Retry-After (or 504), never a 500; afterwards
 * writes succeed again without a restart, and every acknowledged write is there with its
 * acknowledged version and data. And with the server up: a write waiting too long for a row lock,
 * or for a pooled connection, gets 503; one whose statement runs past the statement timeout 504.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Database faults on PostgreSQL")
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class DatabaseFaultTest {
  private static final String COLLECTION = "fault";
  private static final String DOCS = "/api/v1/docs/" + COLLECTION;
  private static final long MIN_CUT_MS = 3_000;
  private static final long RECOVERY_BOUND_MS = 30_000;
  private static final long RECOVERY_RETRY_MS = 100;
  private static final long TRAFFIC_PAUSE_MS = 40;
  private static final int TRAFFIC_LOOPS = 2;
  private static final int TRAFFIC_MAX_ITERATIONS = 1_000;
  private static final int STATEMENT_TIMEOUT_MS = 3_000;
  private static final int POOL_SIZE = 4;

  // Order matters: the schema's condition skips the class before anything connects, the proxy must
  // listen before the cluster migrates through it, and afterAll runs in reverse (cluster, proxy,
  // schema).
  @RegisterExtension
  @Order(1)
  static final PostgresSchema PG = new PostgresSchema();

  @RegisterExtension
  @Order(2)
  static final TcpProxy PROXY = TcpProxy.start(PostgresSchema.HOST, PostgresSchema.PORT);

  @RegisterExtension
  @Order(3)
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("gateway")
              .node("request", "cache")
              .node("db", "gateway")
              .setting("TROUPE_DB_URL", PostgresSchema.url(PROXY.port()))
              .setting("TROUPE_DB_SCHEMA", PG.schema())
              .setting("TROUPE_DB_CONNECT_TIMEOUT_MS", "500")
              .setting("TROUPE_DB_STATEMENT_TIMEOUT_MS", String.valueOf(STATEMENT_TIMEOUT_MS))
              .setting("TROUPE_DB_POOL_SIZE", String.valueOf(POOL_SIZE))
              // These tests are about how each database fault maps to a status, one after another
              // on one
              // cluster; a circuit opened by the previous test's faults would answer for the
              // database.
              // The breaker has tests of its own (CallPolicyTest).
              .setting("TROUPE_BREAKER_FAILURES", "1000000"));

  /** What a request was for: decides which answers it may get. */
  private enum Op {
    WRITE,
    UPDATE,
    DELETE,
    MISS_READ,
    HIT_READ,
    LIST,
    HEALTH
  }

  /** One HTTP exchange; status -1 when no answer came. */
  private record Outcome(
      Op op,
      String target,
      int gateway,
      long sentNs,
      long doneNs,
      int status,
      String retryAfter,
      String contentType,
      String body,
      HttpResponse<Buffer> response) {
    long latencyMs() {
      return TimeUnit.NANOSECONDS.toMillis(doneNs - sentNs);
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }

    @Override
    public String toString() {
      return op
          + " "
          + target
          + " via gateway "
          + gateway
          + " -> "
          + status
          + " after "
          + latencyMs()
          + " ms "
          + (retryAfter == null ? "" : "Retry-After " + retryAfter + " ")
          + body;
    }
  }

  /** A write whose answer acknowledged it: the key must hold this version and data afterwards. */
  private record Ack(long version, JsonObject data) {}

  /**
   * A write with no 2xx answer: it may have applied wholly or not at all (data null for a delete).
   */
  private record Attempt(String id, long versionIfApplied, JsonObject data, Outcome outcome) {}

  private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Ack> acked = new ConcurrentHashMap<>();
  private final List<Attempt> unacknowledged = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean stopTraffic = new AtomicBoolean();
  private volatile Map<String, Ack> ackedAtCut = Map.of();
  private volatile long cutStartNs;
  private volatile long cutDoneNs;
  private volatile long restoreStartNs;
  private volatile long restoreDoneNs;
  private volatile long recoveredNs;

  private Vertx vertx;
  private Http[] gateways;
  private Pool db;

  @BeforeEach
  void clients(Vertx vertx) {
    this.vertx = vertx;
    this.gateways =
        new Http[] {
          new Http(vertx, TROUPE.cluster().httpPort(0)),
          new Http(vertx, TROUPE.cluster().httpPort(2))
        };
    this.db = PG.directPool(vertx);
  }

  /**
   * Prints what the outage looked like, and leaves the database reachable for the next test even
   * after a failure.
   */
  @AfterEach
  void close() throws Exception {
    stopTraffic.set(true);
    if (cutStartNs != 0) {
      report();
    }
    if (PROXY.isCut()) {
      PROXY
          .restore(vertx.getOrCreateContext())
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    }
    for (Http gateway : gateways) {
      gateway.close();
    }
    db.close();
  }

  @Test
  @DisplayName(
      "PostgreSQL cut mid-traffic: 503 + Retry-After (or 504), never a hang or a 500; restored, writes"
          + " succeed again without a restart and every acknowledged write has its version and data")
  void outageAndRecovery(VertxTestContext ctx) {
    Checkpoint written = ctx.checkpoint();
    Checkpoint refusedDuringCut = ctx.checkpoint();
    Checkpoint recovered = ctx.checkpoint();
    Checkpoint durable = ctx.checkpoint();
    Context context = vertx.getOrCreateContext();
    List<Future<Void>> traffic = new ArrayList<>();

    writeBefore()
        .compose(
            v -> {
              written.flag();
              IntStream.range(0, TRAFFIC_LOOPS).forEach(loop -> traffic.add(trafficLoop(loop, 0)));
              // Cut only once the traffic is flowing, so requests are in flight across the cut.
              return waitUntil(
                  () -> ackedTraffic() >= 6, 15_000, "background traffic acknowledged");
            })
        .compose(
            v -> {
              ackedAtCut = Map.copyOf(acked);
              cutStartNs = System.nanoTime();
              return PROXY.cut(context);
            })
        .compose(
            v -> {
              cutDoneNs = System.nanoTime();
              return probeDuringCut();
            })
        .compose(v -> delay(Math.max(1, MIN_CUT_MS - millisSince(cutStartNs))))
        // A write once the outage has lasted a while: still refused promptly, no pile-up.
        .compose(v -> write(Op.WRITE, 1, "cut-late", null))
        .compose(
            v -> {
              ctx.verify(
                  () -> {
                    List<Outcome> refused =
                        strictlyDuringCut().stream().filter(this::mustFailDuringCut).toList();
                    assertThat(refused)
                        .as("database-bound requests during the cut")
                        .hasSizeGreaterThan(20);
                    assertThat(
                            refused.stream()
                                .filter(o -> o.status() != 503 && o.status() != 504)
                                .map(Outcome::toString))
                        .as("database-bound requests during the cut answered other than 503/504")
                        .isEmpty();
                  });
              refusedDuringCut.flag();
              restoreStartNs = System.nanoTime();
              return PROXY.restore(context);
            })
        .compose(
            v -> {
              restoreDoneNs = System.nanoTime();
              return pollUntilWriteSucceeds(0, System.currentTimeMillis() + RECOVERY_BOUND_MS);
            })
        .compose(
            v -> {
              recovered.flag();
              return waitUntil(
                  () -> trafficAcksAfterRecovery() >= 3 * TRAFFIC_LOOPS,
                  20_000,
                  "background traffic acknowledged after the restore");
            })
        .compose(
            v -> {
              stopTraffic.set(true);
              return Future.all(traffic);
            })
        .compose(v -> writeAfter())
        .compose(v -> Future.all(storedRows(), readAllAcknowledged()))
        .onComplete(
            ctx.succeeding(
                all ->
                    ctx.verify(
                        () -> {
                          Map<String, Row> rows = all.resultAt(0);
                          Map<String, List<HttpResponse<Buffer>>> reads = all.resultAt(1);
                          assertThat(violations()).as("answers that break the rules").isEmpty();
                          assertThat(durabilityViolations(rows, reads))
                              .as(
                                  "acknowledged writes not stored as acknowledged, or"
                                      + " unacknowledged writes half-applied")
                              .isEmpty();
                          durable.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a write waiting for a row lock another transaction holds gives up with 503 + Retry-After and"
          + " changes nothing; meanwhile other documents are written and the locked one is read from the cache")
  void lockWait(VertxTestContext ctx) {
    Checkpoint gaveUp = ctx.checkpoint();
    Checkpoint unaffected = ctx.checkpoint();
    Checkpoint unchanged = ctx.checkpoint();
    String id = "held";
    String uri = "/api/v1/docs/locks/" + id;
    bounded(gateways[0].putJson(uri, "{\"v\":1}"))
        .compose(
            r -> {
              ctx.verify(
                  () ->
                      assertThat(r.statusCode()).as("create: %s", r.bodyAsString()).isEqualTo(201));
              return whileLocked(
                  id,
                  () ->
                      Future.all(
                          bounded(gateways[1].putJson(uri, "{\"v\":2}", "If-Match", "\"1\"")),
                          bounded(gateways[0].putJson(uri, "{\"v\":3}")),
                          bounded(gateways[0].putJson("/api/v1/docs/locks/free", "{\"v\":1}")),
                          bounded(gateways[1].get(uri))));
            })
        .compose(
            all -> {
              ctx.verify(
                  () -> {
                    for (int i = 0; i < 2; i++) {
                      HttpResponse<Buffer> r = all.resultAt(i);
                      DocumentApiClusterTest.assertProblem(r, 503);
                      assertThat(r.getHeader("Retry-After")).isNotBlank();
                    }
                  });
              gaveUp.flag();
              ctx.verify(
                  () -> {
                    HttpResponse<Buffer> other = all.resultAt(2);
                    assertThat(other.statusCode())
                        .as("write of another document: %s", other.bodyAsString())
                        .isEqualTo(201);
                    HttpResponse<Buffer> read = all.resultAt(3);
                    assertThat(read.statusCode())
                        .as("read of the locked document: %s", read.bodyAsString())
                        .isEqualTo(200);
                    assertThat(read.getHeader("ETag")).isEqualTo("\"1\"");
                  });
              unaffected.flag();
              return bounded(gateways[1].putJson(uri, "{\"v\":4}", "If-Match", "\"1\""));
            })
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.statusCode())
                        .as("If-Match \"1\" once the lock is gone: %s", r.bodyAsString())
                        .isEqualTo(200);
                    assertThat(r.getHeader("ETag")).isEqualTo("\"2\"");
                  });
              return storedRow("locks", id);
            })
        .onComplete(
            ctx.succeeding(
                row ->
                    ctx.verify(
                        () -> {
                          assertThat(row.getLong("version")).isEqualTo(2L);
                          assertThat(new JsonObject(row.getString("data")))
                              .isEqualTo(new JsonObject().put("v", 4));
                          unchanged.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a write whose statement runs past TROUPE_DB_STATEMENT_TIMEOUT_MS is cancelled: 504, nothing applied")
  void statementTimeout(VertxTestContext ctx) {
    Checkpoint timedOut = ctx.checkpoint();
    Checkpoint unchanged = ctx.checkpoint();
    String id = "slow";
    String uri = "/api/v1/docs/locks/" + id;
    String schema = PG.schema();
    // A trigger in the test's own schema makes writes of this one document sleep twice the
    // statement timeout.
    String slow =
        "CREATE FUNCTION "
            + schema
            + ".slow_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF NEW.collection = 'locks' AND NEW.id = '"
            + id
            + "' THEN PERFORM pg_sleep("
            + (2 * STATEMENT_TIMEOUT_MS / 1000.0)
            + "); END IF; RETURN NEW; END $$";
    String trigger =
        "CREATE TRIGGER slow_write BEFORE INSERT OR UPDATE ON "
            + schema
            + ".troupe_documents"
            + " FOR EACH ROW EXECUTE FUNCTION "
            + schema
            + ".slow_write()";
    String drop = "DROP TRIGGER slow_write ON " + schema + ".troupe_documents";
    bounded(gateways[0].putJson(uri, "{\"v\":1}"))
        .compose(
            r -> {
              ctx.verify(
                  () ->
                      assertThat(r.statusCode()).as("create: %s", r.bodyAsString()).isEqualTo(201));
              return db.query(slow).execute().compose(v -> db.query(trigger).execute());
            })
        .compose(
            v -> {
              long sent = System.nanoTime();
              return bounded(gateways[1].putJson(uri, "{\"v\":2}", "If-Match", "\"1\""))
                  .onSuccess(
                      r ->
                          System.out.printf(
                              "Statement timeout: the slow write was answered %d after %d ms"
                                  + " (statement timeout %d ms)%n",
                              r.statusCode(),
                              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent),
                              STATEMENT_TIMEOUT_MS))
                  .eventually(() -> db.query(drop).execute());
            })
        .compose(
            r -> {
              ctx.verify(() -> DocumentApiClusterTest.assertProblem(r, 504));
              timedOut.flag();
              return Future.all(storedRow("locks", id), bounded(gateways[0].get(uri)));
            })
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          Row row = both.resultAt(0);
                          assertThat(row.getLong("version")).isEqualTo(1L);
                          assertThat(new JsonObject(row.getString("data")))
                              .isEqualTo(new JsonObject().put("v", 1));
                          HttpResponse<Buffer> read = both.resultAt(1);
                          assertThat(read.getHeader("ETag")).isEqualTo("\"1\"");
                          unchanged.flag();
                        })));
  }

  @Test
  @DisplayName(
      "with every pooled connection held by writes waiting for a row lock, further writes get 503 +"
          + " Retry-After once TROUPE_DB_CONNECT_TIMEOUT_MS passes; none of them applies")
  void poolExhausted(VertxTestContext ctx) {
    Checkpoint answered = ctx.checkpoint();
    Checkpoint unchanged = ctx.checkpoint();
    String id = "crowded";
    String uri = "/api/v1/docs/locks/" + id;
    int writers = 3 * POOL_SIZE;
    bounded(gateways[0].putJson(uri, "{\"v\":0}"))
        .compose(
            r -> {
              ctx.verify(
                  () ->
                      assertThat(r.statusCode()).as("create: %s", r.bodyAsString()).isEqualTo(201));
              return whileLocked(
                  id,
                  () ->
                      Future.all(
                          IntStream.range(0, writers)
                              .mapToObj(
                                  i ->
                                      bounded(
                                          gateways[i % 2].putJson(uri, "{\"v\":" + (i + 1) + "}")))
                              .toList()));
            })
        .compose(
            all -> {
              List<HttpResponse<Buffer>> answers = all.list();
              System.out.printf(
                  "Pool exhausted: %d writes of a locked document with a pool of %d: %s%n",
                  writers,
                  POOL_SIZE,
                  new TreeMap<>(
                      answers.stream()
                          .collect(
                              Collectors.groupingBy(
                                  r ->
                                      r.statusCode()
                                          + " "
                                          + r.bodyAsJsonObject().getString("detail"),
                                  Collectors.counting()))));
              ctx.verify(
                  () -> {
                    assertThat(
                            answers.stream()
                                .filter(r -> r.statusCode() != 503)
                                .map(r -> r.statusCode() + " " + r.bodyAsString()))
                        .as(
                            "writes answered other than 503 (no free connection in time, or no lock in time)")
                        .isEmpty();
                    answers.forEach(
                        r -> {
                          DocumentApiClusterTest.assertProblem(r, 503);
                          assertThat(r.getHeader("Retry-After")).isNotBlank();
                        });
                  });
              answered.flag();
              return Future.all(storedRow("locks", id), bounded(gateways[1].get(uri)));
            })
        .onComplete(
            ctx.succeeding(
                both ->
                    ctx.verify(
                        () -> {
                          Row row = both.resultAt(0);
                          assertThat(row.getLong("version")).isEqualTo(1L);
                          assertThat(new JsonObject(row.getString("data")))
                              .isEqualTo(new JsonObject().put("v", 0));
                          HttpResponse<Buffer> read = both.resultAt(1);
                          assertThat(read.getHeader("ETag")).isEqualTo("\"1\"");
                          unchanged.flag();
                        })));
  }

  /**
   * Runs {@code requests} while the test's own transaction holds the row lock of document {@code
   * locks/<id>}, the lock every write of it must take; then rolls back.
   */
  private Future<CompositeFuture> whileLocked(
      String id, Supplier<Future<CompositeFuture>> requests) {
    return db.getConnection()
        .compose(
            conn ->
                conn.begin()
                    .compose(
                        tx ->
                            conn.preparedQuery(
                                    "SELECT version FROM "
                                        + PG.schema()
                                        + ".troupe_documents"
                                        + " WHERE collection = $1 AND id = $2 FOR UPDATE")
                                .execute(Tuple.of("locks", id))
                                .compose(locked -> requests.get())
                                .eventually(tx::rollback))
                    .eventually(conn::close));
  }

  /** The stored row of a document, read from PostgreSQL directly. */
  private Future<Row> storedRow(String collection, String id) {
    return db.preparedQuery(
            "SELECT version, deleted, data FROM "
                + PG.schema()
                + ".troupe_documents"
                + " WHERE collection = $1 AND id = $2")
        .execute(Tuple.of(collection, id))
        .map(rows -> rows.iterator().next());
  }

  // ---- phases ----

  /**
   * Creates 8 documents (and updates 4) through the gateways, and 4 only the database has (cache
   * misses later). One at a time: this phase is the baseline, not a load test of a cold pool.
   */
  private Future<Void> writeBefore() {
    List<Supplier<Future<?>>> steps = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      steps.add(() -> write(Op.WRITE, n, "before-" + n, null));
    }
    Bus bus = new Bus(TROUPE.cluster().node(2).vertx(), 5_000);
    for (int i = 0; i < 4; i++) {
      String id = "dbonly-" + i;
      JsonObject data =
          new JsonObject().put("id", id).put("phase", "before").put("via", "db-service");
      steps.add(
          () ->
              bus.request(
                      DbContract.ADDRESS,
                      DbContract.PUT.name(),
                      DocWire.toJson(
                          new PutDoc(new DocKey(COLLECTION, id), data, Precondition.NONE)),
                      "fault-test")
                  .onSuccess(
                      reply ->
                          acked.put(
                              id, new Ack(DocWire.putResult(reply).document().version(), data))));
    }
    for (int i = 0; i < 4; i++) {
      int n = i;
      steps.add(() -> write(Op.UPDATE, n, "before-" + n, 1L));
    }
    for (int i = 0; i < 8; i++) {
      int n = i;
      steps.add(() -> call(Op.HIT_READ, 1, "before-" + n, gateways[1].get(DOCS + "/before-" + n)));
    }
    Future<?> chain = Future.succeededFuture();
    for (Supplier<Future<?>> step : steps) {
      chain = chain.compose(v -> step.get());
    }
    return chain.map(
        v -> {
          List<Outcome> before = List.copyOf(outcomes);
          assertThat(before).as("writes and reads before the cut").hasSize(20);
          assertThat(
                  before.stream()
                      .filter(o -> o.status() != (o.op() == Op.WRITE ? 201 : 200))
                      .map(Outcome::toString))
              .as("writes (201) and reads (200) before the cut")
              .isEmpty();
          assertThat(acked).hasSize(12);
          return null;
        });
  }

  /** Everything at once while no connection reaches the database. */
  private Future<Void> probeDuringCut() {
    List<Future<?>> probes = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      probes.add(write(Op.WRITE, i, "cut-" + i, null));
    }
    probes.add(write(Op.UPDATE, 0, "before-4", acked.get("before-4").version()));
    probes.add(write(Op.UPDATE, 1, "before-5", acked.get("before-5").version()));
    probes.add(delete(1, "before-6", acked.get("before-6").version()));
    for (int i = 0; i < 4; i++) {
      probes.add(call(Op.MISS_READ, i, "dbonly-" + i, gateways[i % 2].get(DOCS + "/dbonly-" + i)));
      probes.add(call(Op.MISS_READ, i, "never-" + i, gateways[i % 2].get(DOCS + "/never-" + i)));
    }
    for (String id : List.of("before-0", "before-1", "before-2", "before-3", "before-7")) {
      for (int g = 0; g < 2; g++) {
        probes.add(call(Op.HIT_READ, g, id, gateways[g].get(DOCS + "/" + id)));
      }
    }
    probes.add(call(Op.LIST, 0, "list", gateways[0].get(DOCS + "?limit=10")));
    for (int g = 0; g < 2; g++) {
      probes.add(call(Op.HEALTH, g, "/health/ready", gateways[g].get("/health/ready")));
    }
    return Future.all(probes).mapEmpty();
  }

  /** After the restore: one new document per attempt until one is acknowledged, bounded. */
  private Future<Void> pollUntilWriteSucceeds(int attempt, long deadlineMs) {
    return write(Op.WRITE, attempt, "recover-" + attempt, null)
        .compose(
            o -> {
              HttpResponse<Buffer> r = o.response();
              if (o.ok()) {
                recoveredNs = System.nanoTime();
                return Future.succeededFuture();
              }
              if (r.statusCode() != 503 && r.statusCode() != 504) {
                return Future.failedFuture(
                    new AssertionError(
                        "while recovering: " + r.statusCode() + " " + r.bodyAsString()));
              }
              if (System.currentTimeMillis() > deadlineMs) {
                return Future.failedFuture(
                    new AssertionError(
                        "no write succeeded within "
                            + RECOVERY_BOUND_MS
                            + " ms of restoring the database; last answer "
                            + r.statusCode()
                            + " "
                            + r.bodyAsString()));
              }
              return delay(RECOVERY_RETRY_MS)
                  .compose(v -> pollUntilWriteSucceeds(attempt + 1, deadlineMs));
            });
  }

  /** New documents and updates once the database is back: all acknowledged. */
  private Future<Void> writeAfter() {
    int from = outcomes.size();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      writes.add(write(Op.WRITE, i, "after-" + i, null));
    }
    for (String id : List.of("before-0", "before-1", "before-7")) {
      writes.add(write(Op.UPDATE, 0, id, acked.get(id).version()));
    }
    return Future.all(writes)
        .map(
            v -> {
              assertThat(
                      List.copyOf(outcomes).stream()
                          .skip(from)
                          .filter(o -> o.target().startsWith("after-") || o.op() == Op.UPDATE)
                          .filter(o -> !o.ok())
                          .map(Outcome::toString))
                  .as("writes after recovery that were not acknowledged")
                  .isEmpty();
              return null;
            });
  }

  /**
   * Writes a new document, then reads a never-written one, over and over, across the cut and the
   * restore.
   */
  private Future<Void> trafficLoop(int loop, int n) {
    if (stopTraffic.get() || n >= TRAFFIC_MAX_ITERATIONS) {
      return Future.succeededFuture();
    }
    String id = "traffic-" + loop + "-" + n;
    return write(Op.WRITE, loop, id, null)
        .compose(
            r ->
                call(
                    Op.MISS_READ,
                    loop,
                    "absent-" + loop + "-" + n,
                    gateways[loop % 2].get(DOCS + "/absent-" + loop + "-" + n)))
        .compose(r -> delay(TRAFFIC_PAUSE_MS))
        .compose(v -> trafficLoop(loop, n + 1));
  }

  // ---- requests ----

  /** PUT; a new document when {@code ifMatch} is null, else an update of {@code ifMatch}. */
  private Future<Outcome> write(Op op, int gateway, String id, Long ifMatch) {
    JsonObject data =
        new JsonObject().put("id", id).put("op", op.name()).put("at", System.nanoTime());
    Http http = gateways[gateway % 2];
    Future<HttpResponse<Buffer>> sent =
        ifMatch == null
            ? http.putJson(DOCS + "/" + id, data.encode())
            : http.putJson(DOCS + "/" + id, data.encode(), "If-Match", "\"" + ifMatch + "\"");
    return call(op, gateway, id, sent)
        .onSuccess(
            o -> {
              if (o.ok()) {
                JsonObject env = o.response().bodyAsJsonObject();
                acked.merge(
                    id,
                    new Ack(env.getLong("version"), env.getJsonObject("data")),
                    (old, now) -> now.version() > old.version() ? now : old);
              } else {
                unacknowledged.add(new Attempt(id, ifMatch == null ? 1 : ifMatch + 1, data, o));
              }
            });
  }

  private Future<Outcome> delete(int gateway, String id, long ifMatch) {
    return call(
            Op.DELETE,
            gateway,
            id,
            gateways[gateway % 2].delete(DOCS + "/" + id, "If-Match", "\"" + ifMatch + "\""))
        .onSuccess(
            o -> {
              if (o.ok()) {
                acked.remove(id);
              } else {
                unacknowledged.add(new Attempt(id, ifMatch + 1, null, o));
              }
            });
  }

  /** Sends one request, bounded, and records what came back; no answer at all fails the test. */
  private Future<Outcome> call(
      Op op, int gateway, String target, Future<HttpResponse<Buffer>> request) {
    long sent = System.nanoTime();
    return bounded(request)
        .transform(
            ar -> {
              long done = System.nanoTime();
              if (ar.failed()) {
                outcomes.add(
                    new Outcome(
                        op,
                        target,
                        gateway % 2,
                        sent,
                        done,
                        -1,
                        null,
                        null,
                        String.valueOf(ar.cause()),
                        null));
                return Future.failedFuture(
                    new AssertionError(
                        op
                            + " "
                            + target
                            + " via gateway "
                            + gateway % 2
                            + " got no answer: "
                            + ar.cause(),
                        ar.cause()));
              }
              HttpResponse<Buffer> r = ar.result();
              Outcome outcome =
                  new Outcome(
                      op,
                      target,
                      gateway % 2,
                      sent,
                      done,
                      r.statusCode(),
                      r.getHeader("Retry-After"),
                      r.getHeader("Content-Type"),
                      r.bodyAsString(),
                      r);
              outcomes.add(outcome);
              return Future.succeededFuture(outcome);
            });
  }

  // ---- checks ----

  /**
   * Answers against the rules: never 500, never without an answer, 503 always with Retry-After, the
   * right statuses.
   */
  private List<String> violations() {
    List<String> bad = new ArrayList<>();
    for (Outcome o : List.copyOf(outcomes)) {
      int s = o.status();
      boolean unavailable = s == 503 || s == 504;
      boolean allowed =
          switch (o.op()) {
            case WRITE -> s == 201 || unavailable;
            case UPDATE -> s == 200 || unavailable;
            case DELETE -> s == 204 || unavailable;
            case MISS_READ ->
                o.target().startsWith("never-") || o.target().startsWith("absent-")
                    ? s == 404 || unavailable
                    : s == 200 || unavailable;
            case HIT_READ -> s == 200 || unavailable;
            case LIST -> s == 200 || unavailable;
            case HEALTH -> s == 200 || s == 503;
          };
      if (!allowed) {
        bad.add("status not allowed: " + o);
      }
      if (o.op() != Op.HEALTH && s == 503 && (o.retryAfter() == null || o.retryAfter().isBlank())) {
        bad.add("503 without Retry-After: " + o);
      }
      if (o.op() != Op.HEALTH
          && unavailable
          && !"application/problem+json".equals(o.contentType())) {
        bad.add("not a problem+json: " + o);
      }
      if (o.op() == Op.HIT_READ && s == 200 && strictlyDuringCut(o)) {
        JsonObject env = new JsonObject(o.body());
        Ack expected = ackedAtCut.get(o.target());
        if (expected == null
            || (env.getLong("version") != expected.version()
                || !expected.data().equals(env.getJsonObject("data")))) {
          bad.add("cache hit with other than the acknowledged " + expected + ": " + o);
        }
      }
    }
    for (Outcome o : strictlyDuringCut()) {
      if (mustFailDuringCut(o) && o.ok()) {
        bad.add("a database-bound request succeeded while the database was unreachable: " + o);
      }
    }
    return bad;
  }

  private boolean mustFailDuringCut(Outcome o) {
    return switch (o.op()) {
      case WRITE, UPDATE, DELETE, MISS_READ, LIST -> true;
      case HIT_READ, HEALTH -> false;
    };
  }

  /** Requests sent after the cut completed and answered before the restore began. */
  private List<Outcome> strictlyDuringCut() {
    return List.copyOf(outcomes).stream().filter(this::strictlyDuringCut).toList();
  }

  private boolean strictlyDuringCut(Outcome o) {
    return cutDoneNs != 0
        && o.sentNs() >= cutDoneNs
        && (restoreStartNs == 0 || o.doneNs() <= restoreStartNs);
  }

  private List<String> durabilityViolations(
      Map<String, Row> rows, Map<String, List<HttpResponse<Buffer>>> reads) {
    List<String> bad = new ArrayList<>();
    Map<String, List<Attempt>> attemptsById =
        unacknowledged.stream().collect(Collectors.groupingBy(Attempt::id));
    for (Attempt a : List.copyOf(unacknowledged)) {
      Row row = rows.get(a.id());
      boolean applied =
          row != null
              && row.getLong("version") == a.versionIfApplied()
              && (a.data() == null
                  ? row.getBoolean("deleted")
                  : !row.getBoolean("deleted")
                      && a.data().equals(new JsonObject(row.getString("data"))));
      Ack ack = acked.get(a.id());
      boolean untouched =
          ack == null
              ? row == null
              : row != null
                  && !row.getBoolean("deleted")
                  && row.getLong("version") == ack.version()
                  && ack.data().equals(new JsonObject(row.getString("data")));
      if (!applied && !untouched) {
        bad.add(
            "half-applied or foreign state after an unacknowledged "
                + a.outcome()
                + ": stored "
                + describe(row));
      } else if (applied
          && a.outcome() != null
          && a.outcome().status() == 503
          && strictlyDuringCut(a.outcome())) {
        bad.add("answered 503 while the database was unreachable, yet applied: " + a.outcome());
      }
    }
    for (Map.Entry<String, Ack> e : new TreeMap<>(acked).entrySet()) {
      String id = e.getKey();
      Ack ack = e.getValue();
      Row row = rows.get(id);
      boolean asAcknowledged =
          row != null
              && !row.getBoolean("deleted")
              && row.getLong("version") == ack.version()
              && ack.data().equals(new JsonObject(row.getString("data")));
      boolean laterUnacknowledgedApplied =
          attemptsById.getOrDefault(id, List.of()).stream()
              .anyMatch(
                  a ->
                      a.outcome() != null
                          && a.outcome().status() == 504
                          && row != null
                          && row.getLong("version") == a.versionIfApplied());
      if (!asAcknowledged && !laterUnacknowledgedApplied) {
        bad.add(
            "acknowledged "
                + id
                + " version "
                + ack.version()
                + " "
                + ack.data().encode()
                + " but stored "
                + describe(row));
      }
      for (HttpResponse<Buffer> r : reads.get(id)) {
        if (r.statusCode() != 200
            || row == null
            || !Objects.equals(r.bodyAsJsonObject().getLong("version"), row.getLong("version"))
            || !new JsonObject(row.getString("data"))
                .equals(r.bodyAsJsonObject().getJsonObject("data"))) {
          bad.add(
              "read of acknowledged "
                  + id
                  + " (stored "
                  + describe(row)
                  + ") -> "
                  + r.statusCode()
                  + " "
                  + r.getHeader("X-Cache")
                  + " "
                  + r.bodyAsString());
        }
      }
    }
    return bad;
  }

  private static String describe(Row row) {
    return row == null
        ? "no row"
        : "version "
            + row.getLong("version")
            + (row.getBoolean("deleted") ? " (deleted)" : " " + row.getString("data"));
  }

  /** Every row of the collection, straight from PostgreSQL. */
  private Future<Map<String, Row>> storedRows() {
    return db.preparedQuery(
            "SELECT id, version, deleted, data FROM "
                + PG.schema()
                + ".troupe_documents"
                + " WHERE collection = $1")
        .execute(Tuple.of(COLLECTION))
        .map(
            rowSet -> {
              Map<String, Row> rows = new HashMap<>();
              rowSet.forEach(row -> rows.put(row.getString("id"), row));
              return rows;
            });
  }

  /** Each acknowledged document read through both gateways. */
  private Future<Map<String, List<HttpResponse<Buffer>>>> readAllAcknowledged() {
    Map<String, List<HttpResponse<Buffer>>> reads = new ConcurrentHashMap<>();
    Set<String> ids = Set.copyOf(acked.keySet());
    return Future.all(
            ids.stream()
                .map(
                    id ->
                        Future.all(
                                bounded(gateways[0].get(DOCS + "/" + id)),
                                bounded(gateways[1].get(DOCS + "/" + id)))
                            .onSuccess(both -> reads.put(id, both.list())))
                .toList())
        .map(v -> reads);
  }

  // ---- measurements ----

  private long ackedTraffic() {
    return List.copyOf(outcomes).stream()
        .filter(o -> o.target().startsWith("traffic-") && o.ok())
        .count();
  }

  private long trafficAcksAfterRecovery() {
    return List.copyOf(outcomes).stream()
        .filter(o -> o.target().startsWith("traffic-") && o.ok() && o.sentNs() > restoreDoneNs)
        .count();
  }

  private void report() {
    List<Outcome> all = List.copyOf(outcomes);
    long firstFailure =
        all.stream()
            .filter(o -> o.op() != Op.HEALTH && !o.ok() && o.status() >= 500)
            .mapToLong(Outcome::doneNs)
            .min()
            .orElse(0);
    long lastFailure =
        all.stream()
            .filter(o -> o.op() != Op.HEALTH && !o.ok() && o.status() >= 500)
            .mapToLong(Outcome::doneNs)
            .max()
            .orElse(0);
    long firstWriteAfterRestore =
        all.stream()
            .filter(
                o ->
                    (o.op() == Op.WRITE || o.op() == Op.UPDATE)
                        && o.ok()
                        && o.doneNs() > restoreStartNs)
            .mapToLong(Outcome::doneNs)
            .min()
            .orElse(0);
    Map<Integer, Long> cutStatuses =
        new TreeMap<>(
            strictlyDuringCut().stream()
                .filter(o -> o.op() != Op.HEALTH)
                .collect(Collectors.groupingBy(Outcome::status, Collectors.counting())));
    long hitsServed =
        strictlyDuringCut().stream().filter(o -> o.op() == Op.HIT_READ && o.ok()).count();
    long hits = strictlyDuringCut().stream().filter(o -> o.op() == Op.HIT_READ).count();
    System.out.printf(
        "Database fault: cut held %d ms (cut -> restore); first 5xx %d ms after the cut; last 5xx %d ms"
            + " after the cut; first write acknowledged %d ms after the restore began (%d ms after the cut);"
            + " the recovery poll succeeded %d ms after the restore completed%n",
        ms(cutStartNs, restoreStartNs),
        ms(cutStartNs, firstFailure),
        ms(cutStartNs, lastFailure),
        ms(restoreStartNs, firstWriteAfterRestore),
        ms(cutStartNs, firstWriteAfterRestore),
        ms(restoreDoneNs, recoveredNs));
    System.out.printf(
        "Database fault: during the cut, statuses %s; cache hits served %d of %d;"
            + " %d requests in all, %d acknowledged writes checked, %d unacknowledged writes checked;"
            + " the proxy accepted %d connections%n",
        cutStatuses,
        hitsServed,
        hits,
        all.size(),
        acked.size(),
        unacknowledged.size(),
        PROXY.accepted());
    System.out.printf(
        "Database fault: latency of acknowledged writes p50 %d ms, max %d ms; of refusals during the cut"
            + " p50 %d ms, max %d ms%n",
        percentile(all.stream().filter(o -> o.op() == Op.WRITE && o.ok()), 50),
        percentile(all.stream().filter(o -> o.op() == Op.WRITE && o.ok()), 100),
        percentile(strictlyDuringCut().stream().filter(o -> o.op() != Op.HEALTH && !o.ok()), 50),
        percentile(strictlyDuringCut().stream().filter(o -> o.op() != Op.HEALTH && !o.ok()), 100));
    all.stream()
        .filter(o -> o.op() == Op.HEALTH)
        .forEach(
            o ->
                System.out.println(
                    "Database fault: /health/ready during the cut via gateway "
                        + o.gateway()
                        + ": "
                        + o.status()
                        + " "
                        + o.body()));
    all.stream()
        .filter(o -> o.status() == 504)
        .limit(5)
        .forEach(o -> System.out.println("Database fault: 504: " + o));
  }

  private static long percentile(java.util.stream.Stream<Outcome> outcomes, int p) {
    long[] sorted = outcomes.mapToLong(Outcome::latencyMs).sorted().toArray();
    return sorted.length == 0
        ? -1
        : sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static long ms(long fromNs, long toNs) {
    return fromNs == 0 || toNs == 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(toNs - fromNs);
  }

  private static long millisSince(long ns) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ns);
  }

  // ---- waiting without sleeping ----

  private Future<Void> delay(long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(ms, t -> promise.complete());
    return promise.future();
  }

  private Future<Void> waitUntil(BooleanSupplier condition, long timeoutMs, String what) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    Promise<Void> promise = Promise.promise();
    check(condition, deadline, what, timeoutMs, promise);
    return promise.future();
  }

  private void check(
      BooleanSupplier condition,
      long deadline,
      String what,
      long timeoutMs,
      Promise<Void> promise) {
    if (condition.getAsBoolean()) {
      promise.complete();
    } else if (System.currentTimeMillis() > deadline) {
      promise.fail(new AssertionError("not within " + timeoutMs + " ms: " + what));
    } else {
      vertx.setTimer(20, t -> check(condition, deadline, what, timeoutMs, promise));
    }
  }
}
