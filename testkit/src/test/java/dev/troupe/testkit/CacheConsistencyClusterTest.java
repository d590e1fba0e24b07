package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cache consistency across nodes: every node runs a gateway, request-service and cache-service (so
 * each reads through its own cache-service instance, and the cached entries are spread over all
 * three members); the database is on node 0.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Cache consistency on a three-node cluster")
class CacheConsistencyClusterTest {
  private static final int WRITES = 60;

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .node("cache", "request", "gateway")
              .node("cache", "request", "gateway"));

  @Test
  @DisplayName(
      "reads through B and C racing writes through A never see a version older than the last acknowledged write")
  void neverStaleAcrossNodes(Vertx vertx, VertxTestContext ctx) {
    Http a = new Http(vertx, TROUPE.cluster().httpPort(0));
    List<Http> readers =
        List.of(
            new Http(vertx, TROUPE.cluster().httpPort(1)),
            new Http(vertx, TROUPE.cluster().httpPort(2)));
    String uri = "/api/v1/docs/consistency/hot";
    AtomicLong acknowledged = new AtomicLong();
    Checkpoint done = ctx.checkpoint();
    List<String> violations = new ArrayList<>();
    AtomicLong reads = new AtomicLong();

    a.putJson(uri, "{\"n\":1}")
        .compose(
            first -> {
              acknowledged.set(1);
              Promise<Void> writerDone = Promise.promise();
              write(a, uri, 2, acknowledged, writerDone);
              List<Future<Void>> loops = new ArrayList<>();
              for (Http reader : readers) {
                loops.add(
                    readUntil(reader, uri, writerDone.future(), acknowledged, violations, reads));
              }
              return Future.all(loops).compose(v -> writerDone.future());
            })
        .compose(v -> Future.all(readers.get(0).get(uri), readers.get(1).get(uri)))
        .onComplete(
            ctx.succeeding(
                last ->
                    ctx.verify(
                        () -> {
                          assertThat(violations).as("stale reads").isEmpty();
                          assertThat(reads.get())
                              .as("reads made while writing")
                              .isGreaterThan(WRITES);
                          for (int i = 0; i < 2; i++) {
                            io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> r =
                                last.resultAt(i);
                            assertThat(r.getHeader("ETag")).isEqualTo("\"" + (WRITES + 1) + "\"");
                          }
                          done.flag();
                        })));
  }

  @Test
  @DisplayName(
      "a delete through A is seen through B and C at once, and a re-create replaces the cached absence")
  void deletesAndRecreates(Vertx vertx, VertxTestContext ctx) {
    Http a = new Http(vertx, TROUPE.cluster().httpPort(0));
    Http b = new Http(vertx, TROUPE.cluster().httpPort(1));
    Http c = new Http(vertx, TROUPE.cluster().httpPort(2));
    String uri = "/api/v1/docs/consistency/gone";
    a.putJson(uri, "{\"v\":1}")
        .compose(r -> Future.all(b.get(uri), c.get(uri)))
        .compose(r -> a.delete(uri))
        .compose(r -> Future.all(b.get(uri), c.get(uri)))
        .compose(
            r -> {
              ctx.verify(
                  () -> {
                    assertThat(r.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(0).statusCode())
                        .isEqualTo(404);
                    assertThat(r.<io.vertx.ext.web.client.HttpResponse<?>>resultAt(1).statusCode())
                        .isEqualTo(404);
                  });
              return b.putJson(uri, "{\"v\":\"again\"}");
            })
        .compose(r -> Future.all(a.get(uri), c.get(uri)))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          for (int i = 0; i < 2; i++) {
                            io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> got =
                                r.resultAt(i);
                            assertThat(got.statusCode()).isEqualTo(200);
                            assertThat(got.bodyAsJsonObject().getJsonObject("data").getString("v"))
                                .isEqualTo("again");
                            assertThat(got.bodyAsJsonObject().getLong("version"))
                                .as("continues after the delete")
                                .isEqualTo(3L);
                          }
                          ctx.completeNow();
                        })));
  }

  private static void write(
      Http a, String uri, int n, AtomicLong acknowledged, Promise<Void> done) {
    if (n > WRITES + 1) {
      done.complete();
      return;
    }
    a.putJson(uri, new JsonObject().put("n", n).encode())
        .onComplete(
            ar -> {
              if (ar.failed() || ar.result().statusCode() != 200) {
                done.fail(
                    ar.failed()
                        ? ar.cause()
                        : new AssertionError("write " + n + ": " + ar.result().statusCode()));
                return;
              }
              acknowledged.set(Long.parseLong(ar.result().getHeader("ETag").replace("\"", "")));
              write(a, uri, n + 1, acknowledged, done);
            });
  }

  private static Future<Void> readUntil(
      Http reader,
      String uri,
      Future<Void> stop,
      AtomicLong acknowledged,
      List<String> violations,
      AtomicLong reads) {
    if (stop.isComplete()) {
      return Future.succeededFuture();
    }
    long floor = acknowledged.get();
    return reader
        .get(uri)
        .compose(
            r -> {
              reads.incrementAndGet();
              long seen = r.bodyAsJsonObject().getLong("version");
              if (seen < floor) {
                synchronized (violations) {
                  violations.add(
                      "read through port "
                          + reader.port()
                          + " saw version "
                          + seen
                          + " after version "
                          + floor
                          + " was acknowledged (X-Cache "
                          + r.getHeader("X-Cache")
                          + ")");
                }
              }
              return readUntil(reader, uri, stop, acknowledged, violations, reads);
            });
  }
}
