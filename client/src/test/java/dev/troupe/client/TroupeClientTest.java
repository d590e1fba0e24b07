package dev.troupe.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.BusFault;
import dev.troupe.shared.bus.BusNames;
import dev.troupe.shared.bus.HandedOverJson;
import dev.troupe.shared.contract.BatchWire;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatContract.ChatMessage;
import dev.troupe.shared.contract.ChatContract.HistoryQuery;
import dev.troupe.shared.contract.ChatWire;
import dev.troupe.shared.contract.DeleteResult;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocPage;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobStatus;
import dev.troupe.shared.contract.JobView;
import dev.troupe.shared.contract.JobWire;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.KeyBatch;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.MultiGet;
import dev.troupe.shared.contract.MultiGetResult;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.PutMany;
import dev.troupe.shared.contract.PutManyResult;
import dev.troupe.shared.contract.PutResult;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The typed calls of the client on a Vert.x event bus: each sends its contract's action with the
 * body its request codec writes, and reads the reply with its reply codec. The services here are
 * consumers that decode with the same contract and answer from it, and record what they got.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
@DisplayName("The client on a Vert.x event bus")
class TroupeClientTest {
  private static final DocKey DUNE = DocKey.of("books", "dune");
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
  private static final Document DOC = new Document(DUNE, 2, AT, new JsonObject().put("n", 2));
  private static final String JOB = "0123456789abcdef0123456789abcdef";

