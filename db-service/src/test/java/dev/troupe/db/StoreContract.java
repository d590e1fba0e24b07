package dev.troupe.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A {@link DatabaseContract} whose every test gets empty tables, its own pool and a store over it. */
abstract class StoreContract extends DatabaseContract {
  Pool pool;
  DocumentStore store;

  @BeforeEach
  final void openStore(Vertx vertx, VertxTestContext ctx) {
    pool = backend.pool(vertx);
    store = new DocumentStore(pool, backend::sql, Clock.systemUTC());
    db.reset(pool).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  final void closeStore(VertxTestContext ctx) {
    Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
    pool = null;
    closed.onComplete(ctx.succeedingThenComplete());
  }
}
