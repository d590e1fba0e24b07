package dev.troupe.db;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link DatabaseContract} whose every test gets empty tables, its own pool and a store over it,
 * grouping its writes on {@link #context} as a db verticle groups them on its own.
 */
abstract class StoreContract extends DatabaseContract {
  Vertx vertx;
  Pool pool;
  Context context;
  DocumentStore store;
  private final List<DocumentStore> stores = new ArrayList<>();

  @BeforeEach
  final void openStore(Vertx vertx, VertxTestContext ctx) {
    this.vertx = vertx;
    pool = backend.pool(vertx);
    context = vertx.getOrCreateContext();
    store = store(Clock.systemUTC());
    db.reset(pool).onComplete(ctx.succeedingThenComplete());
  }

  /** Another store over this test's pool, grouping on {@link #context}; closed after the test. */
  DocumentStore store(Clock clock) {
    return store(backend, context, clock);
  }

  /**
   * Another store over this test's pool, configured as {@code with} says (group bounds, say),
   * grouping on {@code owner}, as one more db verticle instance would; closed after the test.
   */
  DocumentStore store(Backend with, Context owner, Clock clock) {
    DocumentStore opened =
        DocumentStore.open(vertx, owner, with, pool, clock, new SimpleMeterRegistry());
    stores.add(opened);
    return opened;
  }

  @AfterEach
  final void closeStore(VertxTestContext ctx) {
    Future<Void> closed = Future.all(stores.stream().map(DocumentStore::close).toList()).mapEmpty();
    stores.clear();
    Pool open = pool;
    pool = null;
    closed
        .eventually(() -> open == null ? Future.succeededFuture() : open.close())
        .onComplete(ctx.succeedingThenComplete());
  }
}
