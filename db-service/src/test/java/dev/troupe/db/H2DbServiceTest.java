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
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("db-service on H2 (embedded file in a temporary directory)")
class H2DbServiceTest extends DbServiceContract {
  @TempDir static Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir);
  }

  @Test
  @DisplayName(
      "on H2, db-service creates its missing data directory and keeps the database file in it")
  void createsItsDataDirectory(Vertx vertx, VertxTestContext ctx) {
    Path dataDir = dir.resolve("nested").resolve("data");
    DeploymentOptions options =
        new DeploymentOptions().setConfig(TestDatabase.h2(dataDir).config());
    JsonObject data = new JsonObject().put("where", "nested");
    deploy(vertx, options)
        .compose(id -> put(vertx, new PutDoc(KEY, data, Precondition.NONE)))
        .compose(
            r -> call(vertx, DbContract.GET.name(), DocWire.toJson(KEY)).map(CacheWire::lookup))
        .onComplete(
            ctx.succeeding(
                lookup ->
                    ctx.verify(
                        () -> {
                          assertThat(Files.isDirectory(dataDir)).isTrue();
                          assertThat(dataDir.resolve("troupe.mv.db")).isRegularFile();
                          assertThat(lookup.document().data()).isEqualTo(data);
                          ctx.completeNow();
                        })));
  }
}
