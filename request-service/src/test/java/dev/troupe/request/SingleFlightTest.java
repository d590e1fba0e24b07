package dev.troupe.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.bus.CallPolicy;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.CacheLookup;
import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.Document;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.ReadResult;
import dev.troupe.shared.contract.ReadResult.CacheStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Stampede control: concurrent misses of one key share one database read. */
@ExtendWith(VertxExtension.class)
@DisplayName("Single-flight reads")
class SingleFlightTest {
  private static final int READERS = 100;

  @Test
  @DisplayName(
      "100 concurrent misses of one key cause one database read and one fill, and all get the document")
  void stampedeCostsOneRead(Vertx vertx, VertxTestContext ctx) {
    DocKey key = DocKey.of("hot", "k");
    Document doc =
        new Document(key, 3, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject().put("v", 3));
    Promise<Void> release = Promise.promise();
    FakeService db =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name())
            // The read is held until every reader has missed, so all of them arrive while it is in
            // flight.
            .answer(
                DbContract.GET.name(),
                body -> release.future().map(v -> CacheWire.toJson(Lookup.found(doc))));
    FakeService cache =
        new FakeService(CacheContract.ADDRESS, CacheContract.GET.name(), CacheContract.FILL.name())
            .reply(CacheContract.GET.name(), CacheWire.toJson(CacheLookup.MISS))
            .reply(CacheContract.FILL.name(), new JsonObject().put("stored", true));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    var context = vertx.getOrCreateContext();

    db.register(vertx)
        .compose(v -> cache.register(vertx))
        .compose(
            v -> {
              Promise<List<ReadResult>> all = Promise.promise();
              context.runOnContext(
                  x -> {
                    DocumentPipeline pipeline =
                        new DocumentPipeline(
                            CallPolicy.of(vertx, "db", 5000, registry),
                            CallPolicy.of(vertx, "cache", 5000, registry),
                            registry);
                    List<Future<ReadResult>> reads = new ArrayList<>();
                    for (int i = 0; i < READERS; i++) {
                      reads.add(pipeline.get(key, "r" + i));
                    }
                    cache.drained(vertx).onSuccess(drained -> release.complete());
                    Future.all(reads).map(f -> f.<ReadResult>list()).onComplete(all);
                  });
              return all.future();
            })
        .compose(results -> db.drained(vertx).compose(v -> cache.drained(vertx)).map(results))
        .onComplete(
            ctx.succeeding(
                results ->
                    ctx.verify(
                        () -> {
                          assertThat(results)
                              .hasSize(READERS)
                              .allSatisfy(
                                  r -> {
                                    assertThat(r.cache()).isEqualTo(CacheStatus.MISS);
                                    assertThat(r.document()).isEqualTo(doc);
                                  });
                          assertThat(db.calls(DbContract.GET.name())).hasSize(1);
                          assertThat(cache.calls(CacheContract.GET.name())).hasSize(READERS);
                          assertThat(cache.calls(CacheContract.FILL.name())).hasSize(1);
                          assertThat(
                                  registry.find("troupe_request_coalesced_reads").counter().count())
                              .isEqualTo(READERS - 1);
                          ctx.completeNow();
                        })));
  }

  @Test
  @DisplayName("after a read completes, the next miss of the key reads the database again")
  void flightEndsWithItsRead(Vertx vertx, VertxTestContext ctx) {
    DocKey key = DocKey.of("hot", "again");
    Document doc = new Document(key, 1, Instant.parse("2026-01-01T00:00:00Z"), new JsonObject());
    FakeService db =
        new FakeService(DbContract.ADDRESS, DbContract.GET.name())
            .reply(DbContract.GET.name(), CacheWire.toJson(Lookup.found(doc)));
    FakeService cache =
        new FakeService(CacheContract.ADDRESS, CacheContract.GET.name(), CacheContract.FILL.name())
            .reply(CacheContract.GET.name(), CacheWire.toJson(CacheLookup.MISS))
            .reply(CacheContract.FILL.name(), new JsonObject().put("stored", true));
    var context = vertx.getOrCreateContext();
    db.register(vertx)
        .compose(v -> cache.register(vertx))
        .compose(
            v -> {
              Promise<ReadResult> second = Promise.promise();
              context.runOnContext(
                  x -> {
                    DocumentPipeline pipeline =
                        new DocumentPipeline(
                            CallPolicy.of(vertx, "db", 5000, new SimpleMeterRegistry()),
                            CallPolicy.of(vertx, "cache", 5000, new SimpleMeterRegistry()),
                            new SimpleMeterRegistry());
                    pipeline
                        .get(key, "first")
                        .compose(first -> pipeline.get(key, "second"))
                        .onComplete(second);
                  });
              return second.future();
            })
        .compose(r -> db.drained(vertx).map(r))
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(db.calls(DbContract.GET.name())).hasSize(2);
                          ctx.completeNow();
                        })));
  }
}
