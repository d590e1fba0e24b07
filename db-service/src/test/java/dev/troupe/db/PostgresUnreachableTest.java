package dev.troupe.db;

import static dev.troupe.db.TestDatabase.assertCode;
import static dev.troupe.db.TestDatabase.failureOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.ListDocs;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A PostgreSQL URL where nothing listens: needs no server, so it runs everywhere. */
@ExtendWith(VertxExtension.class)
@DisplayName("PostgreSQL backend with nothing listening at its address (loopback port just closed)")
class PostgresUnreachableTest {
  private static final DocKey KEY = DocKey.of("notes", "n-1");

  private String url;
  private Pool pool;

  /** A loopback port that was free a moment ago and that nothing listens on now. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @BeforeEach
  void pickAddress() throws IOException {
    url = "postgresql://postgres@127.0.0.1:" + closedPort() + "/test";
  }

  @AfterEach
  void close(VertxTestContext ctx) {
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    closed.onComplete(ctx.succeedingThenComplete());
  }

  private Map<String, String> settings() {
    return Map.of(
        "TROUPE_DB_URL",
        url,
        "TROUPE_DB_CONNECT_TIMEOUT_MS",
        "500",
        "TROUPE_DB_SCHEMA",
        "t_unused");
  }

  @Test
  @DisplayName(
      "on PostgreSQL, get, put and list fail with UNAVAILABLE when the connection is refused")
  void connectionRefused(Vertx vertx, VertxTestContext ctx) {
    Backend backend = Backend.of(DbConfig.from(Settings.of(settings())));
    pool = backend.pool(vertx);
    DocumentStore store =
        DocumentStore.open(
            vertx,
            vertx.getOrCreateContext(),
            backend,
            pool,
            Clock.systemUTC(),
            new SimpleMeterRegistry());
    Checkpoint get = ctx.checkpoint();
    Checkpoint put = ctx.checkpoint();
    Checkpoint list = ctx.checkpoint();

    failureOf(store.get(KEY))
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.UNAVAILABLE);
                    get.flag();
                  });
              return failureOf(
                  store.put(new PutDoc(KEY, new JsonObject().put("v", 1), Precondition.NONE)));
            })
        .compose(
            failure -> {
              ctx.verify(
                  () -> {
                    assertCode(failure, ErrorCode.UNAVAILABLE);
                    put.flag();
                  });
              return failureOf(store.list(new ListDocs(KEY.collection(), 10, null)));
            })
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertCode(failure, ErrorCode.UNAVAILABLE);
                          list.flag();
                        })));
  }

  @Test
  @DisplayName(
      "on PostgreSQL, db-service refuses to start when the server does not answer, naming the server it tried")
  void serviceRefusesToStart(Vertx vertx, VertxTestContext ctx) {
    String port = url.substring(url.lastIndexOf(':') + 1, url.lastIndexOf('/'));
    DeploymentOptions options = new DeploymentOptions().setConfig(Settings.of(settings()).toJson());
    failureOf(vertx.deployVerticle(DbService.class.getName(), options))
        .onComplete(
            ctx.succeeding(
                failure ->
                    ctx.verify(
                        () -> {
                          assertThat(failure)
                              .isInstanceOf(IllegalStateException.class)
                              .hasMessageContaining("PostgreSQL at 127.0.0.1:" + port + "/test");
                          ctx.completeNow();
                        })));
  }
}
