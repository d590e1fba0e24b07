package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DeleteDoc;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutResult;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * db-service deployed by name on a plain (non-clustered) Vert.x, spoken to over the event bus: the
 * same behaviour on every backend. Each test starts with empty tables.
 */
abstract class DbServiceContract extends DatabaseContract {
  static final DocKey KEY = DocKey.of("notes", "bus-1");
  private static final String RID = "rid-test";

  /**
   * Empties the tables through a pool of its own, closed again before the test deploys db-service.
   */
  @BeforeEach
  final void emptyTables(Vertx vertx, VertxTestContext ctx) {
    Pool pool = backend.pool(vertx);
    db.reset(pool).eventually(pool::close).onComplete(ctx.succeedingThenComplete());
  }

  DeploymentOptions options() {
    return new DeploymentOptions().setConfig(db.config());
  }

  Future<String> deploy(Vertx vertx) {
    return deploy(vertx, options());
  }

  static Future<String> deploy(Vertx vertx, DeploymentOptions options) {
    return vertx.deployVerticle(DbService.class.getName(), options);
  }

  static Future<JsonObject> call(Vertx vertx, String action, JsonObject body) {
    return new Bus(vertx, 5000).request(DbContract.ADDRESS, action, body, RID);
  }

  static Future<PutResult> put(Vertx vertx, PutDoc put) {
    return call(vertx, DbContract.PUT.name(), DocWire.toJson(put)).map(DocWire::putResult);
  }

  private static Future<Throwable> failureOf(Future<?> future) {
    return TestDatabase.failureOf(future);
  }

