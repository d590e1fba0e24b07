package dev.troupe.client;

import static dev.troupe.client.Outcomes.failsWith;
import static dev.troupe.client.Outcomes.succeeds;
import static dev.troupe.client.Outcomes.troupeFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.client.ScriptedBridge.Answer;
import dev.troupe.client.ScriptedBridge.Received;
import dev.troupe.shared.contract.ChangeWire;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocEvents;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.JobsContract;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client on the TCP bridge's protocol, against a scripted bridge ({@link ScriptedBridge}): the
 * credential on the first frame, requests and their answers, refusals that name no frame, events,
 * and what happens when the connection drops.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
@DisplayName("The client on the TCP bridge")
class BridgeTransportTest {
  private static final String KEY = "s3cret";
  private static final DocKey DUNE = DocKey.of("books", "dune");
  private static final Document DOC =
      new Document(DUNE, 3, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject().put("n", 1));

  private static ScriptedBridge bridge(Vertx vertx) {
    return new ScriptedBridge(
            vertx, "ApiKey " + KEY, Set.of(RequestContract.ADDRESS), Set.of(DocEvents.ADDRESS))
        .on(RequestContract.ADDRESS, "ping", body -> Answer.reply(new JsonObject()))
        .on(
            RequestContract.ADDRESS,
            "get",
            body ->
                Answer.reply(
                    DocWire.READ_RESULT.encode(new ReadResult(DOC, ReadResult.CacheStatus.HIT))));
  }

  private static ClientOptions.Builder options(ScriptedBridge bridge) {
    return ClientOptions.builder()
        .bridge("127.0.0.1", bridge.port())
        .apiKey(KEY)
        .timeout(Duration.ofSeconds(5))
        .retries(2, Duration.ofMillis(1), Duration.ofMillis(5));
  }

  private static Future<TroupeClient> connect(Vertx vertx, ScriptedBridge bridge) {
    return TroupeClient.connect(vertx, options(bridge).build());
  }

  @Test
  @DisplayName(
      "the first frame carries the credential; a call sends its action, deadline and body, and reads the reply")
  void callsThroughTheBridge(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge = bridge(vertx);
    bridge
        .listen()
        .compose(b -> connect(vertx, b))
        .compose(troupe -> troupe.get(DUNE).eventually(troupe::close))
        .onComplete(
            succeeds(
                ctx,
                doc -> {
                  assertThat(doc).isEqualTo(DOC);
                  Received first = bridge.received().get(0);
                  assertThat(first.frame().getJsonObject("headers").getString("authorization"))
                      .isEqualTo("ApiKey " + KEY);
                  assertThat(first.frame().getJsonObject("headers").getString("action"))
                      .isEqualTo("ping");
                  Received get = bridge.received().get(1);
                  assertThat(get.type()).isEqualTo("send");
                  assertThat(get.frame().getString("address")).isEqualTo(RequestContract.ADDRESS);
                  JsonObject headers = get.frame().getJsonObject("headers");
                  assertThat(headers.getString("action")).isEqualTo("get");
                  assertThat(headers.containsKey("authorization")).isFalse();
                  // An attempt of a read while retries are left: half the deadline.
                  assertThat(headers.getLong("timeout")).isEqualTo(2_500L);
                  assertThat(get.frame().getJsonObject("body"))
                      .isEqualTo(new JsonObject().put("collection", "books").put("id", "dune"));
                  // The request address was confirmed by the first answer: no fence.
                  assertThat(bridge.count("ping")).isZero();
                }));
  }

