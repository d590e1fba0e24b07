package dev.troupe.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.CacheWire;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.DocWire;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("db-service on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresDbServiceTest extends DbServiceContract {
  private final List<TestDatabase> extra = new ArrayList<>();

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }

  @AfterEach
  void dropExtraSchemas() {
    extra.forEach(TestDatabase::close);
    extra.clear();
  }

  @Test
  @DisplayName(
      "on PostgreSQL, db-service creates and migrates a schema that does not exist yet, and serves from it")
  void createsItsSchema(Vertx vertx, VertxTestContext ctx) {
    TestDatabase fresh = TestDatabase.postgres();
    extra.add(fresh);
    String schema = ((TestDatabase.Postgres) fresh).schema;
    Checkpoint served = ctx.checkpoint();
    Checkpoint tables = ctx.checkpoint();
    JsonObject data = new JsonObject().put("where", schema);

    deploy(vertx, new DeploymentOptions().setConfig(fresh.config()))
        .compose(id -> put(vertx, new PutDoc(KEY, data, Precondition.NONE)))
        .compose(
            r -> call(vertx, DbContract.GET.name(), DocWire.toJson(KEY)).map(CacheWire::lookup))
        .compose(
            lookup -> {
              ctx.verify(
                  () -> {
                    assertThat(lookup.document().data()).isEqualTo(data);
                    served.flag();
                  });
              var pool = fresh.backend().pool(vertx);
              return pool.preparedQuery(
                      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1"
                          + " ORDER BY table_name")
                  .execute(Tuple.of(schema))
                  .eventually(pool::close);
            })
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          List<String> names = new ArrayList<>();
                          for (Row row : rows) {
                            names.add(row.getString(0));
                          }
                          assertThat(names)
                              .containsExactly(
                                  "troupe_actor_state",
                                  "troupe_change_head",
                                  "troupe_changes",
                                  "troupe_chat_messages",
                                  "troupe_documents",
                                  "troupe_idempotency",
                                  "troupe_job_chunks",
                                  "troupe_job_errors",
                                  "troupe_job_results",
                                  "troupe_jobs",
                                  "troupe_schema_history");
                          tables.flag();
                        })));
  }
}