  /** The services: answer each action from its contract, and remember every request. */
  private static Future<List<String>> services(Vertx vertx) {
    HandedOverJson.register(vertx);
    BusFault.register(vertx);
    List<String> seen = new ArrayList<>();
    var request =
        vertx.eventBus().<JsonObject>consumer(RequestContract.ADDRESS, m -> request(m, seen));
    var jobs =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                JobsContract.ADDRESS,
                m -> {
                  seen.add("job " + JobWire.JOB_REF.decode(m.body()).id());
                  JobStatus status =
                      new JobStatus(
                          JOB, "export", "books", JobStatus.RUNNING, 5, 10L, 0, AT, AT, null, null);
                  m.reply(JobWire.JOB_VIEW.encode(new JobView(status, 1.0, 5L)));
                });
    var chat = vertx.eventBus().<JsonObject>consumer(ChatContract.ADDRESS, m -> chat(m, seen));
    return Future.all(request.completion(), jobs.completion(), chat.completion()).map(seen);
  }

  private static void request(Message<JsonObject> m, List<String> seen) {
    String action = m.headers().get(BusNames.ACTION);
    seen.add(action);
    switch (action) {
      case "get" -> {
        DocKey key = DocWire.READ_DOC.decode(m.body()).key();
        if (key.equals(DUNE)) {
          m.reply(
              DocWire.READ_RESULT.encode(new ReadResult(DOC, ReadResult.CacheStatus.MISS)),
              HandedOverJson.options());
        } else {
          m.reply(new BusFault(ErrorCode.NOT_FOUND, "read", key + " not found"));
        }
      }
      case "put" -> {
        PutDoc put = DocWire.PUT_DOC.decode(m.body());
        seen.add("ifMatch " + put.precondition().ifMatchVersion() + " key " + put.idempotencyKey());
        m.reply(
            DocWire.PUT_RESULT.encode(
                new PutResult(new Document(put.key(), 3, AT, put.data()), false)));
      }
      case "delete" ->
          m.reply(
              DocWire.DELETE_RESULT.encode(
                  new DeleteResult(DocWire.DELETE_DOC.decode(m.body()).key(), 4)));
      case "list" -> {
        ListDocs list = DocWire.LIST_DOCS.decode(m.body());
        seen.add("limit " + list.limit() + " after " + list.after());
        m.reply(DocWire.DOC_PAGE.encode(new DocPage(List.of(DOC), "dune")));
      }
      case "getMany" -> {
        MultiGet get = BatchWire.MULTI_GET.decode(m.body());
        seen.add("ids " + get.keys().ids());
        m.reply(
            BatchWire.MULTI_GET_REPLY.encode(
                new MultiGetResult(Map.of("dune", DOC), List.of("zz"), List.of())));
      }
      case "putMany" -> {
        PutMany put = BatchWire.PUT_MANY.decode(m.body());
        m.reply(
            BatchWire.PUT_MANY_RESULT.encode(
                new PutManyResult(
                    List.of(
                        new PutResult(
                            new Document(
                                new DocKey(put.collection(), put.items().get(0).id()),
                                1,
                                AT,
                                put.items().get(0).data()),
                            true)))));
      }
      default -> m.fail(ErrorCode.BAD_REQUEST.code(), "unknown action " + action);
    }
  }

  private static void chat(Message<JsonObject> m, List<String> seen) {
    String action = m.headers().get(BusNames.ACTION);
    seen.add("chat " + action);
    switch (action) {
      case "join", "leave" -> {
        ChatWire.MEMBERSHIP.decode(m.body());
        m.reply(new JsonObject().put("members", "join".equals(action) ? 2 : 1).put("seq", 0));
      }
      case "post" -> {
        ChatContract.Post post = ChatWire.POST.decode(m.body());
        seen.add("post " + post.from() + ": " + post.text());
        m.reply(new JsonObject().put("seq", 7));
      }
      case "history" -> {
        HistoryQuery query = ChatWire.HISTORY_QUERY.decode(m.body());
        m.reply(
            ChatWire.history(
                List.of(new ChatMessage(query.room(), query.after() + 1, "bob", "hi", AT))));
      }
      default -> m.fail(ErrorCode.BAD_REQUEST.code(), "unknown action " + action);
    }
  }

  private static Future<TroupeClient> client(Vertx vertx) {
    return TroupeClient.connect(
        vertx, ClientOptions.builder().timeout(Duration.ofSeconds(5)).build());
  }

  @Test
  @DisplayName(
      "documents: get, put with If-Match and an idempotency key, delete, list, getMany, putMany")
  void documents(Vertx vertx, VertxTestContext ctx) {
    Promise<TroupeClient> client = Promise.promise();
    Promise<List<String>> seen = Promise.promise();
    services(vertx)
        .onSuccess(seen::complete)
        .compose(s -> client(vertx))
        .onSuccess(client::complete)
        .compose(troupe -> troupe.get(DUNE))
        .compose(
            doc -> {
              ctx.verify(() -> assertThat(doc).isEqualTo(DOC));
              TroupeClient troupe = client.future().result();
              return troupe
                  .put(
                      new PutDoc(
                          DUNE, new JsonObject().put("n", 3), Precondition.ifMatch(2), "key-1"))
                  .compose(
                      put -> {
                        ctx.verify(() -> assertThat(put.document().version()).isEqualTo(3));
                        return troupe.put(DUNE, new JsonObject());
                      })
                  .compose(put -> troupe.delete(DUNE))
                  .compose(
                      deleted -> {
                        ctx.verify(() -> assertThat(deleted.version()).isEqualTo(4));
                        return troupe.list(new ListDocs("books", 10, "a"));
                      })
                  .compose(
                      page -> {
                        ctx.verify(
                            () -> {
                              assertThat(page.items()).containsExactly(DOC);
                              assertThat(page.next()).isEqualTo("dune");
                            });
                        return troupe.getMany(
                            new MultiGet(new KeyBatch("books", List.of("dune", "zz")), false));
                      })
                  .compose(
                      many -> {
                        ctx.verify(
                            () -> {
                              assertThat(many.found()).containsEntry("dune", DOC);
                              assertThat(many.missing()).containsExactly("zz");
                            });
                        return troupe.putMany(
                            new PutMany(
                                "books",
                                List.of(
                                    new PutMany.Item("a1", new JsonObject().put("x", 1), null))));
                      });
            })
        .compose(
            many -> {
              ctx.verify(
                  () -> {
                    assertThat(many.items()).singleElement().matches(PutResult::created);
                    assertThat(seen.future().result())
                        .containsExactly(
                            "get",
                            "put",
                            "ifMatch 2 key key-1",
                            "put",
                            "ifMatch null key null",
                            "delete",
                            "list",
                            "limit 10 after a",
                            "getMany",
                            "ids [dune, zz]",
                            "putMany");
                  });
              return client.future().result().get(DocKey.of("books", "missing"));
            })
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(((TroupeException) e).code()).isEqualTo(ErrorCode.NOT_FOUND);
                          assertThat(((TroupeException) e).stage()).isEqualTo("read");
                          assertThat(e).hasMessage("books/missing not found");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("jobs and chat: a job's status, join, post, history, leave")
  void jobsAndChat(Vertx vertx, VertxTestContext ctx) {
    Promise<List<String>> seen = Promise.promise();
    services(vertx)
        .onSuccess(seen::complete)
        .compose(s -> client(vertx))
        .compose(
            troupe ->
                troupe
                    .job(JOB)
                    .compose(
                        job -> {
                          ctx.verify(
                              () -> {
                                assertThat(job.job().state()).isEqualTo(JobStatus.RUNNING);
                                assertThat(job.etaSec()).isEqualTo(5L);
                              });
                          return troupe.join("lobby", "alice");
                        })
                    .compose(
                        members -> {
                          ctx.verify(() -> assertThat(members).isEqualTo(2));
                          return troupe.post("lobby", "alice", "hello");
                        })
                    .compose(
                        seq -> {
                          ctx.verify(() -> assertThat(seq).isEqualTo(7L));
                          return troupe.history(new HistoryQuery("lobby", "alice", 6, 10));
                        })
                    .compose(
                        history -> {
                          ctx.verify(
                              () ->
                                  assertThat(history)
                                      .containsExactly(
                                          new ChatMessage("lobby", 7, "bob", "hi", AT)));
                          return troupe.leave("lobby", "alice");
                        }))
        .onComplete(
            ctx.succeeding(
                members ->
                    ctx.verify(
                        () -> {
                          assertThat(members).isEqualTo(1);
                          assertThat(seen.future().result())
                              .containsExactly(
                                  "job " + JOB,
                                  "chat join",
                                  "chat post",
                                  "post alice: hello",
                                  "chat history",
                                  "chat leave");
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("arguments the contract refuses fail BAD_REQUEST before anything is sent")
  void badArguments(Vertx vertx, VertxTestContext ctx) {
    client(vertx)
        .compose(
            troupe ->
                Future.join(
                    troupe.job("not-a-job-id"),
                    troupe.join("lobby", "not a name"),
                    troupe.post("lobby", "alice", " "),
                    troupe.onChatMessage("no spaces", m -> {})))
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).isInstanceOf(TroupeException.class);
                          assertThat(((TroupeException) e).code()).isEqualTo(ErrorCode.BAD_REQUEST);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "change events and a user's chat messages reach their handlers; a cancelled subscription gets no more")
  void subscriptions(Vertx vertx, VertxTestContext ctx) {
    DocChange change = new DocChange(DocChange.PUT, DUNE, 9, 12);
    ChatMessage message = new ChatMessage("lobby", 3, "bob", "hi", AT);
    Promise<DocChange> changed = Promise.promise();
    Promise<ChatMessage> chatted = Promise.promise();
    List<DocChange> afterCancel = new ArrayList<>();
    client(vertx)
        .compose(
            troupe ->
                troupe
                    .onChange(changed::tryComplete)
                    .compose(s -> troupe.onChatMessage("alice", chatted::tryComplete))
                    .compose(
                        s -> {
                          vertx.eventBus().publish(DocEvents.ADDRESS, "not json");
                          vertx.eventBus().publish(DocEvents.ADDRESS, new JsonObject());
                          vertx
                              .eventBus()
                              .publish(DocEvents.ADDRESS, ChangeWire.DOC_CHANGE.encode(change));
                          vertx
                              .eventBus()
                              .publish(
                                  ChatContract.userAddress("alice"),
                                  new JsonObject().put("room", "lobby"));
                          vertx
                              .eventBus()
                              .publish(ChatContract.userAddress("alice"), ChatWire.toJson(message));
                          return Future.all(changed.future(), chatted.future());
                        })
                    .compose(
                        both -> {
                          ctx.verify(
                              () -> {
                                assertThat(changed.future().result()).isEqualTo(change);
                                assertThat(chatted.future().result()).isEqualTo(message);
                              });
                          return troupe.onChange(afterCancel::add);
                        })
                    .compose(Subscription::cancel)
                    .compose(
                        cancelled -> {
                          // Unregistered: the publish finds no handler of the cancelled one.
                          vertx
                              .eventBus()
                              .publish(DocEvents.ADDRESS, ChangeWire.DOC_CHANGE.encode(change));
                          return Future.<Void>succeededFuture();
                        })
                    .compose(v -> troupe.close()))
        .onComplete(
            ctx.succeeding(
                v ->
                    ctx.verify(
                        () -> {
                          assertThat(afterCancel).isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName(
      "a call nothing answers within its deadline fails TIMEOUT; a closed client fails UNAVAILABLE")
  void deadlinesAndClose(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().<JsonObject>consumer(RequestContract.ADDRESS, m -> {});
    client(vertx)
        .compose(
            troupe ->
                troupe
                    .withTimeout(Duration.ofMillis(200))
                    .put(DUNE, new JsonObject())
                    .transform(Future::succeededFuture)
                    .compose(
                        late -> {
                          ctx.verify(
                              () -> {
                                assertThat(((TroupeException) late.cause()).code())
                                    .isEqualTo(ErrorCode.TIMEOUT);
                                assertThat(troupe.withTimeout(Duration.ofMillis(200)).timeout())
                                    .isEqualTo(Duration.ofMillis(200));
                                assertThat(troupe.timeout()).isEqualTo(Duration.ofSeconds(5));
                                assertThat(troupe.vertx()).isSameAs(vertx);
                              });
                          return troupe.close();
                        })
                    .compose(v -> troupe.onChange(c -> {}).transform(Future::succeededFuture)))
        .onComplete(
            ctx.succeeding(
                after ->
                    ctx.verify(
                        () -> {
                          assertThat(((TroupeException) after.cause()).code())
                              .isEqualTo(ErrorCode.UNAVAILABLE);
                          assertThat(vertx.eventBus()).isNotNull();
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("connect refuses options that do not fit how it is called")
  void connectRefusesMisfits(Vertx vertx, VertxTestContext ctx) {
    TroupeClient.connect(ClientOptions.builder().build())
        .transform(Future::succeededFuture)
        .compose(
            noTransport -> {
              ctx.verify(
                  () ->
                      assertThat(noTransport.cause())
                          .isInstanceOf(IllegalArgumentException.class)
                          .hasMessageContaining("the options name no transport"));
              return TroupeClient.connect(
                      vertx, ClientOptions.builder().cluster("troupe", "127.0.0.1:5701").build())
                  .transform(Future::succeededFuture);
            })
        .onComplete(
            ctx.succeeding(
                cluster ->
                    ctx.verify(
                        () -> {
                          assertThat(cluster.cause())
                              .isInstanceOf(IllegalArgumentException.class)
                              .hasMessageContaining("starts a Vert.x of the client's own");
                          ctx.completeNow();
                        })));
  }
}