  @Test
  @DisplayName("a refused credential fails connect with UNAUTHORIZED")
  void refusedCredential(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge = bridge(vertx);
    bridge
        .listen()
        .compose(b -> TroupeClient.connect(vertx, options(b).apiKey("wrong").build()))
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.UNAUTHORIZED,
                e -> {
                  assertThat(e).hasMessageContaining("valid credential");
                }));
  }

  @Test
  @DisplayName("nothing listening: connect fails with UNAVAILABLE, naming the bridge")
  void nothingListening(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge = bridge(vertx);
    bridge
        .listen()
        .compose(b -> b.close().map(b.port()))
        .compose(
            port ->
                TroupeClient.connect(
                    ClientOptions.builder().bridge("127.0.0.1", port).apiKey(KEY).build()))
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.UNAVAILABLE,
                e -> {
                  assertThat(e).hasMessageContaining("cannot connect to the bridge at");
                }));
  }

  @Test
  @DisplayName(
      "an address outside the bridge's allowlist fails FORBIDDEN naming it; the refusal without an address is told apart by a ping")
  void addressOutsideTheAllowlist(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge = bridge(vertx);
    Promise<TroupeClient> client = Promise.promise();
    bridge
        .listen()
        .compose(b -> connect(vertx, b))
        .onSuccess(client::complete)
        .compose(
            troupe ->
                troupe.job("0123456789abcdef0123456789abcdef").transform(Future::succeededFuture))
        .compose(
            job -> {
              ctx.verify(
                  () -> {
                    TroupeException e = troupeFailure(job, ErrorCode.FORBIDDEN);
                    assertThat(e)
                        .hasMessageContaining("does not permit sending to " + JobsContract.ADDRESS)
                        .hasMessageContaining("TROUPE_BRIDGE_INBOUND");
                    assertThat(bridge.count("ping")).isEqualTo(1);
                  });
              TroupeClient troupe = client.future().result();
              // The connection still serves, and a permitted address needs no fence.
              return troupe.get(DUNE).compose(doc -> troupe.get(DUNE)).eventually(troupe::close);
            })
        .onComplete(
            succeeds(
                ctx,
                doc -> {
                  assertThat(doc).isEqualTo(DOC);
                  assertThat(bridge.count("ping")).isEqualTo(1);
                }));
  }

  @Test
  @DisplayName("a service's failure arrives with its ErrorCode and detail")
  void serviceFailure(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge =
        bridge(vertx)
            .on(
                RequestContract.ADDRESS,
                "get",
                body -> Answer.failure(ErrorCode.NOT_FOUND.code(), "books/dune not found"));
    bridge
        .listen()
        .compose(b -> connect(vertx, b))
        .compose(troupe -> troupe.get(DUNE).eventually(troupe::close))
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.NOT_FOUND,
                e -> {
                  assertThat(e).hasMessage("books/dune not found");
                }));
  }

  @Test
  @DisplayName("a request past the frame limit fails PAYLOAD_TOO_LARGE and is not sent")
  void frameLimit(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge = bridge(vertx);
    bridge
        .listen()
        .compose(b -> TroupeClient.connect(vertx, options(b).maxFrameBytes(256).build()))
        .compose(
            troupe ->
                troupe
                    .put(DUNE, new JsonObject().put("text", "x".repeat(300)))
                    .eventually(troupe::close))
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.PAYLOAD_TOO_LARGE,
                e -> {
                  assertThat(e).hasMessageContaining("the bridge takes at most 256");
                  assertThat(bridge.received()).hasSize(1);
                }));
  }

  @Test
  @DisplayName(
      "a subscription gets the events the bridge forwards; one outside the allowlist, or refused by the guard, fails")
  void subscriptions(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge =
        bridge(vertx).refuseRegister(ChatContract.userAddress("bob"), ErrorCode.FORBIDDEN.code());
    DocChange change = new DocChange(DocChange.PUT, DUNE, 4, 3);
    Promise<DocChange> seen = Promise.promise();
    Promise<TroupeClient> client = Promise.promise();
    bridge
        .listen()
        .compose(b -> connect(vertx, b))
        .onSuccess(client::complete)
        .compose(troupe -> troupe.onChange(seen::tryComplete))
        .compose(
            subscription -> {
              ctx.verify(() -> assertThat(subscription.address()).isEqualTo(DocEvents.ADDRESS));
              bridge.publish(DocEvents.ADDRESS, new JsonObject().put("op", "bogus"));
              bridge.publish(DocEvents.ADDRESS, ChangeWire.DOC_CHANGE.encode(change));
              return seen.future();
            })
        .compose(
            got -> {
              ctx.verify(() -> assertThat(got).isEqualTo(change));
              return client
                  .future()
                  .result()
                  .onChatMessage("alice", m -> {})
                  .transform(Future::succeededFuture);
            })
        .compose(
            alice -> {
              ctx.verify(
                  () -> {
                    assertThat(troupeFailure(alice, ErrorCode.FORBIDDEN))
                        .hasMessageContaining(
                            "does not permit subscribing to troupe.chat.v1.user.alice")
                        .hasMessageContaining("TROUPE_BRIDGE_OUTBOUND");
                  });
              return client
                  .future()
                  .result()
                  .onChatMessage("bob", m -> {})
                  .transform(Future::succeededFuture);
            })
        .compose(
            bob -> {
              ctx.verify(
                  () -> {
                    assertThat(troupeFailure(bob, ErrorCode.FORBIDDEN))
                        .hasMessageContaining("lacks the scope docs:read");
                  });
              return client.future().result().close();
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName(
      "when the connection drops, a read is sent again on a new one, a write without a key is not, and subscriptions come back")
  void reconnects(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger gets = new AtomicInteger();
    AtomicInteger puts = new AtomicInteger();
    ScriptedBridge bridge =
        bridge(vertx)
            .on(
                RequestContract.ADDRESS,
                "get",
                body ->
                    gets.incrementAndGet() == 1
                        ? Answer.drop()
                        : Answer.reply(
                            DocWire.READ_RESULT.encode(
                                new ReadResult(DOC, ReadResult.CacheStatus.HIT))))
            .on(
                RequestContract.ADDRESS,
                "put",
                body -> {
                  puts.incrementAndGet();
                  return Answer.drop();
                });
    DocChange change = new DocChange(DocChange.DELETE, DUNE, 5, 4);
    Promise<DocChange> seen = Promise.promise();
    Promise<TroupeClient> client = Promise.promise();
    bridge
        .listen()
        .compose(b -> connect(vertx, b))
        .onSuccess(client::complete)
        .compose(troupe -> troupe.onChange(seen::tryComplete).map(troupe))
        .compose(troupe -> troupe.get(DUNE))
        .compose(
            doc -> {
              ctx.verify(
                  () -> {
                    assertThat(doc).isEqualTo(DOC);
                    assertThat(gets.get()).isEqualTo(2);
                  });
              // The subscription is registered again on the new connection.
              return bridge.await(r -> r.connection() > 1 && "register".equals(r.type()));
            })
        .compose(
            register -> {
              bridge.publish(DocEvents.ADDRESS, ChangeWire.DOC_CHANGE.encode(change));
              return seen.future();
            })
        .compose(
            got -> {
              ctx.verify(() -> assertThat(got).isEqualTo(change));
              return client
                  .future()
                  .result()
                  .put(DUNE, new JsonObject())
                  .transform(Future::succeededFuture);
            })
        .compose(
            put -> {
              ctx.verify(
                  () -> {
                    assertThat(troupeFailure(put, ErrorCode.UNAVAILABLE))
                        .hasMessageContaining("closed the connection before");
                    assertThat(puts.get()).isEqualTo(1);
                  });
              return client.future().result().close();
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("an idle connection sends ping frames, so the bridge keeps it")
  void keepAlive(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge = bridge(vertx);
    bridge
        .listen()
        .compose(
            b ->
                TroupeClient.connect(vertx, options(b).pingInterval(Duration.ofSeconds(1)).build()))
        .compose(
            troupe ->
                bridge
                    .await(r -> "ping".equals(r.type()))
                    // The keep-alive's pong is no fence's: calls still work.
                    .compose(ping -> troupe.get(DUNE))
                    .eventually(troupe::close))
        .onComplete(
            succeeds(
                ctx,
                doc -> {
                  assertThat(doc).isEqualTo(DOC);
                }));
  }

  @Test
  @DisplayName(
      "a client with a Vert.x of its own closes it; calls after close fail UNAVAILABLE at once")
  void closes(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge = bridge(vertx);
    Promise<TroupeClient> client = Promise.promise();
    bridge
        .listen()
        .compose(b -> TroupeClient.connect(options(b).build()))
        .onSuccess(client::complete)
        .compose(troupe -> troupe.withTimeout(Duration.ofSeconds(1)).get(DUNE).map(troupe))
        .compose(troupe -> troupe.close().compose(v -> troupe.close()).map(troupe))
        .compose(troupe -> troupe.get(DUNE).transform(Future::succeededFuture))
        .onComplete(
            succeeds(
                ctx,
                after -> {
                  assertThat(troupeFailure(after, ErrorCode.UNAVAILABLE))
                      .hasMessage("the client is closed");
                }));
  }

  @Test
  @DisplayName("a bridge that does not permit request-service still authenticates the connection")
  void handshakeOutsideTheAllowlist(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge =
        new ScriptedBridge(vertx, "ApiKey " + KEY, Set.of(), Set.of(DocEvents.ADDRESS));
    bridge
        .listen()
        .compose(b -> connect(vertx, b))
        .compose(
            troupe ->
                troupe
                    .put(DUNE, new JsonObject())
                    .transform(Future::succeededFuture)
                    .eventually(troupe::close))
        .onComplete(
            succeeds(
                ctx,
                put -> {
                  troupeFailure(put, ErrorCode.FORBIDDEN);
                }));
  }

  @Test
  @DisplayName("a write answered after the deadline fails TIMEOUT")
  void timeout(Vertx vertx, VertxTestContext ctx) {
    ScriptedBridge bridge =
        bridge(vertx).on(RequestContract.ADDRESS, "put", body -> Answer.silence());
    bridge
        .listen()
        .compose(b -> connect(vertx, b))
        .compose(
            troupe ->
                troupe
                    .withTimeout(Duration.ofMillis(300))
                    .put(DUNE, new JsonObject())
                    .eventually(troupe::close))
        .onComplete(
            failsWith(
                ctx,
                ErrorCode.TIMEOUT,
                e -> {
                  assertThat(e).hasMessage("troupe.request.v1 put: no answer within 300 ms");
                }));
  }
}