  private static void assertReplyFailure(Throwable failure, ErrorCode code) {
    assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException reply = (ReplyException) failure;
    assertThat(reply.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(reply.failureCode()).as("failure code of %s", reply).isEqualTo(code.code());
  }

  @Test
  @DisplayName("deployed by name, db-service serves put, get, list and delete on its address")
  void servesTheContract(Vertx vertx, VertxTestContext ctx) {
    Checkpoint written = ctx.checkpoint();
    Checkpoint read = ctx.checkpoint();
    Checkpoint listed = ctx.checkpoint();
    Checkpoint deleted = ctx.checkpoint();
    JsonObject data = new JsonObject().put("title", "over the bus").put("n", 9007199254740993L);

    deploy(vertx)
        .compose(id -> put(vertx, new PutDoc(KEY, data, Precondition.NONE)))
        .compose(
            result -> {
              ctx.verify(
                  () -> {
                    assertThat(result.created()).isTrue();
                    assertThat(result.document().version()).isEqualTo(1);
                    assertThat(result.document().data()).isEqualTo(data);
                    written.flag();
                  });
              return call(vertx, DbContract.GET.name(), DocWire.toJson(KEY))
                  .map(CacheWire::lookup)
                  .map(
                      lookup -> {
                        ctx.verify(
                            () -> {
                              assertThat(lookup).isEqualTo(Lookup.found(result.document()));
                              read.flag();
                            });
                        return lookup;
                      });
            })
        .compose(
            lookup ->
                call(vertx, DbContract.LIST.name(), DocWire.toJson(new ListDocs("notes", 10, null)))
                    .map(DocWire::docPage))
        .compose(
            page -> {
              ctx.verify(
                  () -> {
                    assertThat(page.items()).extracting(d -> d.key()).containsExactly(KEY);
                    assertThat(page.next()).isNull();
                    listed.flag();
                  });
              return call(
                      vertx,
                      DbContract.DELETE.name(),
                      DocWire.toJson(new DeleteDoc(KEY, Precondition.ifMatch(1))))
                  .map(DocWire::deleteResult);
            })
        .compose(
            result -> {
              ctx.verify(() -> assertThat(result).isEqualTo(new DeleteResult(KEY, 2)));
              return call(vertx, DbContract.GET.name(), DocWire.toJson(KEY)).map(CacheWire::lookup);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(Lookup.absent(KEY, 2));
                          deleted.flag();
                        })));
  }

  @Test
  @DisplayName(
      "exact JSON numbers, NUL, emoji and key order survive the bus and the database both ways")
  void exactDataOverTheBus(Vertx vertx, VertxTestContext ctx) {
    String text =
        "{\"z\":0.1000000000000000055511151231257827,\"huge\":1e400,\"money\":1.50,"
            + "\"big\":123456789012345678901234567890,\"neg\":-5,\"s\":\"a\\u0000b \ud83d\ude00\",\"a\":1}";
    String expected = new JsonObject(text).encode();
    deploy(vertx)
        .compose(id -> put(vertx, new PutDoc(KEY, new JsonObject(text), Precondition.NONE)))
        .compose(
            r -> call(vertx, DbContract.GET.name(), DocWire.toJson(KEY)).map(CacheWire::lookup))
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.document().data().encode()).isEqualTo(expected);
                          assertThat(expected)
                              .contains(
                                  "0.1000000000000000055511151231257827",
                                  "1.50",
                                  "123456789012345678901234567890");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a committed put and a committed delete are each published as a change event, numbered one after the other")
  void publishesChangeEvents(Vertx vertx, VertxTestContext ctx) {
    Checkpoint putEvent = ctx.checkpoint();
    Checkpoint deleteEvent = ctx.checkpoint();
    long[] putSeq = {-1};
    MessageConsumer<JsonObject> events =
        vertx
            .eventBus()
            .consumer(
                DocEvents.ADDRESS,
                msg ->
                    ctx.verify(
                        () -> {
                          String op = msg.body().getString("op");
                          long seq = msg.body().getLong("seq");
                          if ("put".equals(op)) {
                            assertThat(seq).isPositive();
                            assertThat(msg.body())
                                .isEqualTo(ChangeWire.changeEvent("put", KEY, 1, seq));
                            putSeq[0] = seq;
                            putEvent.flag();
                          } else {
                            assertThat(msg.body())
                                .isEqualTo(ChangeWire.changeEvent("delete", KEY, 2, putSeq[0] + 1));
                            deleteEvent.flag();
                          }
                        }));

    events
        .completion()
        .compose(v -> deploy(vertx))
        .compose(id -> put(vertx, new PutDoc(KEY, new JsonObject().put("v", 1), Precondition.NONE)))
        .compose(
            r ->
                call(
                    vertx,
                    DbContract.DELETE.name(),
                    DocWire.toJson(new DeleteDoc(KEY, Precondition.NONE))))
        .onFailure(ctx::failNow);
  }

  @Test
  @DisplayName(
      "concurrent writes over every lane are numbered without gaps, and each event's seq is its row in the change log")
  void eventsNumberedAsTheLog(Vertx vertx, VertxTestContext ctx) {
    int writes = 40;
    Checkpoint matched = ctx.checkpoint();
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    Promise<Void> allSeen = Promise.promise();
    MessageConsumer<JsonObject> events =
        vertx
            .eventBus()
            .consumer(
                DocEvents.ADDRESS,
                msg -> {
                  seen.add(msg.body());
                  if (seen.size() == writes) {
                    allSeen.complete();
                  }
                });
    events
        .completion()
        .compose(v -> deploy(vertx))
        .compose(
            id ->
                Future.all(
                    IntStream.range(0, writes)
                        .mapToObj(
                            i ->
                                put(
                                    vertx,
                                    new PutDoc(
                                        DocKey.of("numbered", "d" + i),
                                        new JsonObject(),
                                        Precondition.NONE)))
                        .toList()))
        .compose(all -> allSeen.future())
        .compose(
            v -> {
              long first = seen.stream().mapToLong(e -> e.getLong("seq")).min().orElseThrow();
              return call(
                      vertx,
                      DbContract.CHANGES.name(),
                      new JsonObject().put("since", first - 1).put("limit", 1000))
                  .map(page -> new Object[] {first, page});
            })
        .onComplete(
            ctx.succeeding(
                result ->
                    ctx.verify(
                        () -> {
                          long first = (Long) result[0];
                          JsonObject page = (JsonObject) result[1];
                          List<Long> seqs =
                              seen.stream().map(e -> e.getLong("seq")).sorted().toList();
                          assertThat(seqs)
                              .as("one number per write, none skipped")
                              .containsExactlyElementsOf(
                                  LongStream.range(first, first + writes).boxed().toList());
                          assertThat(page.getLong("head")).isEqualTo(first + writes - 1);
                          assertThat(page.getLong("earliest")).isLessThanOrEqualTo(first);
                          List<JsonObject> logged =
                              page.getJsonArray("items").stream()
                                  .map(JsonObject.class::cast)
                                  .map(
                                      item ->
                                          ChangeWire.changeEvent(
                                              item.getString("op"),
                                              DocKey.of(
                                                  item.getString("collection"),
                                                  item.getString("id")),
                                              item.getLong("version"),
                                              item.getLong("seq")))
                                  .toList();
                          assertThat(logged).containsExactlyInAnyOrderElementsOf(seen);
                          matched.flag();
                        })));
  }

  @Test
  @DisplayName(
      "with TROUPE_CHANGES_RETENTION_COUNT the log keeps the newest rows, and says which is the earliest")
  void retentionByCount(Vertx vertx, VertxTestContext ctx) {
    JsonObject config =
        db.config()
            .copy()
            .put("TROUPE_CHANGES_RETENTION_COUNT", "3")
            .put("TROUPE_CHANGES_PRUNE_INTERVAL_SECONDS", "1");
    deploy(vertx, new DeploymentOptions().setConfig(config))
        .compose(
            id ->
                Future.all(
                    IntStream.range(0, 6)
                        .mapToObj(
                            i ->
                                put(
                                    vertx,
                                    new PutDoc(
                                        DocKey.of("kept", "d" + i),
                                        new JsonObject(),
                                        Precondition.NONE)))
                        .toList()))
        .compose(written -> untilPruned(vertx))
        .onComplete(
            ctx.succeeding(
                page ->
                    ctx.verify(
                        () -> {
                          long head = page.getLong("head");
                          assertThat(page.getLong("earliest")).isEqualTo(head - 2);
                          assertThat(page.getJsonArray("items").stream())
                              .extracting(item -> ((JsonObject) item).getLong("seq"))
                              .containsExactly(head - 2, head - 1, head);
                          ctx.completeNow();
                        })));
  }

  /** The log's first page, once the sweep (every second) pruned it to three rows. */
  private static Future<JsonObject> untilPruned(Vertx vertx) {
    return call(
            vertx, DbContract.CHANGES.name(), new JsonObject().put("since", 0).put("limit", 1000))
        .compose(
            page -> {
              if (page.getJsonArray("items").size() <= 3) {
                return Future.succeededFuture(page);
              }
              Promise<JsonObject> again = Promise.promise();
              vertx.setTimer(100, t -> untilPruned(vertx).onComplete(again));
              return again.future();
            });
  }

  @Test
  @DisplayName("a write rejected by its precondition publishes no change event")
  void rejectedWritePublishesNothing(Vertx vertx, VertxTestContext ctx) {
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint onlyCommittedWrites = ctx.checkpoint();
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    // The event of the last (committed) write is the barrier: an event of the rejected write, sent
    // before it, would have been delivered to this consumer before it.
    MessageConsumer<JsonObject> events =
        vertx
            .eventBus()
            .consumer(
                DocEvents.ADDRESS,
                msg -> {
                  seen.add(msg.body());
                  if (msg.body().getLong("version") == 2) {
                    ctx.verify(
                        () -> {
                          long first = seen.get(0).getLong("seq");
                          assertThat(seen)
                              .containsExactly(
                                  ChangeWire.changeEvent("put", KEY, 1, first),
                                  ChangeWire.changeEvent("put", KEY, 2, first + 1));
                          onlyCommittedWrites.flag();
                        });
                  }
                });

    events
        .completion()
        .compose(v -> deploy(vertx))
        .compose(id -> put(vertx, new PutDoc(KEY, new JsonObject(), Precondition.NONE)))
        .compose(
            r ->
                failureOf(
                    put(vertx, new PutDoc(KEY, new JsonObject(), Precondition.ifNoneMatchAny()))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertReplyFailure(failure, ErrorCode.PRECONDITION_FAILED);
                    rejected.flag();
                  });
              return put(vertx, new PutDoc(KEY, new JsonObject(), Precondition.ifMatch(1)));
            })
        .onFailure(ctx::failNow);
  }

  @Test
  @DisplayName("an unknown action is answered with a BAD_REQUEST reply failure")
  void unknownAction(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx)
        .compose(id -> failureOf(call(vertx, "frobnicate", DocWire.toJson(KEY))))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a malformed put (no data object) is answered with a BAD_REQUEST reply failure and writes nothing")
  void malformedBody(Vertx vertx, VertxTestContext ctx) {
    Checkpoint rejected = ctx.checkpoint();
    Checkpoint nothingWritten = ctx.checkpoint();
    deploy(vertx)
        .compose(
            id ->
                failureOf(
                    call(
                        vertx,
                        DbContract.PUT.name(),
                        DocWire.toJson(KEY).put("data", "not an object"))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertReplyFailure(failure, ErrorCode.BAD_REQUEST);
                    rejected.flag();
                  });
              return call(vertx, DbContract.GET.name(), DocWire.toJson(KEY)).map(CacheWire::lookup);
            })
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup).isEqualTo(Lookup.absent(KEY, 0));
                          nothingWritten.flag();
                        })));
  }

  @Test
  @DisplayName(
      "store failures travel as reply failures with their code: PRECONDITION_FAILED on a stale put, NOT_FOUND on deleting an absent document")
  void failureCodesOverTheBus(Vertx vertx, VertxTestContext ctx) {
    Checkpoint precondition = ctx.checkpoint();
    Checkpoint notFound = ctx.checkpoint();
    deploy(vertx)
        .compose(id -> put(vertx, new PutDoc(KEY, new JsonObject(), Precondition.NONE)))
        .compose(
            r -> failureOf(put(vertx, new PutDoc(KEY, new JsonObject(), Precondition.ifMatch(7)))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertReplyFailure(failure, ErrorCode.PRECONDITION_FAILED);
                    precondition.flag();
                  });
              DocKey absent = DocKey.of("notes", "never-written");
              return failureOf(
                  call(
                      vertx,
                      DbContract.DELETE.name(),
                      DocWire.toJson(new DeleteDoc(absent, Precondition.NONE))));
            })
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertReplyFailure(failure, ErrorCode.NOT_FOUND);
                          notFound.flag();
                        })));
  }

  @Test
  @DisplayName(
      "20 concurrent If-Match: 1 puts over the bus: exactly one wins version 2, the others get PRECONDITION_FAILED")
  void conditionalWritersRaceOverTheBus(Vertx vertx, VertxTestContext ctx) {
    Checkpoint oneWinner = ctx.checkpoint();
    Checkpoint stored = ctx.checkpoint();
    deploy(vertx)
        .compose(
            id ->
                put(vertx, new PutDoc(KEY, new JsonObject().put("writer", -1), Precondition.NONE)))
        .compose(
            first -> {
              List<Future<PutResult>> writes =
                  IntStream.range(0, 20)
                      .mapToObj(
                          i ->
                              put(
                                  vertx,
                                  new PutDoc(
                                      KEY,
                                      new JsonObject().put("writer", i),
                                      Precondition.ifMatch(1))))
                      .toList();
              return Future.join(writes).transform(ar -> Future.succeededFuture(writes));
            })
        .compose(
            writes -> {
              List<PutResult> winners =
                  writes.stream().filter(Future::succeeded).map(Future::result).toList();
              ctx.verify(
                  () -> {
                    assertThat(writes.stream().filter(Future::failed).map(Future::cause).toList())
                        .hasSize(19)
                        .allSatisfy(t -> assertReplyFailure(t, ErrorCode.PRECONDITION_FAILED));
                    assertThat(winners).hasSize(1);
                    assertThat(winners.get(0).document().version()).isEqualTo(2);
                    oneWinner.flag();
                  });
              return call(vertx, DbContract.GET.name(), DocWire.toJson(KEY))
                  .map(CacheWire::lookup)
                  .map(
                      lookup -> {
                        ctx.verify(
                            () -> {
                              assertThat(lookup.version()).isEqualTo(2);
                              assertThat(lookup.document().data())
                                  .isEqualTo(winners.get(0).document().data());
                              stored.flag();
                            });
                        return lookup;
                      });
            })
        .onFailure(ctx::failNow);
  }

  @Test
  @DisplayName(
      "undeploying db-service stops its consumers, and a redeployment on the same database sees the committed data")
  void undeployAndRedeploy(Vertx vertx, VertxTestContext ctx) {
    Checkpoint gone = ctx.checkpoint();
    Checkpoint durable = ctx.checkpoint();
    JsonObject data = new JsonObject().put("kept", true);
    deploy(vertx)
        .compose(
            id ->
                put(vertx, new PutDoc(KEY, data, Precondition.NONE))
                    .compose(r -> vertx.undeploy(id)))
        .compose(v -> failureOf(call(vertx, DbContract.GET.name(), DocWire.toJson(KEY))))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertThat(failure).isInstanceOf(ReplyException.class);
                    assertThat(((ReplyException) failure).failureType())
                        .isEqualTo(ReplyFailure.NO_HANDLERS);
                    gone.flag();
                  });
              return deploy(vertx);
            })
        .compose(
            id -> call(vertx, DbContract.GET.name(), DocWire.toJson(KEY)).map(CacheWire::lookup))
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(lookup.version()).isEqualTo(1);
                          assertThat(lookup.document().data()).isEqualTo(data);
                          durable.flag();
                        })));
  }

  @Test
  @DisplayName(
      "db-service refuses to start when TROUPE_DB_URL is a JDBC URL rather than a postgresql:// URL")
  void refusesJdbcUrl(Vertx vertx, VertxTestContext ctx) {
    DeploymentOptions options = options();
    options.getConfig().put("TROUPE_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    failureOf(deploy(vertx, options))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(IllegalArgumentException.class)
                              .hasMessageContaining("TROUPE_DB_URL")
                              .hasMessageContaining("postgresql://");
                          ctx.completeNow();
                        })));
  }
}
